import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { ContainerRef } from '../events.js';
import { watchPods, type PodWatch } from '../kube/pod-watch.js';

/**
 * Notices the pod sync talks to being deleted or its container restarting,
 * so sync moves to the replacement at once instead of writing into a pod
 * that is shutting down (a `sleep` PID 1 can take the full grace period to
 * die, and the exec sessions live until then). The watching itself, with
 * its re-list and back-off, is the shared kube PodWatch.
 */

/**
 * Call `onGone(reason)` once when the pod is deleted, starts terminating, or
 * the container restarts. Resolves once the first list arrived (or the API
 * failed; the watch keeps retrying), so whatever happens afterwards is seen.
 */
export async function watchPod(kc: KubeConfig, ref: ContainerRef, onGone: (reason: string) => void): Promise<{ close(): void }> {
  const watch = watchPods(kc, { namespace: ref.namespace, pod: ref.pod, container: ref.container });
  followPod(watch, ref, (reason) => {
    watch.close();
    onGone(reason);
  });
  await new Promise<void>((resolve) => {
    const done = (): void => {
      watch.off('synced', done).off('problem', done);
      watch.signal.removeEventListener('abort', done);
      resolve();
    };
    watch.once('synced', done).once('problem', done);
    watch.signal.addEventListener('abort', done, { once: true });
  });
  return watch;
}

/** The part of `watchPod` that judges what `watch` reports; calls `onGone` at most once. */
export function followPod(watch: PodWatch, ref: ContainerRef, onGone: (reason: string) => void): void {
  let fired = false;
  let uid: string | undefined;
  let restarts: number | undefined;
  const fire = (reason: string): void => {
    if (fired || watch.signal.aborted) return;
    fired = true;
    onGone(reason);
  };
  const judge = (pod: V1Pod | undefined, deleted: boolean): void => {
    // A pod of the same name with another uid (a StatefulSet's replacement) is a new pod: ours is gone.
    if (deleted || !pod || (uid !== undefined && pod.metadata?.uid !== uid)) return fire(`pod ${ref.pod} was deleted`);
    uid = pod.metadata?.uid;
    if (pod.metadata?.deletionTimestamp) return fire(`pod ${ref.pod} is being deleted`);
    const status = pod.status?.containerStatuses?.find((c) => c.name === ref.container);
    if (status) {
      if (restarts !== undefined && status.restartCount > restarts) return fire(`container ${ref.container} restarted`);
      restarts = status.restartCount;
    }
  };
  watch.on('pod', (type, pod) => {
    if (pod.metadata?.name === ref.pod) judge(pod, type === 'DELETED');
  });
  // A list without the pod (the first one, or a re-list after a gap in the watch) means it is gone.
  watch.on('synced', () => {
    if (!watch.pod(ref.pod)) judge(undefined, true);
  });
}
