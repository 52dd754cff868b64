import { describe, expect, it } from 'vitest';
import { DevEngineEmitter, type EngineEvents } from '../../../src/engine/events.js';
import { selectorString, waitForRollout } from '../../../src/engine/deploy/rollout.js';
import type { KubeObject, ObjectRef } from '../../../src/engine/deploy/types.js';
import { FakeCluster, fakePod, rolledOut } from '../../fixtures/deploy/fake-cluster.js';

const ns = 'dev';
const labels = { app: 'web' };
const ref: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns };

async function setup(podStates: ('ready' | 'pending' | 'crash' | 'image')[]): Promise<{ cluster: FakeCluster; dep: KubeObject }> {
  const cluster = new FakeCluster();
  await cluster.apply({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: podStates.length, selector: { matchLabels: labels } },
    // Seen by the controller, not rolled out yet.
    status: { observedGeneration: 1, replicas: podStates.length, updatedReplicas: podStates.length },
  });
  const dep = cluster.get('apps/v1', 'Deployment', 'web', ns)!;
  await cluster.apply({
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc', namespace: ns, labels: { ...labels, 'pod-template-hash': 'abc' },
      annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ uid: dep.metadata.uid }],
    },
  });
  cluster.pods = podStates.map((s, i) => fakePod(`web-abc-${i}`, ns, { ...labels, 'pod-template-hash': 'abc' }, s));
  // An old-revision pod that crashes must not fail the new rollout.
  cluster.pods.push(fakePod('web-old-0', ns, { ...labels, 'pod-template-hash': 'old' }, 'crash'));
  return { cluster, dep };
}

function recordRollouts(events: DevEngineEmitter): EngineEvents['deploy:rollout'][0][] {
  const seen: EngineEvents['deploy:rollout'][0][] = [];
  events.on('deploy:rollout', (p) => seen.push(p));
  return seen;
}

describe('waitForRollout', () => {
  it('finishes when the Deployment reports all replicas updated and available, with ready counts in events', async () => {
    const { cluster, dep } = await setup(['ready', 'ready']);
    rolledOut(dep, 2);
    const events = new DevEngineEmitter();
    const seen = recordRollouts(events);
    await waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 5000, intervalMs: 5, settleMs: 0 });
    expect(seen.at(-1)).toMatchObject({ deployment: 'web', workload: 'Deployment/web', ready: 2, desired: 2 });
    expect(seen.at(-1)!.pods.map((p) => p.name)).toEqual(['web-abc-0', 'web-abc-1']);
  });

  it('keeps waiting while pods start, then finishes', async () => {
    const { cluster, dep } = await setup(['pending']);
    let reads = 0;
    cluster.onRead = (r) => {
      if (r.kind !== 'Deployment' || ++reads < 3) return;
      rolledOut(dep, 1);
      cluster.objects.set('apps/v1|Deployment|dev|web', dep);
      cluster.pods[0] = fakePod('web-abc-0', ns, { ...labels, 'pod-template-hash': 'abc' }, 'ready');
    };
    const events = new DevEngineEmitter();
    const seen = recordRollouts(events);
    await waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 5000, intervalMs: 5, settleMs: 0 });
    expect(seen.map((s) => s.ready)).toEqual([0, 1]);
    expect(seen[0]!.pods[0]!.status).toBe('ContainerCreating');
  });

  it('fails fast on a crash-looping pod of the new revision, naming the pod, exit code and restarts', async () => {
    const { cluster } = await setup(['ready', 'crash']);
    const events = new DevEngineEmitter();
    await expect(waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 60_000, intervalMs: 5 })).rejects.toMatchObject({
      message: 'Deployment/web: pod web-abc-1 is CrashLoopBackOff: container container-0 exited with code 2 (Error), restarted 3 times',
      hint: 'run `devspace analyze -n dev` for logs and events',
    });
  });

  it('does not take a container that is ready for an instant and then crashes for a finished rollout', async () => {
    // The controller calls a pod available the moment it is Ready; a container that exits at once is Ready
    // for that moment. The rollout must hold for the settle window before it counts.
    const { cluster, dep } = await setup(['ready']);
    rolledOut(dep, 1);
    let reads = 0;
    cluster.onRead = (r) => {
      if (r.kind !== 'Deployment' || ++reads !== 2) return;
      cluster.pods[0] = fakePod('web-abc-0', ns, { ...labels, 'pod-template-hash': 'abc' }, 'crash');
      dep.status = { ...(dep.status as object), readyReplicas: 0, availableReplicas: 0 };
    };
    const events = new DevEngineEmitter();
    await expect(waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 60_000, intervalMs: 5, settleMs: 50 })).rejects.toThrow(
      'Deployment/web: pod web-abc-0 is CrashLoopBackOff',
    );
    expect(reads).toBe(2);
  });

  it('counts a finished rollout once it has held for the settle window', async () => {
    const { cluster, dep } = await setup(['ready']);
    rolledOut(dep, 1);
    let reads = 0;
    cluster.onRead = (r) => void (r.kind === 'Deployment' && reads++);
    const started = Date.now();
    await waitForRollout(cluster, [ref], { deployment: 'web', events: new DevEngineEmitter(), timeoutMs: 60_000, intervalMs: 1000, settleMs: 80 });
    // Looked twice: once to see it done, once when the window ended (not a whole interval later).
    expect(reads).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('fails fast when the image cannot be pulled, with the kubelet message', async () => {
    const { cluster } = await setup(['image']);
    const events = new DevEngineEmitter();
    await expect(waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 60_000, intervalMs: 5 })).rejects.toThrow(
      'Deployment/web: pod web-abc-0 is ImagePullBackOff: Back-off pulling image "127.0.0.1:5000/nope:1"',
    );
  });

  it('times out with the ready count and what a pod is waiting for', async () => {
    const { cluster } = await setup(['pending']);
    const events = new DevEngineEmitter();
    await expect(waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /^Deployment\/web is not ready after 0 s: 0\/1 ready; /,
    );
  });

  it('does not judge pods before the controller has seen the new spec (they may be the old revision)', async () => {
    const { cluster, dep } = await setup(['crash']);
    (dep.metadata as Record<string, unknown>).generation = 2;
    cluster.objects.set('apps/v1|Deployment|dev|web', dep);
    const events = new DevEngineEmitter();
    await expect(waitForRollout(cluster, [ref], { deployment: 'web', events, timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      'Deployment/web is not ready after 0 s: 0/1 ready; the controller has not seen the new spec yet',
    );
  });

  it('ignores objects that are not workloads', async () => {
    const cluster = new FakeCluster();
    await waitForRollout(cluster, [{ apiVersion: 'v1', kind: 'Service', name: 's', namespace: ns }], { deployment: 'x', events: new DevEngineEmitter(), timeoutMs: 10 });
    expect(cluster.log).toEqual([]);
  });
});

describe('selectorString', () => {
  it('writes labels and expressions in labelSelector syntax', () => {
    expect(selectorString({
      matchLabels: { a: 'b' },
      matchExpressions: [
        { key: 'c', operator: 'In', values: ['d', 'e'] },
        { key: 'f', operator: 'NotIn', values: ['g'] },
        { key: 'h', operator: 'Exists' },
        { key: 'i', operator: 'DoesNotExist' },
      ],
    })).toBe('a=b,c in (d,e),f notin (g),h,!i');
  });
});
