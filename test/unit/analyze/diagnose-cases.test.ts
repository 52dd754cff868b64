import { describe, expect, it } from 'vitest';
import { diagnosePod } from '../../../src/engine/analyze/diagnose-pod.js';
import { startingReason } from '../../../src/engine/analyze/starting.js';
import { ctxFor, NOW, pod, podFrom } from './helpers.js';

// Hand-written pods for states the test bed cannot produce on demand (evictions,
// stuck deletions, old history); field names and shapes follow the captured ones.

const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const MIN = 60_000;

function basePod(status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return podFrom({
    metadata: { name: 'api-1', namespace: 'dev', uid: 'u-1', creationTimestamp: iso(60 * MIN), ...meta },
    spec: { containers: [{ name: 'api', image: '127.0.0.1:5000/api:1' }], ...spec },
    status,
  });
}

function running(startedMsAgo: number, extra: Record<string, unknown> = {}) {
  return { name: 'api', image: '127.0.0.1:5000/api:1', imageID: 'x', ready: true, started: true, restartCount: 0, state: { running: { startedAt: iso(startedMsAgo) } }, ...extra };
}

describe('diagnosePod on hand-written states', () => {
  it('an evicted pod: pod-failed with the kubelet message and an eviction hint', () => {
    const p = basePod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. Container api was using 900Mi, request is 0.' });
    const [d] = diagnosePod(p, ctxFor(p, { events: [] }));
    expect(d?.finding).toMatchObject({ severity: 'error', kind: 'pod-failed', object: 'pod/api-1' });
    expect(d?.finding.message).toContain('low on resource: memory');
    expect(d?.finding.hint).toContain('resource requests/limits');
  });

  it('a pod deleted long ago but still there: stuck-terminating naming its finalizers', () => {
    const p = basePod({ phase: 'Running', containerStatuses: [running(30 * MIN)] }, {}, { deletionTimestamp: iso(5 * MIN), finalizers: ['example.com/hold'] });
    const [d] = diagnosePod(p, ctxFor(p, { events: [] }));
    expect(d?.finding).toMatchObject({ severity: 'warning', kind: 'stuck-terminating' });
    expect(d?.finding.message).toContain('example.com/hold');
    // Within its grace period it is just shutting down: nothing to say, but analyze waits for it.
    const fresh = basePod({ phase: 'Running' }, {}, { deletionTimestamp: iso(-20_000) });
    expect(diagnosePod(fresh, ctxFor(fresh, { events: [] }))).toEqual([]);
    expect(startingReason(fresh, NOW)).toBe('Terminating');
  });

  it('a container that restarted recently but runs and is ready again: a warning, asking for the previous log', () => {
    const status = running(5 * MIN, { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: iso(6 * MIN), finishedAt: iso(5 * MIN) } } });
    const p = basePod({ phase: 'Running', containerStatuses: [status] });
    const [d] = diagnosePod(p, ctxFor(p, { events: [] }));
    expect(d?.finding).toMatchObject({ severity: 'warning', kind: 'restarts', object: 'pod/api-1/api' });
    expect(d?.finding.message).toContain('running again now, after 2 restarts');
    expect(d?.finding.message).toContain('exited with code 1');
    expect(d?.logs).toEqual({ pod: 'api-1', container: 'api', previous: true });
  });

  it('restarts longer ago than 2 h are history', () => {
    const status = running(3 * 60 * MIN, { restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: iso(3 * 60 * MIN) } } });
    const p = basePod({ phase: 'Running', containerStatuses: [status] });
    expect(diagnosePod(p, ctxFor(p, { events: [] }))).toEqual([]);
  });

  it('an error exit older than 2 h is still reported, but as a warning', () => {
    const status = { name: 'api', image: 'i', imageID: 'x', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error', finishedAt: iso(5 * 60 * MIN) } } };
    const p = basePod({ phase: 'Failed', containerStatuses: [status] }, { restartPolicy: 'Never' });
    const [d] = diagnosePod(p, ctxFor(p, { events: [] }));
    expect(d?.finding).toMatchObject({ severity: 'warning', kind: 'exited-error' });
    expect(d?.finding.message).toContain('5 h ago');
  });

  it('a finished Job pod (exit 0, restartPolicy Never) is fine', () => {
    const status = { name: 'api', image: 'i', imageID: 'x', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: iso(MIN) } } };
    const p = basePod({ phase: 'Succeeded', containerStatuses: [status] }, { restartPolicy: 'Never' });
    expect(diagnosePod(p, ctxFor(p, { events: [] }))).toEqual([]);
    expect(startingReason(p, NOW)).toBeUndefined();
  });

  it('InvalidImageName and CreateContainerError get their own explanations', () => {
    const bad = basePod({ phase: 'Pending', containerStatuses: [{ name: 'api', image: 'Bad Name', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "Bad Name": couldn\'t parse image name' } } }] }, { containers: [{ name: 'api', image: 'Bad Name' }] });
    const [pull] = diagnosePod(bad, ctxFor(bad, { events: [] }));
    expect(pull?.finding.kind).toBe('image-pull');
    expect(pull?.finding.message).toContain('not a valid reference');
    const create = basePod({ phase: 'Pending', containerStatuses: [{ name: 'api', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerError', message: 'failed to generate container spec: permission denied' } } }] });
    const [c] = diagnosePod(create, ctxFor(create, { events: [] }));
    expect(c?.finding).toMatchObject({ kind: 'start-error', severity: 'error' });
    expect(c?.finding.hint).toContain('not executable');
  });

  it('unauthorized pulls point at imagePullSecrets', () => {
    const p = basePod({ phase: 'Pending', containerStatuses: [{ name: 'api', image: 'reg.example.com/team/api:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized' } } }] }, { containers: [{ name: 'api', image: 'reg.example.com/team/api:1' }] });
    const [d] = diagnosePod(p, ctxFor(p, { events: [] }));
    expect(d?.finding.message).toContain('reg.example.com');
    expect(d?.finding.hint).toContain('imagePullSecret');
  });
});

describe('startingReason: what analyze waits for', () => {
  it('waits for ContainerCreating, but not for hopeless or unschedulable pods', () => {
    expect(startingReason(pod('mount'), NOW)).toBe('ContainerCreating');
    for (const name of ['crash', 'pull', 'cfgerr', 'initcrash', 'unsched', 'bigcpu', 'exit1', 'completed', 'healthy', 'ready']) {
      expect(startingReason(pod(name), NOW), name).toBeUndefined();
    }
  });

  it('waits for a container started less than 10 s ago and for a readiness probe still within its grace', () => {
    const healthy = pod('healthy');
    const started = healthy.status!.containerStatuses![0]!.state!.running!.startedAt!.getTime();
    expect(startingReason(healthy, started + 5_000)).toBe('Running (just started)');
    expect(startingReason(healthy, started + 11_000)).toBeUndefined();
    const ready = pod('ready');
    expect(startingReason(ready, started + 20_000)).toBe('Running (not ready yet)');
    expect(startingReason(ready, started + 40_000)).toBeUndefined();
  });

  it('waits for a freshly created pod without statuses, running init containers and startup probes', () => {
    expect(startingReason(basePod({ phase: 'Pending' }), NOW)).toBe('Pending');
    const init = basePod(
      { phase: 'Pending', initContainerStatuses: [{ ...running(MIN), name: 'init', ready: false }], containerStatuses: [{ name: 'api', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] },
      { initContainers: [{ name: 'init', image: 'i' }] },
    );
    expect(startingReason(init, NOW)).toBe('Init:0/1');
    const startup = basePod({ phase: 'Running', containerStatuses: [running(MIN, { started: false, ready: false })] });
    expect(startingReason(startup, NOW)).toBe('Running (startup probe not passed yet)');
  });
});
