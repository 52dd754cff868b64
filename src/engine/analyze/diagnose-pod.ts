import type { V1Pod } from '@kubernetes/client-node';
import type { Finding } from '../events.js';
import { diagnoseContainer, eventTime } from './diagnose-container.js';
import { eventHint } from './explain-event.js';
import { explainUnschedulable, schedulerMessage } from './explain-start.js';
import { startingReason, startingSince } from './starting.js';
import { clip, formatAge, toMs } from './text.js';
import type { Diagnosis, PodCheckContext } from './types.js';

/** How long past its deletion deadline a pod may linger before it counts as stuck. */
const STUCK_TERMINATING_MS = 60_000;

const FAILED_POD_HINTS: Record<string, string> = {
  Evicted:
    'the node ran short of memory or disk and evicted the pod: give its containers resource requests/limits that match their use; evicted pods stay listed until deleted',
  DeadlineExceeded: 'the pod ran longer than its activeDeadlineSeconds: raise it or make the work faster',
  OutOfcpu: 'the node had no CPU left when the pod arrived: lower the requests or add capacity',
  OutOfmemory: 'the node had no memory left when the pod arrived: lower the requests or add capacity',
  NodeAffinity: 'the node no longer matches the pod\'s node affinity; its controller will create a new pod',
  Shutdown: 'the node shut down; its controller will create a new pod',
  Terminated: 'the node shut down; its controller will create a new pod',
};

function podFinding(pod: V1Pod, severity: Finding['severity'], kind: string, message: string, hint: string): Diagnosis {
  return { finding: { severity, kind, object: `pod/${pod.metadata?.name}`, message, hint } };
}

function unschedulable(pod: V1Pod, ctx: PodCheckContext): Diagnosis | undefined {
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (!cond) return undefined;
  const event = [...ctx.events].filter((e) => e.reason === 'FailedScheduling').sort((a, b) => eventTime(b) - eventTime(a))[0];
  const raw = cond.message || event?.message || cond.reason || 'no reason given';
  const since = toMs(cond.lastTransitionTime) ?? toMs(pod.metadata?.creationTimestamp);
  const forHow = since !== undefined ? ` for ${formatAge(ctx.now - since)}` : '';
  const message = `pod ${pod.metadata?.name} has been waiting${forHow} for a node: the scheduler cannot place it: ${schedulerMessage(raw)}`;
  return podFinding(pod, 'error', 'unschedulable', message, explainUnschedulable(pod, `${cond.reason ?? ''} ${raw}`));
}

function failedPod(pod: V1Pod): Diagnosis | undefined {
  const phase = pod.status?.phase;
  const reason = pod.status?.reason;
  if (phase === 'Unknown') {
    return podFinding(pod, 'error', 'pod-unknown', `the state of pod ${pod.metadata?.name} is unknown: its node stopped reporting`, 'the node is down or cut off from the cluster; the pod\'s controller replaces it once the node is declared lost');
  }
  if (phase !== 'Failed' || !reason) return undefined;
  const detail = pod.status?.message ? `: ${clip(pod.status.message, 300)}` : '';
  return podFinding(pod, 'error', 'pod-failed', `pod ${pod.metadata?.name} failed (${reason})${detail}`, FAILED_POD_HINTS[reason] ?? `\`kubectl describe pod ${pod.metadata?.name}\` shows the details`);
}

function stuckTerminating(pod: V1Pod, now: number): Diagnosis | undefined {
  const deadline = toMs(pod.metadata?.deletionTimestamp);
  if (deadline === undefined || now - deadline < STUCK_TERMINATING_MS) return undefined;
  const finalizers = pod.metadata?.finalizers ?? [];
  const why = finalizers.length ? `finalizers ${finalizers.join(', ')} hold it` : 'its node may be unreachable';
  return podFinding(
    pod,
    'warning',
    'stuck-terminating',
    `pod ${pod.metadata?.name} was deleted ${formatAge(now - deadline)} past its grace period but is still there (${why})`,
    'check the node and the finalizers; `kubectl delete pod --force --grace-period=0` removes it from the API as a last resort',
  );
}

const STARTING_HINTS: Array<[RegExp, string]> = [
  [/^Init:/, 'its init containers are still running: check that what they wait for (a database, a migration) is available; their logs show progress'],
  [/ContainerCreating|PodInitializing/, 'Kubernetes is still pulling the image, mounting volumes or setting up the network; the events of the pod usually say which'],
  [/startup probe/, 'its startup probe has not passed yet: the app starts slowly or the probe checks the wrong thing'],
  [/not ready yet/, 'its readiness probe has not passed yet'],
  [/Terminating/, 'it is shutting down; a slow shutdown usually means the app ignores SIGTERM'],
];

function stillStarting(pod: V1Pod, why: string, ctx: PodCheckContext): Diagnosis | undefined {
  const since = startingSince(pod);
  const age = since !== undefined ? ctx.now - since : 0;
  if (age < ctx.startingGraceMs) return undefined;
  const latest = [...ctx.events].filter((e) => e.type === 'Warning').sort((a, b) => eventTime(b) - eventTime(a))[0];
  const seen = latest ? `; latest warning: ${latest.reason}: ${clip(latest.message ?? '', 200)}` : '';
  // The latest warning usually names the culprit (a missing ConfigMap for a volume); its advice beats a generic one.
  const specific = latest ? eventHint(latest.reason ?? '', latest.message ?? '') : undefined;
  const hint = specific ?? STARTING_HINTS.find(([re]) => re.test(why))?.[1] ?? 'give it more time (--timeout), or look at its events';
  return podFinding(pod, 'warning', 'still-starting', `pod ${pod.metadata?.name} is still ${why} after ${formatAge(age)}${seen}`, hint);
}

/**
 * Everything wrong with one pod, from its status and its own events: not
 * schedulable, failed or lost, stuck terminating, container problems (see
 * diagnoseContainer), or still starting after the grace period. A healthy
 * pod yields nothing. Pure: the I/O layer supplies `ctx` and fetches logs.
 */
export function diagnosePod(pod: V1Pod, ctx: PodCheckContext): Diagnosis[] {
  if (pod.metadata?.deletionTimestamp) {
    const stuck = stuckTerminating(pod, ctx.now);
    return stuck ? [stuck] : [];
  }
  const found: Diagnosis[] = [];
  const sched = unschedulable(pod, ctx);
  if (sched) return [sched];
  const failed = failedPod(pod);
  if (failed) found.push(failed);
  for (const s of pod.status?.initContainerStatuses ?? []) {
    const d = diagnoseContainer(pod, s, true, ctx);
    if (d) found.push(d);
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    const d = diagnoseContainer(pod, s, false, ctx);
    if (d) found.push(d);
  }
  if (found.length > 0) return found;
  const why = startingReason(pod, ctx.now);
  const starting = why ? stillStarting(pod, why, ctx) : undefined;
  return starting ? [starting] : [];
}
