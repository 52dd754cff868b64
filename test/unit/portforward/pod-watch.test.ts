import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { isUsable, pickPod, PodWatch } from '../../../src/engine/kube/pod-watch.js';
import { pod } from './fixtures.js';

describe('pod selection', () => {
  it('uses running, not-terminating pods, newest first', () => {
    const pods = [pod('old', { created: 1 }), pod('new', { created: 3 }), pod('gone', { created: 5, deleting: true }), pod('crash', { created: 4, running: false })];
    expect(pickPod(pods)?.metadata?.name).toBe('new');
    expect(isUsable(pod('x', { running: false }))).toBe(false);
  });

  it('only needs the named container running when there is one', () => {
    const p = pod('two', { containers: ['app', 'sidecar'] });
    p.status!.containerStatuses![1]!.state = { waiting: { reason: 'CrashLoopBackOff' } };
    expect(isUsable(p)).toBe(false);
    expect(isUsable(p, 'app')).toBe(true);
  });
});

describe('PodWatch', () => {
  it('tells when the selected pod changes, including to none and back', () => {
    const w = new PodWatch({ namespace: 'n', labelSelector: { app: 'web' } });
    const seen: Array<string | undefined> = [];
    w.on('selected', (p) => seen.push(p?.metadata?.name));
    w.reset([pod('a', { created: 1 })]);
    w.apply('MODIFIED', pod('a', { created: 1, deleting: true }));
    w.apply('ADDED', pod('b', { created: 2, running: false }));
    w.apply('MODIFIED', pod('b', { created: 2 }));
    w.apply('DELETED', pod('a', { created: 1 }));
    expect(seen).toEqual(['a', undefined, 'b']);
    expect(w.selected?.metadata?.name).toBe('b');
    expect(w.pods.map((p) => p.metadata?.name)).toEqual(['b']);
  });

  it('explains why nothing is selected in kubectl words', () => {
    const w = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
    expect(w.waitingReason).toBe('looking for pods');
    w.reset([]);
    expect(w.waitingReason).toBe('no pod matches app=web in n');
    w.reset([pod('c', { running: false, waiting: 'ImagePullBackOff' })]);
    expect(w.waitingReason).toBe('pod c is ImagePullBackOff');
  });

  it('waits for a pod and fails with the reason after the timeout', async () => {
    const w = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
    const waiting = w.waitForSelected(5_000);
    w.reset([pod('late')]);
    expect((await waiting).metadata?.name).toBe('late');
    const empty = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
    empty.reset([pod('bad', { running: false })]);
    const err = await empty.waitForSelected(50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('no running pods with app=web in n after 0 s: pod bad is CrashLoopBackOff');
  });
});
