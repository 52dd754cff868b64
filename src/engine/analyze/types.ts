import type { CoreV1Event } from '@kubernetes/client-node';
import type { Finding } from '../events.js';

/** Restarts and exits older than this are history, not a current problem (as v3.5). */
export const RESTART_RELEVANCE_MS = 2 * 60 * 60 * 1000;
/** Warning events last seen longer ago than this are history (v3.5 defined 30 min but never used it). */
export const EVENT_RELEVANCE_MS = 30 * 60 * 1000;

/** Which container's log the I/O layer should attach to a finding. */
export interface LogRequest {
  pod: string;
  container: string;
  /** The run before the current one (`kubectl logs --previous`): what a crash loop needs. */
  previous: boolean;
}

/** One finding from the pure checks, plus the log lines it wants attached. */
export interface Diagnosis {
  finding: Finding;
  logs?: LogRequest;
}

/** What the pure pod checks know besides the pod itself. */
export interface PodCheckContext {
  /** The time to judge ages against (ms since the epoch). */
  now: number;
  /** Events about this pod (same uid), Normal and Warning. */
  events: readonly CoreV1Event[];
  /** Registries the cluster is known to pull from, for image pull hints. */
  pullableRegistries: readonly string[];
  /** A pod still starting becomes a finding once it has been starting this long (0 after a wait timed out). */
  startingGraceMs: number;
}
