import { describe, expect, it } from 'vitest';
import { diagnosePod } from '../../../src/engine/analyze/diagnose-pod.js';
import { eventFindings, type EventCheckContext, type ObjectState } from '../../../src/engine/analyze/warning-events.js';
import type { Finding } from '../../../src/engine/events.js';
import { allEvents, ctxFor, eventFrom, NOW, pod, podFrom, POD_NAMES, quotaEvents } from './helpers.js';

const RS = 'ReplicaSet/web-557554696';
const RS_UID = quotaEvents()[0]!.involvedObject.uid!;

function podFindings(grace: number): Finding[] {
  return POD_NAMES.flatMap((n) => diagnosePod(pod(n), ctxFor(pod(n), { startingGraceMs: grace })).map((d) => d.finding));
}

function ctx(over: Partial<EventCheckContext> = {}): EventCheckContext {
  return { now: NOW, namespace: 'an-scratch', pods: POD_NAMES.map(pod), podFindings: [], objects: new Map(), ...over };
}

function quota(state: ObjectState | undefined, over: Partial<EventCheckContext> = {}): Finding[] {
  return eventFindings(quotaEvents(), ctx({ namespace: 'an-quota', pods: [], objects: new Map(state ? [[RS, state]] : []), ...over }));
}

describe('eventFindings on events captured from the test bed', () => {
  it('adds nothing the pod findings already say, and drops node noise (MissingClusterDNS on every pod)', () => {
    const found = eventFindings(allEvents(), ctx({ podFindings: podFindings(0) }));
    expect(found).toEqual([]);
  });

  it('keeps a FailedMount the pod findings do not cover, with the missing object in the hint', () => {
    const found = eventFindings(allEvents(), ctx({ podFindings: podFindings(Number.POSITIVE_INFINITY) }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'event', severity: 'error', object: 'pod/mount' });
    expect(found[0]!.message).toContain('a volume of pod mount cannot be mounted (FailedMount');
    expect(found[0]!.hint).toContain('create the configmap missing-cm');
  });

  it('without pod findings, the warnings of problem pods show; healthy pods stay quiet', () => {
    const found = eventFindings(allEvents(), ctx());
    const objects = new Set(found.map((f) => f.object));
    expect(objects.has('pod/healthy')).toBe(false);
    expect(objects.has('pod/crash')).toBe(true);
    expect(found.every((f) => !f.message.includes('MissingClusterDNS'))).toBe(true);
  });

  it('folds the repeated FailedCreate events of a ReplicaSet into one finding with the total count', () => {
    const found = quota({ exists: true, uid: RS_UID, healthy: false, labels: { app: 'web' } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'event', severity: 'error', object: 'replicaset/web-557554696' });
    expect(found[0]!.message).toMatch(/^ReplicaSet web-557554696 cannot create its pods \(FailedCreate, 14× in 41 s, last 27 s ago\): Error creating: pods/);
    expect(found[0]!.message).not.toContain('combined from similar events');
    expect(found[0]!.hint).toContain('ResourceQuota tiny');
  });

  it('drops events whose object is gone, was replaced (other uid) or is fully available again', () => {
    expect(quota({ exists: false })).toEqual([]);
    expect(quota({ exists: true, uid: 'another-uid' })).toEqual([]);
    expect(quota({ exists: true, uid: RS_UID, healthy: true })).toEqual([]);
    // Unknown state (e.g. no permission to read it): kept rather than hidden.
    expect(quota(undefined)).toHaveLength(1);
  });

  it('with -l, keeps controller events only when the controller matches the selector', () => {
    const state = { exists: true, uid: RS_UID, healthy: false, labels: { app: 'web' } };
    expect(quota(state, { labelSelector: 'app=web' })).toHaveLength(1);
    expect(quota(state, { labelSelector: 'app=api' })).toEqual([]);
    expect(quota(undefined, { labelSelector: 'app=web' })).toEqual([]);
  });

  it('ignores events older than 30 minutes', () => {
    expect(quota({ exists: true, uid: RS_UID }, { now: NOW + 29 * 60_000 })).toHaveLength(1);
    expect(quota({ exists: true, uid: RS_UID }, { now: NOW + 32 * 60_000 })).toEqual([]);
  });

  it('drops pod events about an older pod of the same name, and events from before the pod became Ready', () => {
    const healthy = pod('healthy');
    const base = { type: 'Warning', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "x"', involvedObject: { kind: 'Pod', name: 'healthy', namespace: 'an-scratch', uid: healthy.metadata!.uid }, metadata: { name: 'e1' } };
    const after = eventFrom({ ...base, lastTimestamp: new Date(NOW - 10_000).toISOString() });
    const before = eventFrom({ ...base, lastTimestamp: '2026-11-26T05:58:27Z' });
    const oldUid = eventFrom({ ...base, lastTimestamp: new Date(NOW - 10_000).toISOString(), involvedObject: { ...base.involvedObject, uid: 'old' } });
    const normal = eventFrom({ ...base, type: 'Normal', lastTimestamp: new Date(NOW - 10_000).toISOString() });
    const c = ctx({ pods: [healthy] });
    expect(eventFindings([after], c)).toHaveLength(1);
    expect(eventFindings([before], c)).toEqual([]);
    expect(eventFindings([oldUid], c)).toEqual([]);
    expect(eventFindings([normal], c)).toEqual([]);
    expect(eventFindings([after], ctx({ pods: [] }))).toEqual([]); // the pod is gone (or not selected)
  });

  it('drops the warnings of pods going away, and a FailedScheduling the pod got past', () => {
    const crash = pod('crash');
    const events = allEvents().filter((e) => e.involvedObject.name === 'crash');
    expect(eventFindings(events, ctx({ pods: [crash] })).length).toBeGreaterThan(0);
    crash.metadata!.deletionTimestamp = new Date(NOW);
    expect(eventFindings(events, ctx({ pods: [crash] }))).toEqual([]);

    const mount = pod('mount'); // scheduled at 05:58:24, still ContainerCreating (not Ready)
    const base = { type: 'Warning', reason: 'FailedScheduling', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.', involvedObject: { kind: 'Pod', name: 'mount', namespace: 'an-scratch', uid: mount.metadata!.uid }, metadata: { name: 'e3' } };
    const before = eventFrom({ ...base, eventTime: '2026-11-26T05:58:23.000000Z' });
    const after = eventFrom({ ...base, eventTime: new Date(NOW - 1_000).toISOString() });
    expect(eventFindings([before], ctx({ pods: [mount] }))).toEqual([]);
    expect(eventFindings([after], ctx({ pods: [mount] }))).toHaveLength(1);
  });

  it('series-style events (eventTime + series, no lastTimestamp) count too, and their text is sanitised', () => {
    const e = eventFrom({
      type: 'Warning',
      reason: 'SomethingOdd',
      message: 'bad \u001b[31mred\u001b[0m thing\u0007',
      eventTime: new Date(NOW - 120_000).toISOString(),
      series: { count: 4, lastObservedTime: new Date(NOW - 5_000).toISOString() },
      involvedObject: { kind: 'Service', name: 'web', namespace: 'an-scratch' },
      metadata: { name: 'e2' },
    });
    const [f] = eventFindings([e], ctx());
    expect(f).toMatchObject({ severity: 'warning', object: 'service/web' });
    expect(f!.message).toBe('Service web reported a problem (SomethingOdd, 4× in 2 min, last 5 s ago): bad red thing');
    expect(f!.hint).toBe('`kubectl describe service web -n an-scratch` shows the details');
  });
});

describe('pod set-up warnings the pod got past', () => {
  const started = new Date(NOW - 60_000).toISOString();
  const exited = podFrom({
    metadata: { name: 'once', namespace: 'an-scratch', uid: 'u-once' },
    spec: { containers: [{ name: 'main', image: 'x' }] },
    status: {
      phase: 'Failed',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'main', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, startedAt: started } } }],
    },
  });
  const mount = (at: number) =>
    eventFrom({
      metadata: { name: `once.${at}`, namespace: 'an-scratch' },
      involvedObject: { kind: 'Pod', name: 'once', namespace: 'an-scratch', uid: 'u-once' },
      type: 'Warning',
      reason: 'FailedMount',
      message: 'MountVolume.SetUp failed for volume "kube-api-access-x" : object "an-scratch"/"kube-root-ca.crt" not registered',
      lastTimestamp: new Date(at).toISOString(),
      count: 1,
    });

  it('drops a FailedMount from before the container started (a fresh namespace under load)', () => {
    expect(eventFindings([mount(NOW - 65_000)], ctx({ pods: [exited] }))).toEqual([]);
  });

  it('keeps a FailedMount that happened after the container started', () => {
    expect(eventFindings([mount(NOW - 30_000)], ctx({ pods: [exited] }))).toHaveLength(1);
  });

  it('drops a FailedMount of a pod that never started but now waits on its image (mounts come before pulls)', () => {
    const waiting = (reason: string, lastState = {}) =>
      podFrom({
        metadata: { name: 'once', namespace: 'an-scratch', uid: 'u-once' },
        spec: { containers: [{ name: 'main', image: 'x' }] },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'main', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } }, lastState }],
        },
      });
    // Seen in CI: a fresh namespace under load logged it before its CA configmap existed; the pod then sat in ImagePullBackOff.
    expect(eventFindings([mount(NOW - 30_000)], ctx({ pods: [waiting('ImagePullBackOff')] }))).toEqual([]);
    // Still being set up: the warning is the news.
    expect(eventFindings([mount(NOW - 30_000)], ctx({ pods: [waiting('ContainerCreating')] }))).toHaveLength(1);
    // It ran before: a mount failure since then may be real, so time decides as for a started pod.
    expect(eventFindings([mount(NOW - 30_000)], ctx({ pods: [waiting('ImagePullBackOff', { terminated: { exitCode: 0, startedAt: new Date(NOW - 120_000).toISOString() } })] }))).toHaveLength(1);
  });
});
