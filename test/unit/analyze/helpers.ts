import { readFileSync } from 'node:fs';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
// The client's own deserialiser, so fixtures have exactly the runtime shape (Date objects, MicroTime strings).
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { PodCheckContext } from '../../../src/engine/analyze/types.js';

/**
 * Pods and events captured from the real test bed (kubectl get -o json,
 * trimmed): one pod per problem kind, plus a namespace whose quota allows no
 * pods. `NOW` is the capture time, so ages read as they did then.
 */
const podsFile = JSON.parse(readFileSync(new URL('./fixtures/pods.json', import.meta.url), 'utf8')) as { capturedAt: string; pods: Record<string, unknown> };
const eventsFile = JSON.parse(readFileSync(new URL('./fixtures/events.json', import.meta.url), 'utf8')) as { events: unknown[]; quotaEvents: unknown[] };

export const NOW = Date.parse(podsFile.capturedAt);
export const POD_NAMES = Object.keys(podsFile.pods);

/** A fresh, deserialised copy of one captured pod. */
export function pod(name: string): V1Pod {
  const raw = podsFile.pods[name];
  if (!raw) throw new Error(`no fixture pod ${name}`);
  return ObjectSerializer.deserialize(structuredClone(raw), 'V1Pod', '') as V1Pod;
}

/** A pod built from raw JSON (hand-written cases), deserialised like the client does. */
export function podFrom(raw: unknown): V1Pod {
  return ObjectSerializer.deserialize(structuredClone(raw), 'V1Pod', '') as V1Pod;
}

/** Every captured event of the problem namespace. */
export function allEvents(): CoreV1Event[] {
  return eventsFile.events.map((e) => ObjectSerializer.deserialize(structuredClone(e), 'CoreV1Event', '') as CoreV1Event);
}

/** The FailedCreate events of the namespace whose ResourceQuota allows 0 pods. */
export function quotaEvents(): CoreV1Event[] {
  return eventsFile.quotaEvents.map((e) => ObjectSerializer.deserialize(structuredClone(e), 'CoreV1Event', '') as CoreV1Event);
}

/** An event built from raw JSON. */
export function eventFrom(raw: unknown): CoreV1Event {
  return ObjectSerializer.deserialize(structuredClone(raw), 'CoreV1Event', '') as CoreV1Event;
}

/** The events about one pod (same name and uid), as the I/O layer hands them to diagnosePod. */
export function eventsOf(p: V1Pod): CoreV1Event[] {
  return allEvents().filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === p.metadata?.name && e.involvedObject.uid === p.metadata?.uid);
}

/** A PodCheckContext for `p` at capture time, with its own events. */
export function ctxFor(p: V1Pod, over: Partial<PodCheckContext> = {}): PodCheckContext {
  return { now: NOW, events: eventsOf(p), pullableRegistries: [], startingGraceMs: Number.POSITIVE_INFINITY, ...over };
}
