import type { CoreV1Event, KubeConfig, V1Pod } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { DevEngineEmitter, Finding, PodSummary } from '../events.js';
import { summarizePod } from '../kube/pod-status.js';
import { diagnosePod } from './diagnose-pod.js';
import { abortError, call, fetchLogTail, mapLimit, namespaceExists, objectState, pulledRegistries, sleep } from './kube-io.js';
import { orderFindings } from './order.js';
import { startingReason } from './starting.js';
import type { Diagnosis } from './types.js';
import { eventFindings, objectKey, type ObjectState, recentWarnings } from './warning-events.js';

/** Options of one analyze pass; the dashboard passes the first four. */
export interface AnalyzeOptions {
  /** Wait for pods that are still starting (default true). */
  wait?: boolean;
  /** How long to wait for them (default 120 s, as v3.5). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Only pods matching this selector (and events about them and their controllers). */
  labelSelector?: string;
  /** Receives `analyze:report` with the findings. */
  events?: DevEngineEmitter;
  /** Registries the cluster is known to pull from (e.g. where devspace.yaml pushes), for image pull hints. */
  pullableRegistries?: readonly string[];
  /** Log lines attached to crashed and failed containers (default 20). */
  logLines?: number;
  /** Called on every poll while pods are still starting. */
  onWaiting?: (starting: StartingPod[], elapsedMs: number, timeoutMs: number) => void;
  /** Poll interval while waiting (default 1 s). */
  pollMs?: number;
}

/** A pod analyze waited for, with the kubectl-style reason. */
export interface StartingPod {
  name: string;
  status: string;
}

/** Everything one pass learned; `findings` is what the dashboard shows. */
export interface AnalyzeResult {
  namespace: string;
  findings: Finding[];
  /** Every pod that was checked. */
  pods: PodSummary[];
  /** Pods still starting when analyze stopped waiting (timed out, or `wait: false`). */
  starting: StartingPod[];
  timedOut: boolean;
  waitedMs: number;
}

const MAX_OBJECT_LOOKUPS = 25;

function starting(pods: readonly V1Pod[], now: number): StartingPod[] {
  return pods.flatMap((p) => {
    const status = startingReason(p, now);
    return status ? [{ name: p.metadata?.name ?? '?', status }] : [];
  });
}

/**
 * Find what is wrong in a namespace: wait (up to `timeoutMs`) for pods still
 * starting, judge every pod from its status and events, attach the last log
 * lines of crashed containers, and add the Warning events that still matter.
 * Emits `analyze:report` and resolves with the whole result.
 */
export async function analyze(kc: KubeConfig, namespace: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(CoreV1Api);
  const server = kc.getCurrentCluster()?.server;
  const { signal, labelSelector } = opts;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const sel = labelSelector ? { labelSelector } : {};

  const exists = await call(`read namespace ${namespace}`, server, () => namespaceExists(core, namespace), signal);
  if (exists === false) {
    throw new UserError(`namespace ${namespace} does not exist`, 1, 'pass the right one with -n, or check the namespace of the kube context');
  }

  const listPods = async (): Promise<V1Pod[]> =>
    (await call(`list pods in namespace ${namespace}`, server, () => core.listNamespacedPod({ namespace, ...sel }), signal)).items;
  const began = Date.now();
  let pods = await listPods();
  let timedOut = false;
  if (opts.wait !== false) {
    for (;;) {
      const waiting = starting(pods, Date.now());
      if (waiting.length === 0) break;
      const elapsed = Date.now() - began;
      if (elapsed >= timeoutMs) {
        timedOut = true;
        break;
      }
      opts.onWaiting?.(waiting, elapsed, timeoutMs);
      await sleep(Math.min(opts.pollMs ?? 1000, timeoutMs - elapsed), signal);
      pods = await listPods();
    }
  }
  const waitedMs = Date.now() - began;

  const events = (await call(`list events in namespace ${namespace}`, server, () => core.listNamespacedEvent({ namespace }), signal)).items;
  const now = Date.now();
  const diagnoses = await diagnoseAll(pods, events, now, opts, timedOut, core, namespace, server);
  await attachLogs(diagnoses, core, namespace, opts.logLines ?? 20, signal);
  const podFindings = diagnoses.map((d) => d.finding);

  const objects = await lookUpObjects(kc, namespace, events, now, signal);
  const findings = orderFindings([...podFindings, ...eventFindings(events, { now, namespace, pods, podFindings, objects, ...sel })]);
  opts.events?.send('analyze:report', { namespace, findings });
  // Pods still starting that no finding covers were not judged: the report says so.
  const judged = new Set(podFindings.map((f) => f.object.split('/')[1]));
  const unjudged = opts.wait === false || timedOut ? starting(pods, now).filter((p) => !judged.has(p.name)) : [];
  return { namespace, findings, pods: pods.map(summarizePod), starting: unjudged, timedOut, waitedMs };
}

/** The same pass, resolving with just the findings: what the dashboard's Analyze view calls. */
export async function analyzeNamespace(kc: KubeConfig, namespace: string, opts: AnalyzeOptions = {}): Promise<Finding[]> {
  return (await analyze(kc, namespace, opts)).findings;
}

const PULL_FAILURE = /ErrImagePull|ImagePullBackOff|RegistryUnavailable/;

async function diagnoseAll(
  pods: V1Pod[],
  events: CoreV1Event[],
  now: number,
  opts: AnalyzeOptions,
  timedOut: boolean,
  core: InstanceType<typeof import('@kubernetes/client-node').CoreV1Api>,
  namespace: string,
  server: string | undefined,
): Promise<Diagnosis[]> {
  const pullable = new Set(opts.pullableRegistries ?? []);
  const pulling = pods.some((p) => (p.status?.containerStatuses ?? []).concat(p.status?.initContainerStatuses ?? []).some((s) => PULL_FAILURE.test(s.state?.waiting?.reason ?? '')));
  if (pulling) {
    for (const r of pulledRegistries(pods)) pullable.add(r);
    // A small sample of the whole cluster says which registries work here; not allowed is fine.
    const sample = await call('list pods of the cluster', server, () => core.listPodForAllNamespaces({ limit: 200 }), opts.signal).catch(() => undefined);
    for (const r of pulledRegistries(sample?.items ?? [])) pullable.add(r);
  }
  const byPod = new Map<string, CoreV1Event[]>();
  for (const e of events) {
    if (e.involvedObject?.kind !== 'Pod' || e.involvedObject.namespace !== namespace) continue;
    const key = `${e.involvedObject.name}/${e.involvedObject.uid ?? ''}`;
    byPod.set(key, [...(byPod.get(key) ?? []), e]);
  }
  // After a wait that timed out every pod still starting is reported; without waiting, only those starting for longer than the timeout.
  const startingGraceMs = opts.wait === false ? (opts.timeoutMs ?? 120_000) : timedOut ? 0 : Number.POSITIVE_INFINITY;
  return pods.flatMap((pod) => {
    const name = pod.metadata?.name ?? '';
    const mine = [...(byPod.get(`${name}/${pod.metadata?.uid ?? ''}`) ?? []), ...(byPod.get(`${name}/`) ?? [])];
    return diagnosePod(pod, { now, events: mine, pullableRegistries: [...pullable].sort(), startingGraceMs });
  });
}

async function attachLogs(diagnoses: Diagnosis[], core: InstanceType<typeof import('@kubernetes/client-node').CoreV1Api>, namespace: string, lines: number, signal?: AbortSignal): Promise<void> {
  const wanted = diagnoses.filter((d) => d.logs);
  await mapLimit(wanted, 4, async (d) => {
    if (signal?.aborted) throw abortError();
    const tail = await fetchLogTail(core, { namespace, ...d.logs! }, lines, signal);
    if (tail) d.finding.logTail = tail;
  });
}

async function lookUpObjects(kc: KubeConfig, namespace: string, events: CoreV1Event[], now: number, signal?: AbortSignal): Promise<Map<string, ObjectState>> {
  const refs = new Map<string, CoreV1Event['involvedObject']>();
  for (const e of recentWarnings(events, now)) {
    const ref = e.involvedObject;
    if (ref && ref.kind !== 'Pod' && refs.size < MAX_OBJECT_LOOKUPS) refs.set(objectKey(ref.kind, ref.name), ref);
  }
  const keys = [...refs.keys()];
  if (keys.length === 0) return new Map();
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const client = KubernetesObjectApi.makeApiClient(kc);
  const states = await mapLimit(keys, 4, async (k) => {
    if (signal?.aborted) throw abortError();
    return objectState(client, namespace, refs.get(k)!, signal);
  });
  return new Map(keys.map((k, i) => [k, states[i]!]));
}
