import type { CoreV1Api, KubernetesObject, KubernetesObjectApi, V1Pod } from '@kubernetes/client-node';
import { isAbortError, UserError } from '../errors.js';
import { registryOf } from './explain-start.js';
import { logTail } from './text.js';
import type { ObjectState } from './warning-events.js';
import { apiStatus } from '../kube/api-error.js';

/** One API call may take this long before analyze gives up with a clear message. */
const CALL_TIMEOUT_MS = 30_000;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** The error every aborted analyze step rejects with, whatever reason the signal carried. */
export function abortError(): Error {
  return new DOMException('analyze was stopped', 'AbortError');
}

/** Sleep that rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One line for an API failure: the status or network error, never response bodies or credentials. */
export function apiError(err: unknown, what: string, server: string | undefined): UserError {
  const status = apiStatus(err);
  if (status === 401) return new UserError(`the cluster rejected the credentials of the kube context (401 Unauthorized) while trying to ${what}`, 1, 'log in again or refresh the kubeconfig');
  if (status === 403) return new UserError(`not allowed to ${what} (403 Forbidden)`, 1, 'analyze needs get/list on pods, pods/log and events in the namespace');
  if (status !== undefined) return new UserError(`could not ${what}: the API server answered ${status}`, 1);
  const sys = (err as { code?: unknown; errno?: unknown }).code ?? (err as { errno?: unknown }).errno;
  if (typeof sys === 'string' && NETWORK.has(sys)) {
    return new UserError(`cannot reach the cluster${server ? ` at ${server}` : ''} (${sys}) while trying to ${what}`, 1, 'is the cluster running, and is the right kube context selected?');
  }
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new UserError(`could not ${what}: ${msg}`.slice(0, 300), 1);
}

/** Run one API call, rejecting on abort or after CALL_TIMEOUT_MS; its own errors pass through unchanged. */
export async function deadline<T>(what: string, server: string | undefined, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) throw abortError();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError(`the cluster${server ? ` at ${server}` : ''} did not answer within ${CALL_TIMEOUT_MS / 1000} s while trying to ${what}`, 1)), CALL_TIMEOUT_MS);
    onAbort = () => reject(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** `deadline`, with API failures turned into one-line UserErrors. */
export async function call<T>(what: string, server: string | undefined, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await deadline(what, server, fn, signal);
  } catch (err) {
    if (err instanceof UserError || isAbortError(err)) throw err;
    throw apiError(err, what, server);
  }
}

/** Whether the namespace exists; undefined when we may not read namespaces (common for non-admins). */
export async function namespaceExists(core: CoreV1Api, name: string): Promise<boolean | undefined> {
  try {
    await core.readNamespace({ name });
    return true;
  } catch (err) {
    const status = apiStatus(err);
    if (status === 404) return false;
    if (status === 403) return undefined;
    throw err;
  }
}

/** The last `lines` log lines of one container run, or undefined when the API has none to give. */
export async function fetchLogTail(
  core: CoreV1Api,
  ref: { namespace: string; pod: string; container: string; previous: boolean },
  lines: number,
  signal?: AbortSignal,
): Promise<string[] | undefined> {
  const { namespace, pod, container, previous } = ref;
  try {
    const read = () => core.readNamespacedPodLog({ name: pod, namespace, container, previous, tailLines: lines, limitBytes: 64 * 1024 });
    const text = await call(`read the log of ${pod}/${container}`, undefined, read, signal);
    return logTail(typeof text === 'string' ? text : String(text ?? ''), lines);
  } catch (err) {
    if (isAbortError(err)) throw err;
    // No previous run to read, a container that never started, or logs already rotated away.
    return undefined;
  }
}

/** Registries from which containers of these pods were pulled successfully (they have an imageID). */
export function pulledRegistries(pods: readonly V1Pod[]): string[] {
  const found = new Set<string>();
  for (const p of pods) {
    for (const s of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
      if (s.imageID) found.add(registryOf(s.image));
    }
  }
  return [...found].sort();
}

interface WorkloadLike extends KubernetesObject {
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: { readyReplicas?: number; replicas?: number };
}

const SCALED = new Set(['ReplicaSet', 'Deployment', 'StatefulSet', 'ReplicationController']);

/** Look up an object an event names: gone, replaced (other uid), or a workload now fully available. */
export async function objectState(
  client: KubernetesObjectApi,
  namespace: string,
  ref: { apiVersion?: string; kind?: string; name?: string },
  signal?: AbortSignal,
): Promise<ObjectState> {
  const { apiVersion, kind, name } = ref;
  if (!apiVersion || !kind || !name) return {};
  try {
    const read = () => client.read({ apiVersion, kind, metadata: { name, namespace } });
    const obj = (await deadline(`read ${kind} ${name}`, undefined, read, signal)) as WorkloadLike;
    const state: ObjectState = { exists: true, ...(obj.metadata?.uid ? { uid: obj.metadata.uid } : {}) };
    const labels = obj.spec?.template?.metadata?.labels ?? obj.metadata?.labels;
    if (labels) state.labels = labels;
    if (SCALED.has(kind)) {
      const want = obj.spec?.replicas ?? 1;
      state.healthy = want === 0 || (obj.status?.readyReplicas ?? 0) >= want;
    }
    return state;
  } catch (err) {
    if (isAbortError(err)) throw err;
    return apiStatus(err) === 404 ? { exists: false } : {};
  }
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
