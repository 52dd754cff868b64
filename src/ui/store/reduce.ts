import type { EngineEvent } from '../../engine/events.js';
import { type EngineView, PROBLEM_LIMIT, sourceKey, upsert } from './engine-view.js';
import { reduceImages } from './reduce-build.js';

/** Project one engine event into the dashboard's view of the engine (pure: same input, same output). */
export function reduce(state: EngineView, event: EngineEvent): EngineView {
  switch (event.type) {
    case 'engine:phase':
      return { ...state, phase: event.payload.phase };
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
      const next = { ...state, images: reduceImages(state.images, event) };
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
      return { ...state, deployments: reduceDeployments(state, event) };
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
      const next = event.type === 'logs:state' ? { state: event.payload.state, reason: event.payload.reason } : { state: 'streaming' as const };
      const label = `${ref.pod}/${ref.container}`;
      return { ...state, sources: upsert(state.sources, (s) => s.key === key, (s) => ({ ...(s ?? { key, label, ref }), ...next })) };
    }
    case 'analyze:report':
      return { ...state, findings: event.payload.findings };
  }
}

type DeployEvent = Extract<EngineEvent, { type: `deploy:${string}` | 'purge:done' }>;

function reduceDeployments(state: EngineView, event: DeployEvent): EngineView['deployments'] {
  const name = event.payload.deployment;
  return upsert(
    state.deployments,
    (d) => d.name === name,
    (prev) => {
      const d = prev ?? { name, state: 'deploying', objects: 0, ready: 0, desired: 0, pods: [] };
      switch (event.type) {
        case 'deploy:start':
          return { name, type: event.payload.type, namespace: event.payload.namespace, state: 'deploying', objects: 0, ready: 0, desired: 0, pods: [] };
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
