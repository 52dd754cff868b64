import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { ContainerRef } from '../events.js';

/**
 * Notices the pod sync talks to being deleted or its container restarting,
 * so sync moves to the replacement at once instead of writing into a pod
 * that is shutting down (a `sleep` PID 1 can take the full grace period to
 * die, and the exec sessions live until then).
 */
export interface PodWatch {
  close(): void;
}

/** Call `onGone(reason)` once when the pod is deleted, starts terminating, or the container restarts. */
export async function watchPod(kc: KubeConfig, ref: ContainerRef, onGone: (reason: string) => void): Promise<PodWatch> {
  const { Watch } = await import('@kubernetes/client-node');
  let fired = false;
  let closed = false;
  let restarts: number | undefined;
  let controller: AbortController | undefined;
  const fire = (reason: string): void => {
    if (fired || closed) return;
    fired = true;
    onGone(reason);
  };
  const start = async (): Promise<void> => {
    if (closed || fired) return;
    try {
      controller = await new Watch(kc).watch(
        `/api/v1/namespaces/${ref.namespace}/pods`,
        { fieldSelector: `metadata.name=${ref.pod}` },
        (phase, pod: V1Pod) => {
          if (phase === 'DELETED') return fire(`pod ${ref.pod} was deleted`);
          if (pod?.metadata?.deletionTimestamp) return fire(`pod ${ref.pod} is being deleted`);
          const status = pod?.status?.containerStatuses?.find((c) => c.name === ref.container);
          if (status) {
            if (restarts !== undefined && status.restartCount > restarts) fire(`container ${ref.container} restarted`);
            restarts = status.restartCount;
          }
        },
        () => {
          // The API server ends watches now and then; start a new one unless we are done.
          if (!closed && !fired) setTimeout(() => void start(), 1000).unref();
        },
      );
    } catch {
      if (!closed && !fired) setTimeout(() => void start(), 2000).unref();
    }
  };
  await start();
  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}
