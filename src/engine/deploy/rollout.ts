import type { V1DaemonSet, V1Deployment, V1LabelSelector, V1Pod, V1ReplicaSet, V1StatefulSet } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { DevEngineEmitter, PodSummary } from '../events.js';
import { podStatus, summarizePod } from '../kube/pod-status.js';
import { sleep } from '../kube/target.js';
import { describeRef, type Cluster, type ObjectRef } from './types.js';

/** Pod states that waiting will not fix (an image that cannot be pulled, a container that keeps crashing). */
const HOPELESS = new Set([
  'CrashLoopBackOff', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** What `waitForRollout` reports to and how long it waits. */
export interface RolloutOptions {
  /** Deployment name, for events and messages. */
  deployment: string;
  events: DevEngineEmitter;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Poll interval (default 1 s). */
  intervalMs?: number;
  /**
   * How long a finished rollout must stay finished, with the same pods and
   * restart counts, before it counts (default 1.5 s). A container that exits
   * right after starting is Ready for an instant, long enough for the
   * controller to call it available; the kubelet reports the exit within its
   * one-second relist, so a second look this much later catches it.
   */
  settleMs?: number;
}

/** Where one workload stands. */
export interface RolloutState {
  done: boolean;
  ready: number;
  desired: number;
  pods: PodSummary[];
  /** What it is waiting for, for the timeout message. */
  waiting?: string;
  /** Set when waiting is pointless. */
  failure?: string;
}

/** Whether an applied object is a workload whose rollout we wait for. */
export function isWorkload(ref: ObjectRef): boolean {
  return ref.apiVersion === 'apps/v1' && WORKLOADS.has(ref.kind) && !!ref.namespace;
}

/**
 * Wait until every Deployment, StatefulSet and DaemonSet among `refs` has
 * rolled out (the rules of `kubectl rollout status`), emitting
 * `deploy:rollout` on every change. Fails fast when a pod of the new
 * revision is crash-looping or cannot get its image, and after `timeoutMs`.
 */
export async function waitForRollout(cluster: Cluster, refs: readonly ObjectRef[], opts: RolloutOptions): Promise<void> {
  const pending = new Map(refs.filter(isWorkload).map((r) => [`${r.kind}/${r.namespace}/${r.name}`, r]));
  const last = new Map<string, string>();
  const settling = new Map<string, { since: number; pods: string }>();
  const settleMs = opts.settleMs ?? 1500;
  const end = Date.now() + opts.timeoutMs;
  const hint = (ns: string | undefined) => `run \`devspace analyze${ns ? ` -n ${ns}` : ''}\` for logs and events`;
  while (pending.size > 0) {
    opts.signal?.throwIfAborted();
    const timedOut = Date.now() >= end;
    for (const [key, ref] of pending) {
      const state = await checkWorkload(cluster, ref);
      const shown = JSON.stringify([state.ready, state.desired, state.pods]);
      if (last.get(key) !== shown) {
        last.set(key, shown);
        opts.events.send('deploy:rollout', { deployment: opts.deployment, workload: describeRef(ref), ready: state.ready, desired: state.desired, pods: state.pods });
      }
      if (state.failure) throw new UserError(`${describeRef(ref)}: ${state.failure}`, 1, hint(ref.namespace));
      if (state.done) {
        const pods = JSON.stringify(state.pods.map((p) => [p.name, p.ready, p.restarts]));
        const seen = settling.get(key);
        if (settleMs <= 0) pending.delete(key);
        else if (seen?.pods !== pods) settling.set(key, { since: Date.now(), pods });
        else if (Date.now() - seen.since >= settleMs || timedOut) pending.delete(key);
        continue;
      }
      settling.delete(key);
      if (timedOut) {
        const secs = Math.round(opts.timeoutMs / 1000);
        throw new UserError(`${describeRef(ref)} is not ready after ${secs} s: ${state.ready}/${state.desired} ready${state.waiting ? `; ${state.waiting}` : ''}`, 1, hint(ref.namespace));
      }
    }
    if (pending.size === 0) break;
    // While something settles, look again when its window ends rather than a whole interval later.
    const settleLeft = Math.min(...[...settling.entries()].filter(([k]) => pending.has(k)).map(([, v]) => v.since + settleMs - Date.now()));
    await sleep(Math.max(0, Math.min(opts.intervalMs ?? 1000, settleLeft)), opts.signal);
  }
}

/** One look at a workload and its pods. */
export async function checkWorkload(cluster: Cluster, ref: ObjectRef): Promise<RolloutState> {
  const obj = await cluster.read(ref);
  if (!obj) return { done: false, ready: 0, desired: 0, pods: [], failure: 'it was deleted while waiting for it' };
  const ns = ref.namespace!;
  const selector = selectorString((obj as { spec?: { selector?: V1LabelSelector } }).spec?.selector);
  const all = selector ? (await cluster.listPods(ns, selector)).filter((p) => !p.metadata?.deletionTimestamp) : [];
  let state: Omit<RolloutState, 'pods' | 'ready'> & { current: V1Pod[] };
  if (ref.kind === 'Deployment') state = await deploymentState(cluster, obj as unknown as V1Deployment, all, ns, selector);
  else if (ref.kind === 'StatefulSet') state = statefulSetState(obj as unknown as V1StatefulSet, all);
  else state = daemonSetState(obj as unknown as V1DaemonSet, all);
  const pods = state.current.map(summarizePod);
  const failure = state.failure ?? hopeless(state.current);
  const notReady = pods.find((p) => !p.ready);
  const waiting = state.waiting ?? (notReady ? `pod ${notReady.name} is ${notReady.status}${notReady.reason ? ` (${notReady.reason})` : ''}` : undefined);
  return {
    done: state.done && !failure,
    ready: pods.filter((p) => p.ready).length,
    desired: state.desired,
    pods,
    ...(waiting ? { waiting } : {}),
    ...(failure ? { failure } : {}),
  };
}

const observed = (o: { metadata?: { generation?: number }; status?: { observedGeneration?: number } }): boolean =>
  (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 1);

async function deploymentState(cluster: Cluster, d: V1Deployment, pods: V1Pod[], ns: string, selector: string) {
  const desired = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const revision = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const sets = selector ? ((await cluster.list('apps/v1', 'ReplicaSet', ns, selector)) as unknown as V1ReplicaSet[]) : [];
  const mine = sets.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid));
  // The ReplicaSet of the Deployment's revision; before the annotation shows up, the highest revision.
  const rev = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const newest = (revision ? mine.find((rs) => String(rev(rs)) === revision) : undefined) ?? [...mine].sort((a, b) => rev(b) - rev(a))[0];
  const hash = newest?.metadata?.labels?.['pod-template-hash'];
  // Until the controller has seen the new spec, the newest ReplicaSet may still be the old one.
  const current = hash && observed(d) ? pods.filter((p) => p.metadata?.labels?.['pod-template-hash'] === hash) : [];
  const cond = (type: string) => st.conditions?.find((c) => c.type === type);
  const base = { desired, current };
  if (cond('Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return { ...base, done: false, failure: `rollout exceeded its progress deadline (${cond('Progressing')?.message ?? ''})` };
  }
  const replicaFailure = cond('ReplicaFailure');
  const why = replicaFailure?.status === 'True' ? replicaFailure.message : undefined;
  const waitingFor = (text: string) => ({ ...base, done: false, waiting: why ?? text });
  if (!observed(d)) return waitingFor('the controller has not seen the new spec yet');
  if ((st.updatedReplicas ?? 0) < desired) return waitingFor(`${st.updatedReplicas ?? 0} of ${desired} pods updated`);
  if ((st.replicas ?? 0) > (st.updatedReplicas ?? 0)) return waitingFor('old pods are still terminating');
  if ((st.availableReplicas ?? 0) < (st.updatedReplicas ?? 0)) return { ...base, done: false };
  return { ...base, done: true };
}

function statefulSetState(s: V1StatefulSet, pods: V1Pod[]) {
  const desired = s.spec?.replicas ?? 1;
  const st = s.status ?? { replicas: 0 };
  const current = !observed(s) ? [] : st.updateRevision ? pods.filter((p) => p.metadata?.labels?.['controller-revision-hash'] === st.updateRevision) : pods;
  const base = { desired, current };
  if (s.spec?.updateStrategy?.type === 'OnDelete') return { ...base, done: observed(s) && (st.readyReplicas ?? 0) >= desired };
  if (!observed(s)) return { ...base, done: false, waiting: 'the controller has not seen the new spec yet' };
  if ((st.readyReplicas ?? 0) < desired) return { ...base, done: false };
  const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) return { ...base, done: (st.updatedReplicas ?? 0) >= desired - partition };
  return { ...base, done: st.updateRevision === st.currentRevision, waiting: 'pods of the old revision are still being replaced' };
}

function daemonSetState(ds: V1DaemonSet, pods: V1Pod[]) {
  const st = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const desired = st.desiredNumberScheduled;
  const current = observed(ds) ? pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === ds.metadata?.uid)) : [];
  const base = { desired, current };
  if (!observed(ds)) return { ...base, done: false, waiting: 'the controller has not seen the new spec yet' };
  const done = (st.updatedNumberScheduled ?? 0) >= desired && (st.numberAvailable ?? 0) >= desired;
  return { ...base, done };
}

/** Why a pod will not become ready by waiting, in kubectl's words, or undefined. */
export function hopeless(pods: readonly V1Pod[]): string | undefined {
  for (const pod of pods) {
    const status = podStatus(pod);
    if (!HOPELESS.has(status.replace(/^Init:/, ''))) continue;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const bad = statuses.find((c) => c.state?.waiting?.reason === status.replace(/^Init:/, ''));
    let detail = '';
    if (bad) {
      const term = bad.lastState?.terminated;
      if (term && status.endsWith('CrashLoopBackOff')) {
        detail = `: container ${bad.name} exited with code ${term.exitCode}${term.reason ? ` (${term.reason})` : ''}, restarted ${bad.restartCount} time${bad.restartCount === 1 ? '' : 's'}`;
      } else if (bad.state?.waiting?.message) {
        detail = `: ${clip(bad.state.waiting.message)}`;
      }
    }
    return `pod ${pod.metadata?.name} is ${status}${detail}`;
  }
  return undefined;
}

function clip(text: string, max = 240): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** A LabelSelector as the `labelSelector` query string (`a=b,c in (d,e),!f`). */
export function selectorString(sel: V1LabelSelector | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
