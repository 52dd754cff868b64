import type { EngineEvent } from '../../engine/events.js';
import { type EngineView, initialEngineView, type LogSourceView, PROBLEM_LIMIT, sourceKey, upsert } from './engine-view.js';
import { isFailing } from './workloads.js';
import { reduceImages } from './reduce-build.js';

/**
 * Project one engine event into the dashboard's view of the engine (pure:
 * same input, same output). `now` stamps starts, for live elapsed times.
 */
export function reduce(state: EngineView, event: EngineEvent, now = 0): EngineView {
  switch (event.type) {
    case 'engine:phase':
      return { ...state, phase: event.payload.phase };
    case 'engine:reload':
      return {
        ...initialEngineView(),
        // Their lines stay readable; the new run's log stage marks the containers it streams again.
        sources: state.sources.map((s) => (s.ref && s.state !== 'ended' ? { ...s, state: 'ended' as const } : s)),
        findings: state.findings,
        lastInfo: { scope: 'reload', message: `reloading after changes to ${event.payload.changed.join(', ') || 'watched files'}` },
      };
    case 'engine:info':
      return { ...state, lastInfo: { scope: event.payload.scope, message: event.payload.message } };
    case 'engine:warning':
    case 'engine:error': {
      const level = event.type === 'engine:error' ? 'error' : 'warning';
      const problems = [...state.problems, { ...event.payload, level, seq: (state.problems.at(-1)?.seq ?? 0) + 1 } as const].slice(-PROBLEM_LIMIT);
      return { ...state, problems };
    }
    case 'build:start':
    case 'build:skipped':
    case 'build:step':
    case 'build:log':
    case 'build:done':
    case 'build:failed':
    case 'push:start':
    case 'push:progress':
    case 'push:done':
    case 'push:skipped':
    case 'push:failed': {
      const next = { ...state, images: reduceImages(state.images, event, now) };
      // Build output is a log source too, so the full log view can show it.
      const key = `build:${event.payload.image}`;
      if (event.type !== 'build:log' || state.sources.some((s) => s.key === key)) return next;
      return { ...next, sources: [...state.sources, { key, label: key, state: 'streaming' }] };
    }
    case 'deploy:start':
    case 'deploy:skipped':
    case 'deploy:applied':
    case 'deploy:rollout':
    case 'deploy:done':
    case 'deploy:failed':
    case 'purge:done':
      return { ...state, deployments: reduceDeployments(state, event, now) };
    case 'portforward:state': {
      const f = event.payload;
      return { ...state, forwards: upsert(state.forwards, (r) => r.id === f.id, () => ({ ...f })) };
    }
    case 'sync:state':
    case 'sync:batch':
    case 'sync:initial-done':
    case 'sync:refused':
      return { ...state, syncs: reduceSyncs(state, event) };
    case 'terminal:state':
      return { ...state, terminal: { ...event.payload } };
    case 'logs:lines':
    case 'logs:state': {
      const ref = event.payload.source;
      const key = sourceKey(ref);
      const known = state.sources.find((s) => s.key === key);
      if (event.type === 'logs:lines' && known) return state;
      const label = `${ref.pod}/${ref.container}`;
      const prev: LogSourceView = known ?? { key, label, ref, state: 'streaming' };
      let next: LogSourceView = { ...prev, state: 'streaming', reason: undefined };
      if (event.type === 'logs:state') {
        const { state: st, reason } = event.payload;
        next = { ...prev, state: st, reason };
        if (isFailing(next)) {
          // "exited with 3 (Error)" says more than the "CrashLoopBackOff" that follows it.
          const lastFailure = prev.lastFailure && !reason?.startsWith('exited') && isFailing(prev) ? prev.lastFailure : reason;
          next = { ...next, lastFailure, restarts: (prev.restarts ?? 0) + (isFailing(prev) ? 0 : 1) };
        }
      }
      return { ...state, sources: upsert(state.sources, (s) => s.key === key, () => next) };
    }
    case 'analyze:report':
      return { ...state, findings: event.payload.findings };
  }
}

type DeployEvent = Extract<EngineEvent, { type: `deploy:${string}` | 'purge:done' }>;

function reduceDeployments(state: EngineView, event: DeployEvent, now: number): EngineView['deployments'] {
  const name = event.payload.deployment;
  return upsert(
    state.deployments,
    (d) => d.name === name,
    (prev) => {
      const d = prev ?? { name, state: 'deploying', objects: 0, ready: 0, desired: 0, pods: [] };
      switch (event.type) {
        case 'deploy:start':
          return { name, type: event.payload.type, namespace: event.payload.namespace, state: 'deploying', objects: 0, ready: 0, desired: 0, pods: [], startedAt: now };
        case 'deploy:skipped':
          return { ...d, state: 'skipped', reason: event.payload.reason };
        case 'deploy:applied':
          return { ...d, state: 'applied', objects: event.payload.objects.length };
        case 'deploy:rollout': {
          const { workload, ready, desired, pods } = event.payload;
          return { ...d, workload, ready, desired, pods };
        }
        case 'deploy:done':
          return { ...d, state: 'ready', ms: event.payload.ms, error: undefined, hint: undefined };
        case 'deploy:failed':
          return { ...d, state: 'failed', error: event.payload.message, hint: event.payload.hint };
        case 'purge:done':
          return { ...d, state: 'purged' };
      }
    },
  );
}

type SyncEvent = Extract<EngineEvent, { type: `sync:${string}` }>;

function reduceSyncs(state: EngineView, event: SyncEvent): EngineView['syncs'] {
  const id = event.payload.id;
  return upsert(
    state.syncs,
    (s) => s.id === id,
    (prev) => {
      const s = prev ?? { id, localPath: '', containerPath: '', state: 'initial', totals: { up: 0, down: 0, batches: 0 }, refused: 0 };
      switch (event.type) {
        case 'sync:state': {
          const { localPath, containerPath, pod, state: st, error } = event.payload;
          return { ...s, localPath, containerPath, pod, state: st, error };
        }
        case 'sync:batch': {
          const { direction, changed, deleted, bytes, ms } = event.payload;
          const count = changed.length + deleted.length;
          const totals = { ...s.totals, batches: s.totals.batches + 1 };
          totals[direction] += count;
          return { ...s, totals, lastBatch: { direction, files: [...changed, ...deleted], count, bytes, ms } };
        }
        case 'sync:initial-done': {
          const { uploaded, downloaded, conflicts, ms } = event.payload;
          return { ...s, initial: { uploaded, downloaded, conflicts, ms } };
        }
        case 'sync:refused':
          return { ...s, refused: s.refused + 1, lastRefused: { path: event.payload.path, reason: event.payload.reason } };
      }
    },
  );
}
