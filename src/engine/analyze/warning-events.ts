import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Finding } from '../events.js';
import { eventTime } from './diagnose-container.js';
import { COVERED_BY_POD_FINDINGS, explainEvent, IGNORED_REASONS } from './explain-event.js';
import { matchesSelector } from './selector.js';
import { clip, formatAge, oneLine, sanitize, toMs } from './text.js';
import { EVENT_RELEVANCE_MS } from './types.js';

/** What the I/O layer learned about a non-pod object an event names. */
export interface ObjectState {
  /** False when the object is gone (404); undefined when we could not tell. */
  exists?: boolean;
  uid?: string;
  /** A workload that has every replica it wants, so its older warnings are resolved. */
  healthy?: boolean;
  /** Labels to match `-l` against: a workload's pod template labels, else its own. */
  labels?: Record<string, string>;
}

/** An object named by events: `Kind/name`, the key of `EventCheckContext.objects`. */
export function objectKey(kind: string | undefined, name: string | undefined): string {
  return `${kind ?? ''}/${name ?? ''}`;
}

/** What the pure event checks know besides the events. */
export interface EventCheckContext {
  now: number;
  namespace: string;
  /** The pods that were analyzed (already filtered by the label selector). */
  pods: readonly V1Pod[];
  /** Findings of those pods, to drop events that repeat them. */
  podFindings: readonly Finding[];
  /** What is known about non-pod objects, by `objectKey`. */
  objects: ReadonlyMap<string, ObjectState>;
  labelSelector?: string;
}

/** Recent, non-ignored Warning events: the candidates before any object is looked up. */
export function recentWarnings(events: readonly CoreV1Event[], now: number): CoreV1Event[] {
  return events.filter((e) => e.type === 'Warning' && !IGNORED_REASONS.has(e.reason ?? '') && now - eventTime(e) <= EVENT_RELEVANCE_MS);
}

/** When the pod's condition `type` last became True, or undefined while it is not True. */
function trueSince(pod: V1Pod, type: string): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === type);
  return c?.status === 'True' ? (toMs(c.lastTransitionTime) ?? 0) : undefined;
}

// Pod set-up troubles (volumes, sandbox, network) that the pod got past once a container started.
const SETUP_REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox', 'NetworkNotReady', 'FailedSync']);

// Waiting reasons of a container whose pod is still being set up; any other means volumes and sandbox are done.
const SETTING_UP = new Set(['ContainerCreating', 'PodInitializing']);

/**
 * True when a container that never started waits on something that comes
 * after set-up (its image, its config). The kubelet mounts every volume and
 * creates the sandbox before it pulls an image, so such a pod's earlier
 * set-up warnings are over. Pods whose containers started go by time instead.
 */
function pastSetup(pod: V1Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some((c) => {
    const reason = c.state?.waiting?.reason;
    return reason !== undefined && !SETTING_UP.has(reason) && !c.lastState?.terminated && !c.lastState?.running;
  });
}

/** When the first container of the pod started, if one has. */
function firstContainerStart(pod: V1Pod): number | undefined {
  const starts = (pod.status?.containerStatuses ?? [])
    .map((c) => toMs(c.state?.running?.startedAt ?? c.state?.terminated?.startedAt ?? c.lastState?.terminated?.startedAt))
    .filter((t): t is number => t !== undefined);
  return starts.length ? Math.min(...starts) : undefined;
}

function podEventRelevant(e: CoreV1Event, pod: V1Pod | undefined, findings: readonly Finding[]): boolean {
  if (!pod) return false; // gone, or not selected by -l
  const uid = e.involvedObject?.uid;
  if (uid && pod.metadata?.uid && uid !== pod.metadata.uid) return false; // an older pod of the same name
  // Going away (e.g. replaced by a rollout) or finished fine: its old troubles no longer matter.
  if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded') return false;
  const at = eventTime(e);
  const ready = trueSince(pod, 'Ready');
  if (ready !== undefined && at <= ready) return false; // resolved: the pod became Ready after it
  const started = firstContainerStart(pod);
  // Under load a fresh namespace often logs a transient FailedMount of kube-api-access before its CA configmap exists.
  if (SETUP_REASONS.has(e.reason ?? '') && ((started !== undefined && at <= started) || pastSetup(pod))) return false;
  const scheduled = trueSince(pod, 'PodScheduled');
  if (e.reason === 'FailedScheduling' && scheduled !== undefined && at <= scheduled) return false; // placed after all
  const mine = findings.filter((f) => f.object === `pod/${pod.metadata?.name}` || f.object.startsWith(`pod/${pod.metadata?.name}/`));
  if (mine.length === 0) return true;
  if (COVERED_BY_POD_FINDINGS.has(e.reason ?? '')) return false;
  const head = oneLine(e.message ?? '').slice(0, 80);
  return !mine.some((f) => f.message.includes(head));
}

function objectEventRelevant(e: CoreV1Event, state: ObjectState | undefined, selector: string | undefined): boolean {
  if (state?.exists === false) return false;
  const uid = e.involvedObject?.uid;
  if (uid && state?.uid && uid !== state.uid) return false;
  if (state?.healthy) return false;
  if (selector) return state?.labels !== undefined && matchesSelector(state.labels, selector);
  return true;
}

/**
 * Turn Warning events into findings, keeping only what still matters: recent
 * (30 min), about an object that still exists (same uid), not resolved since
 * (pod Ready after it, workload fully available), not ignorable node noise,
 * and not already said by a pod finding. Repeats of one reason on one object
 * become a single finding with the total count and the newest message.
 */
export function eventFindings(events: readonly CoreV1Event[], ctx: EventCheckContext): Finding[] {
  const pods = new Map(ctx.pods.map((p) => [p.metadata?.name, p]));
  const groups = new Map<string, { latest: CoreV1Event; first: number; count: number }>();
  for (const e of recentWarnings(events, ctx.now)) {
    const kind = e.involvedObject?.kind ?? '';
    const name = e.involvedObject?.name ?? '';
    const keep =
      kind === 'Pod'
        ? podEventRelevant(e, pods.get(name), ctx.podFindings)
        : objectEventRelevant(e, ctx.objects.get(objectKey(kind, name)), ctx.labelSelector);
    if (!keep) continue;
    const key = `${kind}/${name}/${e.reason}`;
    const n = e.count ?? e.series?.count ?? 1;
    const first = toMs(e.firstTimestamp) ?? toMs(e.eventTime) ?? eventTime(e);
    const g = groups.get(key);
    if (!g) groups.set(key, { latest: e, first, count: n });
    else {
      g.count += n;
      g.first = Math.min(g.first, first);
      if (eventTime(e) > eventTime(g.latest)) g.latest = e;
    }
  }
  const out: Finding[] = [];
  for (const { latest, first, count } of groups.values()) {
    const kind = latest.involvedObject?.kind ?? 'Object';
    const name = latest.involvedObject?.name ?? '?';
    const raw = sanitize(latest.message ?? '').replace(/^\(combined from similar events\):\s*/, '');
    const ex = explainEvent(latest.reason ?? '', kind, name, raw, ctx.namespace);
    const last = eventTime(latest);
    const times = count > 1 ? `${count}× in ${formatAge(Math.max(0, last - first))}, ` : '';
    out.push({
      severity: ex.severity,
      kind: 'event',
      object: `${kind.toLowerCase()}/${name}`,
      message: `${ex.what} (${latest.reason}, ${times}last ${formatAge(ctx.now - last)} ago): ${clip(raw, 400)}`,
      hint: ex.hint,
    });
  }
  return out;
}
