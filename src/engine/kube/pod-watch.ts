import { EventEmitter } from 'node:events';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { isAbortError, UserError } from '../errors.js';
import { podStatus } from './pod-status.js';
import { describeTarget } from './target-spec.js';
import { selectorString, sleep, type TargetSpec } from './target.js';

/**
 * A live view of the pods a TargetSpec matches (list + watch, re-listing
 * after `410 Gone` or errors), which tells its users when the pod they
 * should talk to changes: port forwards switch over, log followers re-open
 * and sync can re-attach without waiting for a connection to fail.
 */

/** The watch event types a pod change comes as. */
export type PodEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What a PodWatch tells its listeners. */
export interface PodWatchEvents {
  /** The pod to use changed (another pod, or none / usable again). */
  selected: [pod: V1Pod | undefined, previous: V1Pod | undefined];
  /** Any change to a matching pod, for users that follow every pod (logs). */
  pod: [type: PodEventType, pod: V1Pod];
  /** A full list arrived (the first one, and again after every re-list). */
  synced: [];
  /** The API refused or failed; the watch retries with back-off unless `fatal`. */
  problem: [message: string, fatal: boolean];
}

/** Cancellation and tuning of a pod watch. */
export interface PodWatchOptions {
  signal?: AbortSignal;
  /** Server-side watch timeout before a routine re-watch, in seconds (default 240). */
  watchTimeoutSeconds?: number;
}

/**
 * A pod is usable when it runs, is not being deleted and the wanted
 * container (or, without one, every container) is running right now.
 */
export function isUsable(pod: V1Pod, container?: string): boolean {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  const statuses = pod.status?.containerStatuses ?? [];
  const relevant = container ? statuses.filter((s) => s.name === container) : statuses;
  return relevant.length > 0 && relevant.every((s) => Boolean(s.state?.running));
}

function created(p: V1Pod): number {
  return new Date(p.metadata?.creationTimestamp ?? 0).getTime();
}

/** The pod to use: the newest usable one (research §2.1 picks the newest Running pod). */
export function pickPod(pods: Iterable<V1Pod>, container?: string): V1Pod | undefined {
  let best: V1Pod | undefined;
  for (const p of pods) if (isUsable(p, container) && (!best || created(p) > created(best))) best = p;
  return best;
}

/** Why a spec found no pod at all. */
function noMatch(spec: TargetSpec): string {
  if (spec.pod) return `pod ${spec.pod} not found in ${spec.namespace}`;
  const sel = selectorString(spec.labelSelector);
  return sel ? `no pod matches ${sel} in ${spec.namespace}` : `no pods in ${spec.namespace}`;
}

/** Live list of matching pods plus the selected one; create with `watchPods`. */
export class PodWatch extends EventEmitter<PodWatchEvents> {
  private readonly byName = new Map<string, V1Pod>();
  private current: V1Pod | undefined;
  private isSynced = false;
  private lastProblem: string | undefined;
  private readonly ctl = new AbortController();

  constructor(readonly spec: TargetSpec) {
    super();
    // Forwards, log followers and held connections all listen; there may be many.
    this.setMaxListeners(0);
  }

  /** The pod to talk to now, if any is usable. */
  get selected(): V1Pod | undefined {
    return this.current;
  }

  /** Every matching pod, as last seen. */
  get pods(): V1Pod[] {
    return [...this.byName.values()];
  }

  /** Whether the first list has arrived. */
  get synced(): boolean {
    return this.isSynced;
  }

  /** Aborts when the watch is closed. */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** The last API problem, until the next successful list. */
  get problemText(): string | undefined {
    return this.lastProblem;
  }

  /** Why no pod is selected, in the words `kubectl get pods` would use. */
  get waitingReason(): string {
    if (this.lastProblem) return this.lastProblem;
    const pods = this.pods.sort((a, b) => created(b) - created(a));
    const newest = pods[0];
    if (!newest) return this.isSynced ? noMatch(this.spec) : 'looking for pods';
    return `pod ${newest.metadata?.name} is ${podStatus(newest)}`;
  }

  /** The latest state of one pod by name. */
  pod(name: string): V1Pod | undefined {
    return this.byName.get(name);
  }

  /** Resolve with the selected pod, waiting for one up to `timeoutMs` (UserError on timeout). */
  async waitForSelected(timeoutMs: number, signal?: AbortSignal): Promise<V1Pod> {
    if (this.current) return this.current;
    const both = AbortSignal.any([this.ctl.signal, ...(signal ? [signal] : [])]);
    if (both.aborted) throw both.reason ?? new DOMException('stopped', 'AbortError');
    return new Promise<V1Pod>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('selected', onSelected);
        both.removeEventListener('abort', onAbort);
      };
      const onSelected = (pod: V1Pod | undefined): void => {
        if (!pod) return;
        done();
        resolve(pod);
      };
      const onAbort = (): void => {
        done();
        reject(both.reason ?? new DOMException('stopped', 'AbortError'));
      };
      const timer = setTimeout(() => {
        done();
        const secs = Math.round(timeoutMs / 1000);
        reject(new UserError(`no running ${describeTarget(this.spec)} after ${secs} s: ${this.waitingReason}`, 1, 'check the pods with `devspace analyze`'));
      }, timeoutMs);
      this.on('selected', onSelected);
      both.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stop watching; idempotent. */
  close(): void {
    this.ctl.abort(new DOMException('pod watch closed', 'AbortError'));
  }

  /** @internal Replace the whole list after a (re-)list. */
  reset(items: V1Pod[]): void {
    const seen = new Set<string>();
    const changes: Array<[PodEventType, V1Pod]> = [];
    for (const pod of items) {
      const name = pod.metadata?.name ?? '';
      seen.add(name);
      changes.push([this.byName.has(name) ? 'MODIFIED' : 'ADDED', pod]);
      this.byName.set(name, pod);
    }
    for (const [name, pod] of [...this.byName]) {
      if (seen.has(name)) continue;
      this.byName.delete(name);
      changes.push(['DELETED', pod]);
    }
    this.lastProblem = undefined;
    this.isSynced = true;
    // Listeners of 'pod' see the selection that already includes the change.
    this.reselect();
    for (const [type, pod] of changes) this.emit('pod', type, pod);
    this.emit('synced');
  }

  /** @internal Apply one watch event. */
  apply(type: PodEventType, pod: V1Pod): void {
    const name = pod.metadata?.name ?? '';
    if (type === 'DELETED') this.byName.delete(name);
    else this.byName.set(name, pod);
    this.reselect();
    this.emit('pod', type, pod);
  }

  /** @internal Report an API problem. */
  problem(message: string, fatal: boolean): void {
    this.lastProblem = message;
    this.emit('problem', message, fatal);
  }

  private reselect(): void {
    const next = pickPod(this.byName.values(), this.spec.container);
    const prev = this.current;
    this.current = next;
    if (prev?.metadata?.name !== next?.metadata?.name || prev?.metadata?.uid !== next?.metadata?.uid) {
      this.emit('selected', next, prev);
    }
  }
}

/**
 * Start watching the pods `spec` matches (by `pod` name or label selector)
 * in its namespace. Close the returned watch (or abort `signal`) to stop.
 */
export function watchPods(kc: KubeConfig, spec: TargetSpec, opts: PodWatchOptions = {}): PodWatch {
  const watch = new PodWatch(spec);
  const stop = (): void => watch.close();
  opts.signal?.addEventListener('abort', stop, { once: true });
  watch.signal.addEventListener('abort', () => opts.signal?.removeEventListener('abort', stop), { once: true });
  void run(kc, watch, opts.watchTimeoutSeconds ?? 240);
  return watch;
}

async function run(kc: KubeConfig, watch: PodWatch, timeoutSeconds: number): Promise<void> {
  const { CoreV1Api, Watch } = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(CoreV1Api);
  const { spec, signal } = watch;
  const labelSelector = spec.pod ? undefined : selectorString(spec.labelSelector) || undefined;
  const fieldSelector = spec.pod ? `metadata.name=${spec.pod}` : undefined;
  const query = { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
  let resourceVersion = '';
  let backoff = 500;
  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        const list = await core.listNamespacedPod({ namespace: spec.namespace, ...query });
        if (signal.aborted) return;
        resourceVersion = list.metadata?.resourceVersion ?? '';
        watch.reset(list.items);
      }
      const started = Date.now();
      resourceVersion = await watchOnce(new Watch(kc), watch, spec.namespace, { ...query, resourceVersion, timeoutSeconds }, signal);
      // A watch that lived a while ended normally (server timeout); one that died at once is an error loop.
      if (Date.now() - started > 5000) backoff = 500;
      else await sleep(backoff, signal);
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      const code = (err as { code?: number; statusCode?: number }).code ?? (err as { statusCode?: number }).statusCode;
      resourceVersion = '';
      if (code !== 410) {
        const fatal = code === 401 || code === 403;
        watch.problem(describeApiError(err, spec), fatal);
        await sleep(backoff, signal).catch(() => undefined);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}

/** Watch from `resourceVersion` until the server ends it; resolves with the last version seen ('' to re-list). */
function watchOnce(
  w: InstanceType<typeof import('@kubernetes/client-node').Watch>,
  watch: PodWatch,
  namespace: string,
  query: Record<string, string | number>,
  signal: AbortSignal,
): Promise<string> {
  let rv = String(query.resourceVersion ?? '');
  return new Promise<string>((resolve, reject) => {
    let ctl: AbortController | undefined;
    let relist = false;
    const onAbort = (): void => ctl?.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (err: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      if (err && !signal.aborted && !relist) reject(err);
      else resolve(relist ? '' : rv);
    };
    const onEvent = (type: string, obj: unknown): void => {
      const o = obj as V1Pod & { code?: number; message?: string };
      if (type === 'ERROR') {
        // 410 Gone: our version is too old; re-list. Other errors also re-list, after the watch ends.
        relist = true;
        ctl?.abort();
        return;
      }
      if (o?.metadata?.resourceVersion) rv = o.metadata.resourceVersion;
      if (type === 'BOOKMARK') return;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') watch.apply(type, o);
    };
    w.watch(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { ...query, allowWatchBookmarks: 'true' }, onEvent, finish)
      .then((c) => {
        ctl = c;
        if (signal.aborted || relist) c.abort();
      })
      .catch(finish);
  });
}

/** One line for an API failure, without response bodies or credentials. */
export function describeApiError(err: unknown, spec: TargetSpec): string {
  const code = (err as { code?: number; statusCode?: number }).code ?? (err as { statusCode?: number }).statusCode;
  if (code === 403) return `not allowed to list pods in namespace ${spec.namespace} (403 Forbidden)`;
  if (code === 401) return 'the cluster rejected our credentials (401 Unauthorized)';
  if (code === 404) return `namespace ${spec.namespace} not found`;
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const sys = (err as { code?: unknown }).code;
  return `cannot watch pods in ${spec.namespace}: ${typeof sys === 'string' ? `${sys} ` : ''}${msg}`.slice(0, 300);
}
