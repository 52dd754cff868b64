import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { type EngineView, initialEngineView, PROBLEM_LIMIT } from '../../../src/ui/store/engine-view.js';
import { reduce } from '../../../src/ui/store/reduce.js';
import { pushSummary } from '../../../src/ui/store/reduce-build.js';
import { buildFailure, portsFailure, syncFailure } from '../../../src/ui/store/selectors.js';
import { API_REF, SESSION, WEB_FAILED } from './helpers.js';

const run = (events: readonly EngineEvent[], from: EngineView = initialEngineView()) => events.reduce(reduce, from);

describe('reduce', () => {
  it('projects a whole session into rows', () => {
    const s = run(SESSION);
    expect(s.phase).toBe('dev');
    expect(s.images).toHaveLength(1);
    expect(s.images[0]).toMatchObject({ name: 'api', state: 'built', elapsedMs: 14_200, lastLines: ['added 120 packages'], push: { state: 'pushed', ms: 900 } });
    expect(s.deployments[0]).toMatchObject({ name: 'api', state: 'ready', ready: 1, desired: 1 });
    expect(s.forwards[0]).toMatchObject({ localPort: 8080, state: 'ready' });
    expect(s.syncs[0]).toMatchObject({ state: 'watching', totals: { up: 1, down: 0, batches: 1 }, lastBatch: { files: ['src/index.ts'], count: 1 } });
    expect(s.sources.map((x) => x.key)).toEqual(['build:api', 'dev/api-7f9c-xk2/app']);
    expect(s.sources[1]?.ref).toEqual(API_REF);
  });

  it('tracks a build step by step and keeps the failure reason', () => {
    const s = run(WEB_FAILED);
    expect(s.images[0]).toMatchObject({ state: 'failed', step: 3, total: 4, instruction: 'RUN npm run build', error: 'exit code 2' });
    expect(s.images[0]?.lastLines).toEqual(['error TS2304: Cannot find name foo']);
    expect(buildFailure(s)).toEqual({ reason: 'web failed at step 3/4: exit code 2', hint: 'fix the build, then press r to rebuild' });
  });

  it('starts a reloaded run afresh, keeping the log sources and saying why', () => {
    const before = run([...SESSION, { type: 'engine:error', payload: { scope: 'sync', message: 'stale' } }]);
    const s = reduce(before, { type: 'engine:reload', payload: { changed: ['Dockerfile', 'package.json'] } });
    expect(s).toMatchObject({ phase: 'config', images: [], deployments: [], forwards: [], syncs: [], problems: [] });
    expect(s.sources.map((x) => x.key)).toEqual(before.sources.map((x) => x.key));
    expect(s.sources.find((x) => x.ref)?.state).toBe('ended');
    expect(s.lastInfo).toEqual({ scope: 'reload', message: 'reloading after changes to Dockerfile, package.json' });
  });

  it('does not mutate its input', () => {
    const before = run(SESSION);
    const frozen = JSON.stringify(before);
    run(WEB_FAILED, before);
    reduce(before, { type: 'portforward:state', payload: { id: 'pf0', bindAddress: '', localPort: 8080, remotePort: 80, state: 'failed', error: 'x', connections: 0 } });
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('aggregates push progress per layer', () => {
    const s = run([
      { type: 'push:start', payload: { image: 'api', ref: 'r', registry: 'reg' } },
      { type: 'push:progress', payload: { image: 'api', layer: 'a', status: 'Pushing', current: 5, total: 10 } },
      { type: 'push:progress', payload: { image: 'api', layer: 'b', status: 'Layer already exists' } },
      { type: 'push:progress', payload: { image: 'api', layer: 'a', status: 'Pushing', current: 8, total: 10 } },
      { type: 'push:progress', payload: { image: 'api', layer: 'c', status: 'Pushed', current: 20, total: 20 } },
    ]);
    const push = s.images[0]?.push;
    expect(push?.state).toBe('pushing');
    expect(pushSummary(push!)).toEqual({ layers: 3, done: 2, current: 28, total: 30 });
  });

  it('turns failed forwards, syncs and deployments into reasons', () => {
    const s = run([
      { type: 'portforward:state', payload: { id: 'pf', bindAddress: '127.0.0.1', localPort: 9229, remotePort: 9229, state: 'failed', error: 'address already in use', connections: 0 } },
      { type: 'sync:state', payload: { id: 's', localPath: './app', containerPath: '/app', state: 'error', error: 'tar not found in container' } },
      { type: 'deploy:failed', payload: { deployment: 'db', message: 'forbidden', hint: 'check RBAC' } },
    ]);
    expect(portsFailure(s)).toBe('9229 failed: address already in use');
    expect(syncFailure(s.syncs)).toBe('./app: tar not found in container');
    expect(buildFailure(s)).toEqual({ reason: 'deploy db failed: forbidden', hint: 'check RBAC' });
  });

  it('keeps rollout pods and analyze findings', () => {
    const s = run([
      { type: 'deploy:start', payload: { deployment: 'api', type: 'helm', namespace: 'dev' } },
      { type: 'deploy:rollout', payload: { deployment: 'api', workload: 'deployment/api', ready: 0, desired: 2, pods: [{ name: 'api-1', status: 'CrashLoopBackOff', ready: false, restarts: 4 }] } },
      { type: 'analyze:report', payload: { namespace: 'dev', findings: [{ severity: 'error', kind: 'crash-loop', object: 'pod/api-1', message: 'restarting' }] } },
    ]);
    expect(s.deployments[0]).toMatchObject({ type: 'helm', ready: 0, desired: 2, state: 'deploying' });
    expect(s.deployments[0]?.pods[0]?.status).toBe('CrashLoopBackOff');
    expect(s.findings).toHaveLength(1);
  });

  it('caps the problem list and numbers problems', () => {
    const events: EngineEvent[] = Array.from({ length: PROBLEM_LIMIT + 5 }, (_, i) => ({ type: 'engine:error', payload: { scope: 'x', message: `m${i}` } }));
    const s = run(events);
    expect(s.problems).toHaveLength(PROBLEM_LIMIT);
    expect(s.problems.at(-1)).toMatchObject({ message: `m${PROBLEM_LIMIT + 4}`, level: 'error', seq: PROBLEM_LIMIT + 5 });
  });

  it('records log source state', () => {
    const s = run([{ type: 'logs:state', payload: { source: API_REF, state: 'waiting', reason: 'ContainerCreating' } }]);
    expect(s.sources[0]).toMatchObject({ label: 'api-7f9c-xk2/app', state: 'waiting', reason: 'ContainerCreating' });
  });
});
