import type { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { ContainerRef } from '../events.js';
import { podStatus } from './pod-status.js';

/**
 * Which pod and container a port forward, sync, log stream or terminal talks
 * to (research §2.1): by name, or the newest Running pod that matches a label
 * selector, with the container chosen by name or being the only one.
 */
export interface TargetSpec {
  namespace: string;
  /** `k=v,k2=v2` or a map; empty means any pod in the namespace (only with `pick`). */
  labelSelector?: string | Record<string, string>;
  /** An exact pod name (`--pod`). */
  pod?: string;
  /** Container name (`-c` / `containerName`). */
  container?: string;
}

/** Asks the user to choose; given the candidates, returns the chosen index. */
export type Picker = (question: string, choices: string[]) => Promise<number>;

export interface SelectOptions {
  signal?: AbortSignal;
  /** How long to wait for a matching pod to be Running (default 120 s, as v3.5). */
  timeoutMs?: number;
  /** When set, several candidates lead to a choice instead of the newest. */
  pick?: Picker;
  /** Poll interval while waiting (default 1 s). */
  intervalMs?: number;
}

// Statuses that will not turn into Running by waiting, so selection fails fast.
const HOPELESS = new Set([
  'Error', 'Unknown', 'ImagePullBackOff', 'CrashLoopBackOff', 'RunContainerError', 'ErrImagePull',
  'CreateContainerConfigError', 'InvalidImageName', 'ErrImageNeverPull',
]);

/** `{a: 'b'}` → `a=b`, strings pass through. */
export function selectorString(sel: TargetSpec['labelSelector']): string {
  if (!sel) return '';
  if (typeof sel === 'string') return sel;
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Pods that can serve a target: Running, not being deleted, newest first. */
export function runningPods(pods: V1Pod[]): V1Pod[] {
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running')
    .sort((a, b) => created(b) - created(a));
}

function created(p: V1Pod): number {
  return new Date(p.metadata?.creationTimestamp ?? 0).getTime();
}

/** Pick the container of a pod: the named one, the only one, or ask. */
export async function chooseContainer(pod: V1Pod, wanted: string | undefined, pick?: Picker): Promise<string> {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const podName = pod.metadata?.name ?? '?';
  if (wanted) {
    if (names.includes(wanted)) return wanted;
    throw new UserError(`pod ${podName} has no container "${wanted}" (it has: ${names.join(', ')})`, 1);
  }
  if (names.length === 1) return names[0]!;
  if (pick) return names[await pick(`Which container of pod ${podName}?`, names)]!;
  throw new UserError(`pod ${podName} has ${names.length} containers (${names.join(', ')}); say which with containerName or -c`, 1);
}

/**
 * Resolve a target to one running container, waiting while matching pods are
 * still starting; fails fast on hopeless states with the pod's status.
 */
export async function selectContainer(kc: KubeConfig, spec: TargetSpec, opts: SelectOptions = {}): Promise<ContainerRef> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(CoreV1Api);
  const pod = await selectPod(core, spec, opts);
  const container = await chooseContainer(pod, spec.container, opts.pick);
  return { namespace: spec.namespace, pod: pod.metadata!.name!, container };
}

/** Resolve a target to one running pod (same rules as selectContainer, without choosing a container). */
export async function selectTargetPod(kc: KubeConfig, spec: TargetSpec, opts: SelectOptions = {}): Promise<V1Pod> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  return selectPod(kc.makeApiClient(CoreV1Api), spec, opts);
}

async function selectPod(core: CoreV1Api, spec: TargetSpec, opts: SelectOptions): Promise<V1Pod> {
  const { namespace } = spec;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const end = Date.now() + timeoutMs;
  const labelSelector = selectorString(spec.labelSelector);
  const what = spec.pod ? `pod ${spec.pod}` : labelSelector ? `pods with ${labelSelector}` : 'pods';
  const noun = spec.pod ? `pod ${spec.pod}` : labelSelector ? `pod with ${labelSelector}` : 'pod';
  for (;;) {
    opts.signal?.throwIfAborted();
    let running: V1Pod[];
    if (spec.pod) {
      const pod = await core.readNamespacedPod({ name: spec.pod, namespace }).catch((err) => notFound(err, spec.pod!, namespace));
      const status = podStatus(pod);
      if (pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp) return pod;
      if (HOPELESS.has(status)) throw new UserError(`pod ${spec.pod} in ${namespace} is ${status}`, 1, 'run `devspace analyze` for details');
      running = [];
    } else {
      const list = await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) });
      running = runningPods(list.items);
      if (running.length > 1 && opts.pick) {
        const names = running.map((p) => `${p.metadata!.name} (${podStatus(p)})`);
        return running[await opts.pick('Which pod?', names)]!;
      }
      if (running[0]) return running[0];
      const newest = [...list.items].sort((a, b) => created(b) - created(a))[0];
      const status = newest ? podStatus(newest) : '';
      if (newest && HOPELESS.has(status)) {
        throw new UserError(`${what} in ${namespace}: newest pod ${newest.metadata?.name} is ${status}`, 1, 'run `devspace analyze` for details');
      }
    }
    if (Date.now() >= end) {
      throw new UserError(`no running ${noun} in namespace ${namespace} after ${Math.round(timeoutMs / 1000)} s`, 1, 'check the deployment with `devspace analyze`');
    }
    await sleep(opts.intervalMs ?? 1000, opts.signal);
  }
}

function notFound(err: unknown, pod: string, namespace: string): never {
  const code = (err as { code?: number }).code;
  if (code === 404) throw new UserError(`pod ${pod} not found in namespace ${namespace}`, 1);
  throw err;
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
