import type { IncomingMessage } from 'node:http';
import type { KubeConfig, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { isAbortError, UserError } from '../errors.js';
import type { ContainerRef } from '../events.js';
import { ApiStreamError, openApiStream } from '../kube/api-stream.js';
import { watchPods, type PodWatch } from '../kube/pod-watch.js';
import { sleep } from '../kube/target.js';
import { LineSplitter } from './line-splitter.js';
import { LineDeduper, parseStamped, sinceTimeOf } from './timestamps.js';

/**
 * Follows one container's log through the log endpoint (`follow=true`, not
 * attach), across container restarts and dropped connections: each re-open
 * asks for `sinceTime` and drops lines already shown by their timestamps.
 * A watch on the pod says when a restarted container is running again and
 * when the pod is gone for good.
 */

/** Where a followed container's log is: open, waiting for the container, or done for good. */
export type LogStreamState = 'streaming' | 'waiting' | 'ended';

/** How to follow one container's log and where the lines go. */
export interface FollowOptions {
  signal: AbortSignal;
  /** Keep streaming new lines; without it, print what is there and stop. */
  follow: boolean;
  /** Past lines to show on the first open; undefined = the whole log, 0 = none. */
  tailLines?: number;
  /** Whole lines, in order, without their timestamps. */
  onLines: (lines: string[]) => void;
  onState?: (state: LogStreamState, reason?: string) => void;
  /** A watch that includes this pod; by default one is opened for it (follow only). */
  podWatch?: PodWatch;
}

/** The status of one container of a pod, if the pod reports it yet. */
export function containerStatus(pod: V1Pod | undefined, container: string): V1ContainerStatus | undefined {
  return pod?.status?.containerStatuses?.find((s) => s.name === container);
}

/** Which container instance the kubelet serves logs of right now (the same rules as kubelet's). */
export function servedInstance(status: V1ContainerStatus | undefined): string | undefined {
  if (!status) return undefined;
  if (status.state?.running) return status.containerID;
  if (status.state?.terminated?.containerID) return status.state.terminated.containerID;
  return status.lastState?.terminated?.containerID;
}

/** Whether the kubelet restarts a container that exited with `exitCode`. */
function willRestart(pod: V1Pod, exitCode: number): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** Why a container is not running, in kubectl words. */
function notRunningReason(status: V1ContainerStatus | undefined): string {
  const s = status?.state;
  if (s?.waiting) return s.waiting.reason ?? 'waiting';
  if (s?.terminated) return `exited with ${s.terminated.exitCode}${s.terminated.reason ? ` (${s.terminated.reason})` : ''}`;
  return 'not started';
}

/**
 * Stream `ref`'s log to `onLines` until it ends: at once without `follow`,
 * else when the pod is gone (or finished for good) or `signal` aborts.
 * Rejects only when the very first request fails.
 */
export async function followLog(kc: KubeConfig, ref: ContainerRef, opts: FollowOptions): Promise<void> {
  const { signal } = opts;
  const ownWatch = opts.follow && !opts.podWatch;
  const watch = opts.podWatch ?? (opts.follow ? watchPods(kc, { namespace: ref.namespace, pod: ref.pod }, { signal }) : undefined);
  const dedupe = new LineDeduper();
  const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}/log`;
  let first = true;
  let quickEnds = 0;
  // The container instance the last stream read, so a restart can be said when the next one opens.
  let streamed: string | undefined;
  const waiting = (reason: string): void => opts.onState?.('waiting', reason);
  try {
    for (;;) {
      const query: Record<string, string | number | boolean | undefined> = { container: ref.container, timestamps: true, follow: opts.follow };
      if (first && opts.tailLines !== undefined) {
        if (opts.tailLines > 0) query.tailLines = opts.tailLines;
        else if (!opts.follow) return;
        else query.sinceTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      } else if (!first && dedupe.newest >= 0n) query.sinceTime = sinceTimeOf(dedupe.newest);
      const opened = servedInstance(containerStatus(watch?.pod(ref.pod), ref.container));
      let res: IncomingMessage;
      try {
        res = await openApiStream(kc, path, query, signal);
      } catch (err) {
        // Before the first stream only "not started yet" is worth waiting for (400, or 204 No Content for a
        // container that exists but has not started: seen on a pod of a rollout); later anything is.
        const notYet = err instanceof ApiStreamError && (err.status === 400 || err.status === 204);
        if (signal.aborted || isAbortError(err)) throw err;
        // Without follow, a container with no log yet has nothing to print: that is not an error.
        if (!opts.follow && err instanceof ApiStreamError && err.status === 204) return;
        if (!watch || (first && !notYet)) throw logError(err, ref);
        waiting(err instanceof Error ? err.message : String(err));
        await sleep(500, signal);
        if ((await nextChange(watch, ref, opened, signal, waiting)) === 'gone') return end(opts, watch, ref);
        continue;
      }
      first = false;
      dedupe.reopen();
      const restarted = streamed !== undefined && opened !== undefined && opened !== streamed;
      opts.onState?.('streaming', restarted ? 'container restarted' : undefined);
      streamed = opened ?? streamed;
      // The pod's status can lag the kubelet, so the stream may already read a restarted
      // container the watch has not reported yet: say so once the watch catches up.
      const onPod = (): void => {
        const now = containerStatus(watch?.pod(ref.pod), ref.container);
        const running = now?.state?.running ? now.containerID : undefined;
        if (!running || streamed === undefined || running === streamed) return;
        streamed = running;
        opts.onState?.('streaming', 'container restarted');
      };
      watch?.on('pod', onPod);
      const started = Date.now();
      await pump(res, dedupe, opts.onLines).finally(() => watch?.off('pod', onPod));
      if (!opts.follow || !watch) return;
      // A stream that ends at once while the container runs is a flapping connection: slow down.
      quickEnds = Date.now() - started < 2000 ? quickEnds + 1 : 0;
      const next = await nextChange(watch, ref, opened, signal, waiting);
      if (next === 'gone') return end(opts, watch, ref);
      if (next === 'same') await sleep(Math.min(250 * 2 ** quickEnds, 5000), signal);
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    if (ownWatch) watch?.close();
  }
}

/** A failed log request as one line naming the container. */
function logError(err: unknown, ref: ContainerRef): UserError {
  const what = (err instanceof Error ? err.message.split('\n')[0] : String(err)) ?? 'failed';
  const code = (err as { code?: unknown }).code;
  return new UserError(`cannot read the log of ${ref.pod}/${ref.container}: ${typeof code === 'string' && !what.includes(code) ? `${code} ` : ''}${what}`, 1);
}

function end(opts: FollowOptions, watch: PodWatch, ref: ContainerRef): void {
  const pod = watch.pod(ref.pod);
  const exited = containerStatus(pod, ref.container)?.state?.terminated;
  const reason = !pod
    ? 'pod deleted'
    : pod.metadata?.deletionTimestamp
      ? 'pod terminating'
      : exited
        ? `container exited with ${exited.exitCode}`
        : `pod ${pod.status?.phase ?? 'finished'}`;
  opts.onState?.('ended', reason);
}

/** Copy one response into lines until it ends or fails (a failure is just another end). */
async function pump(res: IncomingMessage, dedupe: LineDeduper, onLines: (lines: string[]) => void): Promise<void> {
  const splitter = new LineSplitter();
  const emit = (raw: string[]): void => {
    const lines: string[] = [];
    for (const l of raw) {
      const p = parseStamped(l);
      if (dedupe.accept(p)) lines.push(p.text);
    }
    if (lines.length) onLines(lines);
  };
  try {
    for await (const chunk of res) emit(splitter.push(chunk as Buffer));
  } catch {
    // Connection reset or aborted: the caller decides whether to re-open.
  }
  emit(splitter.flush());
}

/**
 * Wait until the container runs an instance other than `opened` ('new'),
 * still runs `opened` ('same': only the connection ended), or the pod is
 * gone or finished for good ('gone'). Says why while it waits.
 */
async function nextChange(
  watch: PodWatch,
  ref: ContainerRef,
  opened: string | undefined,
  signal: AbortSignal,
  onWaiting?: (reason: string) => void,
): Promise<'new' | 'same' | 'gone'> {
  let said = '';
  for (;;) {
    signal.throwIfAborted();
    if (watch.synced) {
      const pod = watch.pod(ref.pod);
      if (!pod) return 'gone';
      const status = containerStatus(pod, ref.container);
      const running = Boolean(status?.state?.running);
      if (running) return status?.containerID !== opened ? 'new' : 'same';
      const phase = pod.status?.phase;
      if (pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') return 'gone';
      if (status?.state?.terminated && !willRestart(pod, status.state.terminated.exitCode)) return 'gone';
      const reason = notRunningReason(status);
      if (reason !== said) onWaiting?.((said = reason));
    }
    await podEvent(watch, signal);
  }
}

/** Resolve on the watch's next pod event or first list. */
function podEvent(watch: PodWatch, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      watch.off('pod', done);
      watch.off('synced', done);
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason);
    };
    watch.on('pod', done);
    watch.on('synced', done);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
