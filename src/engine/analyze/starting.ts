import type { V1Container, V1ContainerStatus, V1Pod, V1Probe } from '@kubernetes/client-node';
import { podStatus } from '../kube/pod-status.js';
import { toMs } from './text.js';

/** A container that started this recently may still crash; wait before judging it (as v3.5). */
export const JUST_STARTED_MS = 10_000;
/** The least time a readiness probe gets before "not ready" counts as a problem. */
export const MIN_READINESS_GRACE_MS = 30_000;

/**
 * Waiting reasons that will not fix themselves by waiting: analyze reports
 * them at once instead of sitting out the timeout.
 */
export const HOPELESS_WAITING = new Set([
  'CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'PreCreateHookError',
  'PostStartHookError', 'RegistryUnavailable', 'SignatureValidationFailed',
]);

/** How long a failing readiness probe is given before analyze calls it a problem. */
export function readinessGraceMs(probe: V1Probe | undefined): number {
  if (!probe) return MIN_READINESS_GRACE_MS;
  const period = (probe.periodSeconds ?? 10) * 1000;
  const threshold = probe.failureThreshold ?? 3;
  return (probe.initialDelaySeconds ?? 0) * 1000 + Math.max(MIN_READINESS_GRACE_MS, period * threshold);
}

function specOf(pod: V1Pod, name: string, init: boolean): V1Container | undefined {
  return (init ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === name);
}

function scheduleFailed(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false;
}

// Stands for "say what kubectl would say" (ContainerCreating, PodInitializing, Init:0/2).
const KUBECTL_STATUS = '';

/** Why one container still counts as starting, or undefined when it has a verdict. */
function containerStarting(pod: V1Pod, s: V1ContainerStatus, now: number, init: boolean): string | undefined {
  if (s.state?.waiting) return HOPELESS_WAITING.has(s.state.waiting.reason ?? '') ? undefined : KUBECTL_STATUS;
  const running = s.state?.running;
  if (!running) return undefined;
  const spec = specOf(pod, s.name, init);
  // A sidecar (an init container with restartPolicy Always) keeps running; a plain one must finish.
  if (init && spec?.restartPolicy !== 'Always') return KUBECTL_STATUS;
  // A startup probe that has not passed yet: kubelet kills the container if it never does.
  if (s.started === false) return 'Running (startup probe not passed yet)';
  const started = toMs(running.startedAt);
  if (started !== undefined && now - started < JUST_STARTED_MS) return 'Running (just started)';
  if (!init && !s.ready && spec?.readinessProbe && started !== undefined && now - started < readinessGraceMs(spec.readinessProbe)) {
    return 'Running (not ready yet)';
  }
  return undefined;
}

/**
 * Why `pod` should be waited for (ContainerCreating, PodInitializing,
 * Init:*, Terminating, just started, readiness not yet due), or undefined
 * when its state is final enough to judge. A pod with any hopeless
 * container is never "starting": there is nothing to wait for.
 */
export function startingReason(pod: V1Pod, now: number): string | undefined {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Unknown') return undefined;
  if (scheduleFailed(pod)) return undefined;

  const inits = pod.status?.initContainerStatuses ?? [];
  const mains = pod.status?.containerStatuses ?? [];
  const all = [...inits.map((s) => [s, true] as const), ...mains.map((s) => [s, false] as const)];
  // Fail fast: one hopeless or failed container decides the pod.
  for (const [s, init] of all) {
    if (HOPELESS_WAITING.has(s.state?.waiting?.reason ?? '')) return undefined;
    const t = s.state?.terminated;
    // A main container that finished in an Always pod is about to be restarted: a crash loop, not a start.
    if (t && (t.exitCode !== 0 || (!init && (pod.spec?.restartPolicy ?? 'Always') === 'Always'))) return undefined;
  }
  for (const [s, init] of all) {
    const why = containerStarting(pod, s, now, init);
    if (why !== undefined) return why === KUBECTL_STATUS ? podStatus(pod) : why;
  }
  // Scheduled (or about to be) but no container statuses yet.
  if (phase === 'Pending' && mains.length === 0) return 'Pending';
  return undefined;
}

/** When the pod entered its current starting state, for "still starting after N s". */
export function startingSince(pod: V1Pod): number | undefined {
  if (pod.metadata?.deletionTimestamp) return toMs(pod.metadata.deletionTimestamp);
  return toMs(pod.metadata?.creationTimestamp);
}
