import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PodWatch } from '../../../src/engine/kube/pod-watch.js';
import { followPod } from '../../../src/engine/sync/pod-watch.js';
import { pod } from '../portforward/fixtures.js';

// When sync must leave its pod: what the shared pod watch reports, judged for one container.

const ref = { namespace: 'n', pod: 'web', container: 'app' };

function setup(): { watch: PodWatch; reasons: string[] } {
  const watch = new PodWatch({ namespace: 'n', pod: 'web', container: 'app' });
  const reasons: string[] = [];
  followPod(watch, ref, (r) => reasons.push(r));
  return { watch, reasons };
}

function restarted(p: V1Pod, count: number): V1Pod {
  p.status!.containerStatuses![0]!.restartCount = count;
  return p;
}

describe('followPod', () => {
  it('stays quiet while the pod runs and changes in other ways', () => {
    const { watch, reasons } = setup();
    watch.reset([pod('web')]);
    watch.apply('MODIFIED', pod('web'));
    watch.reset([pod('web')]);
    expect(reasons).toEqual([]);
  });

  it('says the pod was deleted', () => {
    const { watch, reasons } = setup();
    watch.reset([pod('web')]);
    watch.apply('DELETED', pod('web'));
    expect(reasons).toEqual(['pod web was deleted']);
  });

  it('says the pod is being deleted, once, however many events follow', () => {
    const { watch, reasons } = setup();
    watch.reset([pod('web')]);
    watch.apply('MODIFIED', pod('web', { deleting: true }));
    watch.apply('MODIFIED', pod('web', { deleting: true }));
    watch.apply('DELETED', pod('web', { deleting: true }));
    expect(reasons).toEqual(['pod web is being deleted']);
  });

  it('says the container restarted when its restart count grows', () => {
    const { watch, reasons } = setup();
    watch.reset([restarted(pod('web'), 2)]);
    watch.apply('MODIFIED', restarted(pod('web', { running: false }), 2));
    expect(reasons).toEqual([]);
    watch.apply('MODIFIED', restarted(pod('web'), 3));
    expect(reasons).toEqual(['container app restarted']);
  });

  it('notices a pod missing from a list: gone before the first one, or during a gap in the watch', () => {
    const first = setup();
    first.watch.reset([]);
    expect(first.reasons).toEqual(['pod web was deleted']);
    const gap = setup();
    gap.watch.reset([pod('web')]);
    gap.watch.reset([]);
    expect(gap.reasons).toEqual(['pod web was deleted']);
  });

  it('treats a new pod of the same name (another uid) as the old one gone', () => {
    const { watch, reasons } = setup();
    watch.reset([pod('web')]);
    const successor = pod('web');
    successor.metadata!.uid = 'uid-web-2';
    watch.reset([successor]);
    expect(reasons).toEqual(['pod web was deleted']);
  });

  it('says nothing once the watch is closed', () => {
    const { watch, reasons } = setup();
    watch.reset([pod('web')]);
    watch.close();
    watch.apply('DELETED', pod('web'));
    expect(reasons).toEqual([]);
  });
});
