import path from 'node:path';
import type { DeploymentView, ForwardView, ImageView, LogSourceView, SyncView } from '../store/engine-view.js';
import { pushSummary } from '../store/reduce-build.js';
import { isFailing, shortPod } from '../store/workloads.js';
import { formatBytes, formatMs } from '../text.js';

/** What a status glyph shows: a spinner while busy, a tick, a cross, or a quiet dot. */
export type Glyph = 'busy' | 'ok' | 'fail' | 'idle' | 'warn';

/** One pane row before styling; pure so the wording is tested without Ink. */
export interface RowText {
  glyph: Glyph;
  name: string;
  text: string;
}

// Skip reasons that mean "nothing to do": shown as two words, the row has no room for the sentence.
const UNCHANGED = /^(nothing changed|an image for this content|the image is already in)/i;

function skipped(reason: string | undefined): string {
  if (!reason || UNCHANGED.test(reason)) return 'up to date';
  return `skipped (${reason})`;
}

/** Time since `startedAt`, never less than what the engine last reported. */
function elapsed(reported: number | undefined, startedAt: number | undefined, now: number | undefined): number {
  const live = startedAt !== undefined && now !== undefined && startedAt > 0 ? now - startedAt : 0;
  return Math.max(reported ?? 0, live);
}

/** A build pane row for one image; `now` makes a running build's time count up between step events. */
export function describeImage(img: ImageView, now?: number): RowText {
  const name = img.name;
  if (img.state === 'failed') {
    const at = img.step !== undefined && img.total !== undefined ? ` at step ${img.step}/${img.total}` : '';
    const instr = img.instruction ? ` ${img.instruction}` : '';
    return { glyph: 'fail', name, text: `failed${at}${instr}: ${img.error ?? ''}` };
  }
  if (img.state === 'building') {
    const step = img.step !== undefined ? `step ${img.step}/${img.total ?? '?'} ` : 'starting ';
    const ms = elapsed(img.elapsedMs, img.startedAt, now);
    const time = ms > 0 ? `${formatElapsed(ms)} ` : '';
    return { glyph: 'busy', name, text: `${step}${time}${img.instruction ?? ''}`.trimEnd() };
  }
  const built = img.state === 'skipped' ? skipped(img.reason) : `built ${formatMs(img.elapsedMs ?? 0)}`;
  const push = img.push;
  if (!push) return { glyph: 'ok', name, text: built };
  switch (push.state) {
    case 'pushing': {
      const s = pushSummary(push);
      const bytes = s.total > 0 ? ` ${formatBytes(s.current)}/${formatBytes(s.total)}` : '';
      const layers = s.layers > 0 ? ` ${s.done}/${s.layers} layers${bytes}` : '';
      return { glyph: 'busy', name, text: `pushing${layers} · ${built}` };
    }
    case 'pushed':
      return { glyph: 'ok', name, text: `${built} · pushed${push.ms !== undefined ? ` ${formatMs(push.ms)}` : ''}` };
    case 'skipped':
      // A cached image the registry already has needs no word about pushing.
      return { glyph: 'ok', name, text: img.state === 'skipped' && UNCHANGED.test(push.reason ?? '') ? built : `${built} · push ${skipped(push.reason)}` };
    case 'failed':
      return { glyph: 'fail', name, text: `push failed: ${push.error ?? ''}` };
  }
}

/** A running clock, in whole seconds once past one (tenths would redraw the row ten times a second). */
function formatElapsed(ms: number): string {
  return ms < 1000 ? formatMs(ms) : ms < 60_000 ? `${Math.floor(ms / 1000)}s` : formatMs(ms);
}

/** A build pane row for one deployment, with the first unhappy pod if any. */
export function describeDeployment(d: DeploymentView, now?: number): RowText {
  const name = `deploy ${d.name}`;
  const rollout = d.desired > 0 ? ` ${d.ready}/${d.desired} ready` : '';
  const bad = d.pods.find((p) => !p.ready && p.status !== 'Running');
  const pod = bad ? ` · ${bad.name} ${bad.status}${bad.restarts > 0 ? ` (${bad.restarts} restarts)` : ''}` : '';
  switch (d.state) {
    case 'deploying':
      return { glyph: 'busy', name, text: `deploying${rollout}${pod}${clock(d, now)}` };
    case 'applied':
      return { glyph: 'busy', name, text: `applied ${d.objects} objects ·${rollout || ' waiting'}${pod}${clock(d, now)}` };
    case 'ready':
      return { glyph: 'ok', name, text: `ready${d.desired > 0 ? ` ${d.ready}/${d.desired}` : ''}${d.ms !== undefined ? ` in ${formatMs(d.ms)}` : ''}` };
    case 'skipped':
      return { glyph: 'ok', name, text: skipped(d.reason) };
    case 'purged':
      return { glyph: 'idle', name, text: 'purged' };
    case 'failed':
      return { glyph: 'fail', name, text: `failed: ${d.error ?? ''}${d.hint ? ` — ${d.hint}` : ''}` };
  }
}

function clock(d: DeploymentView, now: number | undefined): string {
  const ms = elapsed(undefined, d.startedAt, now);
  return ms >= 1000 ? ` · ${formatElapsed(ms)}` : '';
}

/** A build pane row for a followed container, under its deployment: `└ api-xk2p2  running`. */
export function describeContainer(source: LogSourceView, label: string): RowText {
  const name = `└ ${label}`;
  const last = source.lastFailure && source.lastFailure !== source.reason ? ` (last: ${source.lastFailure})` : '';
  if (isFailing(source)) return { glyph: 'fail', name, text: `${source.reason ?? 'failing'}${last}` };
  if (source.state === 'streaming') {
    const n = source.restarts ?? 0;
    return n > 0 ? { glyph: 'warn', name, text: `running · failed ${n}×${last}` } : { glyph: 'ok', name, text: 'running' };
  }
  if (source.state === 'ended') return { glyph: 'idle', name, text: `ended${source.reason ? `: ${source.reason}` : ''}` };
  return { glyph: 'busy', name, text: source.reason ? `waiting: ${source.reason}` : 'waiting' };
}

/**
 * A ports pane row: `8080 → api-xk2p2:80  ready`. When `maxName` is tight
 * the pod name is cut, never the ports.
 */
export function describeForward(f: ForwardView, maxName = Infinity): RowText {
  const glyph: Glyph = f.state === 'ready' ? 'ok' : f.state === 'failed' ? 'fail' : f.state === 'stopped' ? 'idle' : 'warn';
  const ends = { head: `${f.localPort} → `, tail: `:${f.remotePort}` };
  const pod = f.pod ? shortPod(f.pod) : '…';
  const room = Math.max(1, maxName - ends.head.length - ends.tail.length);
  const target = `${ends.head}${pod.length > room ? `${pod.slice(0, Math.max(0, room - 1))}…` : pod}${ends.tail}`;
  const conns = f.connections > 0 ? ` · ${f.connections} conn` : '';
  return { glyph, name: target, text: `${f.state}${conns}${f.error ? `: ${f.error}` : ''}` };
}

/** A local path as people type it: relative to where devspace runs (`./public`) when it is inside it. */
export function displayPath(localPath: string, cwd: string): string {
  if (!path.isAbsolute(localPath)) return localPath;
  const rel = path.relative(cwd, localPath);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? localPath : `./${rel}`;
}

/** A sync pane row: paths, state and the last batch (totals and files go on its detail line). */
export function describeSync(s: SyncView, cwd = process.cwd()): RowText {
  const glyph: Glyph = s.state === 'watching' ? 'ok' : s.state === 'error' ? 'fail' : s.state === 'stopped' ? 'idle' : 'warn';
  const paths = `${s.localPath ? displayPath(s.localPath, cwd) : s.id} → ${s.containerPath}`;
  const b = s.lastBatch;
  const last = b ? ` · ${b.direction === 'up' ? '↑' : '↓'}${b.count} file${b.count === 1 ? '' : 's'} ${formatBytes(b.bytes)} ${formatMs(b.ms)}` : '';
  const refused = s.refused > 0 ? ` · ${s.refused} refused` : '';
  return { glyph, name: paths, text: `${s.state}${s.error ? `: ${s.error}` : ''}${last}${refused}` };
}

/** The sync's detail line: the files of the last batch, else how the initial sync went. */
export function syncFiles(s: SyncView): string | undefined {
  const b = s.lastBatch;
  if (b && b.files.length > 0) {
    const shown = b.files.slice(0, 4).join(', ');
    const totals = ` · total ↑${s.totals.up} ↓${s.totals.down}`;
    return `${b.direction === 'up' ? '↑' : '↓'} ${shown}${b.files.length > 4 ? ` +${b.files.length - 4}` : ''}${totals}`;
  }
  const i = s.initial;
  if (!i) return undefined;
  return `initial sync: ↑${i.uploaded} ↓${i.downloaded}${i.conflicts ? ` · ${i.conflicts} conflicts` : ''} in ${formatMs(i.ms)}`;
}

/** The slice of `count` rows to show so that `selected` stays visible in `height` rows. */
export function visibleRange(count: number, height: number, selected: number): [number, number] {
  if (count <= height) return [0, count];
  const start = Math.min(Math.max(0, selected - height + 1), count - height);
  return [start, start + height];
}
