import type { EngineEvent } from '../engine/events.js';
import { formatBytes, formatMs } from '../ui/text.js';

/** One output line before styling: a domain column, an optional subject column, and the text. */
export interface PlainLine {
  domain: string;
  subject?: string;
  text: string;
  level?: 'error' | 'warn' | 'ok';
  /** When the line happened, for the timestamp column; defaults to "now". */
  ts?: number;
}

/**
 * What the formatter remembers between events so it prints changes, not
 * ticks: push layer statuses, rollout counts, forward and sync states.
 */
export class PlainMemory {
  readonly last = new Map<string, string>();

  /** True when `value` differs from what was last printed for `key`. */
  changed(key: string, value: string): boolean {
    if (this.last.get(key) === value) return false;
    this.last.set(key, value);
    return true;
  }
}

/** ` (moved from <pod>)` when a forward or sync is working again on another pod than last time (a rollout, a deleted pod). */
function movedFrom(mem: PlainMemory, key: string, pod: string | undefined): string {
  if (pod === undefined) return '';
  const prev = mem.last.get(`${key}:pod`);
  mem.last.set(`${key}:pod`, pod);
  return prev !== undefined && prev !== pod ? ` (moved from ${prev})` : '';
}

const at = (step?: number, total?: number) => (step !== undefined ? ` at step ${step}${total !== undefined ? `/${total}` : ''}` : '');

/** Lines for one engine event; an empty array means nothing worth a line (a progress tick, an unchanged state). */
export function formatEvent(event: EngineEvent, mem: PlainMemory): PlainLine[] {
  switch (event.type) {
    case 'engine:phase':
      return [{ domain: 'phase', text: event.payload.phase, ts: event.payload.at }];
    case 'engine:reload':
      return [{ domain: 'info', subject: 'reload', text: `reloading after changes to ${listOf(event.payload.changed)}` }];
    case 'engine:info':
      return [{ domain: 'info', subject: event.payload.scope, text: event.payload.message }];
    case 'engine:warning':
    case 'engine:error': {
      const p = event.payload;
      const level = event.type === 'engine:error' ? 'error' : 'warn';
      return [{ domain: level, subject: p.scope, text: `${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`, level }];
    }
    case 'build:start':
      return [{ domain: 'build', subject: event.payload.image, text: `start ${event.payload.ref}` }];
    case 'build:skipped':
      return [{ domain: 'build', subject: event.payload.image, text: `skipped: ${event.payload.reason}`, level: 'ok' }];
    case 'build:step': {
      const { image, step, total, instruction } = event.payload;
      return [{ domain: 'build', subject: image, text: `step ${step}/${total} ${instruction}` }];
    }
    case 'build:log':
      return event.payload.lines.map((l) => ({ domain: 'build', subject: event.payload.image, text: `│ ${l}` }));
    case 'build:done':
      return [{ domain: 'build', subject: event.payload.image, text: `done in ${formatMs(event.payload.ms)} → ${event.payload.ref}`, level: 'ok' }];
    case 'build:failed': {
      const f = event.payload;
      return [{ domain: 'build', subject: f.image, text: `FAILED${at(f.step)}${f.instruction ? ` ${f.instruction}` : ''}: ${f.message}`, level: 'error' }];
    }
    case 'push:start':
      return [{ domain: 'push', subject: event.payload.image, text: `start ${event.payload.ref}` }];
    case 'push:progress': {
      const { image, layer, status } = event.payload;
      if (!mem.changed(`push:${image}:${layer}`, status)) return [];
      return [{ domain: 'push', subject: image, text: `layer ${layer.replace(/^sha256:/, '').slice(0, 12)} ${status}` }];
    }
    case 'push:done':
      return [{ domain: 'push', subject: event.payload.image, text: `done in ${formatMs(event.payload.ms)}${event.payload.digest ? ` ${event.payload.digest}` : ''}`, level: 'ok' }];
    case 'push:skipped':
      return [{ domain: 'push', subject: event.payload.image, text: `skipped: ${event.payload.reason}` }];
    case 'push:failed':
      return [{ domain: 'push', subject: event.payload.image, text: `FAILED (${event.payload.registry}): ${event.payload.message}`, level: 'error' }];
    case 'deploy:start':
      return [{ domain: 'deploy', subject: event.payload.deployment, text: `start (${event.payload.type}, namespace ${event.payload.namespace})` }];
    case 'deploy:skipped':
      return [{ domain: 'deploy', subject: event.payload.deployment, text: `skipped: ${event.payload.reason}` }];
    case 'deploy:applied': {
      const counts = new Map<string, number>();
      for (const o of event.payload.objects) counts.set(o.action, (counts.get(o.action) ?? 0) + 1);
      const detail = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
      return [{ domain: 'deploy', subject: event.payload.deployment, text: `applied ${event.payload.objects.length} objects${detail ? ` (${detail})` : ''}` }];
    }
    case 'deploy:rollout': {
      const { deployment, workload, ready, desired, pods } = event.payload;
      const bad = pods.filter((p) => !p.ready && p.status !== 'Running').map((p) => `${p.name} ${p.status}${p.reason ? ` (${p.reason})` : ''}`);
      const text = `${workload} ${ready}/${desired} ready${bad.length ? ` · ${bad.join(', ')}` : ''}`;
      return mem.changed(`rollout:${deployment}:${workload}`, text) ? [{ domain: 'deploy', subject: deployment, text }] : [];
    }
    case 'deploy:done':
      return [{ domain: 'deploy', subject: event.payload.deployment, text: `ready in ${formatMs(event.payload.ms)}`, level: 'ok' }];
    case 'deploy:failed': {
      const { deployment, message, hint } = event.payload;
      return [{ domain: 'deploy', subject: deployment, text: `FAILED: ${message}${hint ? ` (hint: ${hint})` : ''}`, level: 'error' }];
    }
    case 'purge:done':
      return [{ domain: 'deploy', subject: event.payload.deployment, text: `purged ${event.payload.objects.length} objects` }];
    case 'portforward:state': {
      const f = event.payload;
      const text = `${f.localPort} → ${f.pod ?? '?'}:${f.remotePort} ${f.state}${f.error ? `: ${f.error}` : ''}`;
      if (!mem.changed(`pf:${f.id}`, text)) return [];
      const moved = movedFrom(mem, `pf:${f.id}`, f.state === 'ready' ? f.pod : undefined);
      return [{ domain: 'ports', text: text + moved, level: f.state === 'failed' ? 'error' : f.state === 'ready' ? 'ok' : undefined }];
    }
    case 'sync:state': {
      const s = event.payload;
      const text = `${s.localPath} → ${s.pod ? `${s.pod}:` : ''}${s.containerPath} ${s.state}${s.error ? `: ${s.error}` : ''}`;
      if (!mem.changed(`sync:${s.id}`, text)) return [];
      const moved = movedFrom(mem, `sync:${s.id}`, s.state === 'watching' ? s.pod : undefined);
      return [{ domain: 'sync', text: text + moved, level: s.state === 'error' ? 'error' : undefined }];
    }
    case 'sync:batch': {
      const b = event.payload;
      const files = [...b.changed, ...b.deleted.map((d) => `-${d}`)];
      const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? ` +${files.length - 5}` : '');
      return [{ domain: 'sync', subject: b.id, text: `${b.direction === 'up' ? '↑' : '↓'} ${files.length} files ${formatBytes(b.bytes)} ${formatMs(b.ms)}: ${shown}` }];
    }
    case 'sync:initial-done': {
      const s = event.payload;
      return [{ domain: 'sync', subject: s.id, text: `initial sync done: ↑${s.uploaded} ↓${s.downloaded}, ${s.conflicts} conflicts in ${formatMs(s.ms)}`, level: 'ok' }];
    }
    case 'sync:refused':
      return [{ domain: 'sync', subject: event.payload.id, text: `refused ${event.payload.path}: ${event.payload.reason}`, level: 'warn' }];
    case 'terminal:state': {
      const t = event.payload;
      return [{ domain: 'term', subject: `${t.target.pod}/${t.target.container}`, text: `${t.state}${t.exitCode !== undefined ? ` (exit ${t.exitCode})` : ''}` }];
    }
    case 'logs:lines': {
      const src = `${event.payload.source.pod}/${event.payload.source.container}`;
      return event.payload.lines.map((l) => ({ domain: 'logs', subject: src, text: l.text, ts: l.ts }));
    }
    case 'logs:state': {
      const { source, state, reason } = event.payload;
      const subject = `${source.pod}/${source.container}`;
      const text = `[${state}${reason ? `: ${reason}` : ''}]`;
      // A stream retrying against an API server that is away reports the same wait every second: once is enough.
      return mem.changed(`logs:${subject}`, text) ? [{ domain: 'logs', subject, text }] : [];
    }
    case 'analyze:report': {
      const { namespace, findings } = event.payload;
      const head: PlainLine = { domain: 'check', subject: namespace, text: findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}` : 'no problems found', level: findings.length ? 'warn' : 'ok' };
      const rows = findings.flatMap((f): PlainLine[] => [
        { domain: 'check', subject: f.object, text: `${f.kind}: ${f.message}`, level: f.severity === 'error' ? 'error' : 'warn' },
        ...(f.hint ? [{ domain: 'check', subject: f.object, text: `hint: ${f.hint}` }] : []),
      ]);
      return [head, ...rows];
    }
  }
}

function listOf(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown || 'watched files';
}
