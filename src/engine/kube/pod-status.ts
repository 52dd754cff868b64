import type { V1Pod } from '@kubernetes/client-node';
import type { PodSummary } from '../events.js';

/**
 * The one-word status `kubectl get pods` shows (Running, Pending,
 * CrashLoopBackOff, Init:0/1, Terminating, Completed...), so every message and
 * pane speaks the same language as the tool users already know.
 */
export function podStatus(pod: V1Pod): string {
  const st = pod.status;
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  let reason = st?.reason || st?.phase || 'Unknown';

  const inits = st?.initContainerStatuses ?? [];
  const initTotal = pod.spec?.initContainers?.length ?? 0;
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i]!;
    if (s.state?.terminated?.exitCode === 0) continue;
    if (s.state?.terminated) {
      return s.state.terminated.reason ? `Init:${s.state.terminated.reason}` : `Init:ExitCode:${s.state.terminated.exitCode}`;
    }
    if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') return `Init:${s.state.waiting.reason}`;
    return `Init:${i}/${initTotal}`;
  }

  let running = false;
  for (const s of [...(st?.containerStatuses ?? [])].reverse()) {
    if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state?.terminated) {
      reason = s.state.terminated.reason || (s.state.terminated.signal ? `Signal:${s.state.terminated.signal}` : `ExitCode:${s.state.terminated.exitCode}`);
    } else if (s.ready && s.state?.running) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  return reason;
}

/** The pod summary events carry: status word, readiness, restarts and why it is not ready. */
export function summarizePod(pod: V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const waiting = statuses.find((s) => s.state?.waiting?.message)?.state?.waiting?.message;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message;
  const reason = waiting ?? unschedulable;
  return { name: pod.metadata?.name ?? '', status: podStatus(pod), ready, restarts, ...(reason ? { reason } : {}) };
}
