import type { DeploymentView, ForwardView, ImageView, SyncView } from '../store/engine-view.js';
import { pushSummary } from '../store/reduce-build.js';
import { formatBytes, formatMs } from '../text.js';

/** What a status glyph shows: a spinner while busy, a tick, a cross, or a quiet dot. */
export type Glyph = 'busy' | 'ok' | 'fail' | 'idle' | 'warn';

/** One pane row before styling; pure so the wording is tested without Ink. */
export interface RowText {
  glyph: Glyph;
  name: string;
  text: string;
}

/** A build pane row for one image. */
export function describeImage(img: ImageView): RowText {
  const name = img.name;
  if (img.state === 'failed') {
    const at = img.step !== undefined && img.total !== undefined ? ` at step ${img.step}/${img.total}` : '';
    const instr = img.instruction ? ` ${img.instruction}` : '';
    return { glyph: 'fail', name, text: `failed${at}${instr}: ${img.error ?? ''}` };
  }
  if (img.state === 'building') {
    const step = img.step !== undefined ? `step ${img.step}/${img.total ?? '?'} ` : 'starting ';
    const time = img.elapsedMs ? `${formatMs(img.elapsedMs)} ` : '';
    return { glyph: 'busy', name, text: `${step}${time}${img.instruction ?? ''}`.trimEnd() };
  }
  const built = img.state === 'skipped' ? `cached${img.reason ? ` (${img.reason})` : ''}` : `built in ${formatMs(img.elapsedMs ?? 0)}`;
  const push = img.push;
  if (!push) return { glyph: 'ok', name, text: built };
  switch (push.state) {
    case 'pushing': {
      const s = pushSummary(push);
      const bytes = s.total > 0 ? ` ${formatBytes(s.current)}/${formatBytes(s.total)}` : '';
      return { glyph: 'busy', name, text: `${built} · pushing ${s.done}/${s.layers} layers${bytes}` };
    }
    case 'pushed':
      return { glyph: 'ok', name, text: `${built} · pushed${push.ms !== undefined ? ` in ${formatMs(push.ms)}` : ''}` };
    case 'skipped':
      return { glyph: 'ok', name, text: `${built} · push skipped${push.reason ? ` (${push.reason})` : ''}` };
    case 'failed':
      return { glyph: 'fail', name, text: `push failed: ${push.error ?? ''}` };
  }
}

/** A build pane row for one deployment, with the first unhappy pod if any. */
export function describeDeployment(d: DeploymentView): RowText {
  const name = `deploy ${d.name}`;
  const rollout = d.desired > 0 ? ` ${d.ready}/${d.desired} ready` : '';
  const bad = d.pods.find((p) => !p.ready && p.status !== 'Running');
  const pod = bad ? ` · ${bad.name} ${bad.status}${bad.restarts > 0 ? ` (${bad.restarts} restarts)` : ''}` : '';
  switch (d.state) {
    case 'deploying':
      return { glyph: 'busy', name, text: `deploying${rollout}${pod}` };
    case 'applied':
      return { glyph: 'busy', name, text: `applied ${d.objects} objects ·${rollout || ' waiting'}${pod}` };
    case 'ready':
      return { glyph: 'ok', name, text: `ready${d.desired > 0 ? ` ${d.ready}/${d.desired}` : ''}${d.ms !== undefined ? ` in ${formatMs(d.ms)}` : ''}` };
    case 'skipped':
      return { glyph: 'idle', name, text: `skipped${d.reason ? ` (${d.reason})` : ''}` };
    case 'purged':
      return { glyph: 'idle', name, text: 'purged' };
    case 'failed':
      return { glyph: 'fail', name, text: `failed: ${d.error ?? ''}${d.hint ? ` — ${d.hint}` : ''}` };
  }
}

/** A ports pane row: `8080 → api-xyz:80  ready`. */
export function describeForward(f: ForwardView): RowText {
  const glyph: Glyph = f.state === 'ready' ? 'ok' : f.state === 'failed' ? 'fail' : f.state === 'stopped' ? 'idle' : 'warn';
  const target = `${f.localPort} → ${f.pod ?? '?'}:${f.remotePort}`;
  const conns = f.connections > 0 ? ` · ${f.connections} conn` : '';
  return { glyph, name: target, text: `${f.state}${conns}${f.error ? `: ${f.error}` : ''}` };
}

/** A sync pane row: paths, state and the last batch. */
export function describeSync(s: SyncView): RowText {
  const glyph: Glyph = s.state === 'watching' ? 'ok' : s.state === 'error' ? 'fail' : s.state === 'stopped' ? 'idle' : 'warn';
  const paths = `${s.localPath || s.id} → ${s.containerPath}`;
  const b = s.lastBatch;
  const last = b ? ` · ${b.direction === 'up' ? '↑' : '↓'}${b.count} files ${formatBytes(b.bytes)} ${formatMs(b.ms)}` : '';
  const totals = s.totals.batches > 0 ? ` · total ↑${s.totals.up} ↓${s.totals.down}` : '';
  const refused = s.refused > 0 ? ` · ${s.refused} refused` : '';
  const pod = s.pod ? ` · ${s.pod}` : '';
  return { glyph, name: paths, text: `${s.state}${s.error ? `: ${s.error}` : ''}${last}${totals}${refused}${pod}` };
}

/** The files of the last batch, for a sync's detail line. */
export function syncFiles(s: SyncView): string | undefined {
  const b = s.lastBatch;
  if (!b || b.files.length === 0) return undefined;
  const shown = b.files.slice(0, 4).join(', ');
  return `${b.direction === 'up' ? '↑' : '↓'} ${shown}${b.files.length > 4 ? ` +${b.files.length - 4}` : ''}`;
}

/** The slice of `count` rows to show so that `selected` stays visible in `height` rows. */
export function visibleRange(count: number, height: number, selected: number): [number, number] {
  if (count <= height) return [0, count];
  const start = Math.min(Math.max(0, selected - height + 1), count - height);
  return [start, start + height];
}
