import type { ContainerRef, EngineEvents, Finding, Phase, PodSummary, Problem, SyncState } from '../../engine/events.js';

/**
 * The engine as the dashboard sees it: a projection of events into rows the
 * panes draw. Plain immutable data; UI-only state lives in view-state.ts.
 */

/** Per-layer push status, kept so progress can be aggregated per image. */
export interface LayerProgress {
  status: string;
  current?: number;
  total?: number;
}

export interface PushView {
  state: 'pushing' | 'pushed' | 'skipped' | 'failed';
  registry?: string;
  layers: Readonly<Record<string, LayerProgress>>;
  ms?: number;
  reason?: string;
  error?: string;
}

export interface ImageView {
  name: string;
  ref?: string;
  state: 'building' | 'built' | 'skipped' | 'failed';
  step?: number;
  total?: number;
  instruction?: string;
  /** Build time so far (from the last step event) or in total once done. */
  elapsedMs?: number;
  /** When the dashboard saw the build start, so the pane can count while a long step runs. */
  startedAt?: number;
  /** The last few output lines, for the pane and for a failure's context. */
  lastLines: readonly string[];
  error?: string;
  reason?: string;
  push?: PushView;
}

export interface DeploymentView {
  name: string;
  type?: 'kubectl' | 'helm' | 'component';
  namespace?: string;
  state: 'deploying' | 'applied' | 'ready' | 'skipped' | 'failed' | 'purged';
  objects: number;
  workload?: string;
  ready: number;
  desired: number;
  pods: readonly PodSummary[];
  /** When the dashboard saw the deploy start, for a live elapsed time. */
  startedAt?: number;
  ms?: number;
  error?: string;
  hint?: string;
  reason?: string;
}

/** A forward as its last `portforward:state` event described it. */
export type ForwardView = EngineEvents['portforward:state'][0];

export interface SyncBatchView {
  direction: 'up' | 'down';
  files: readonly string[];
  count: number;
  bytes: number;
  ms: number;
}

export interface SyncView {
  id: string;
  localPath: string;
  containerPath: string;
  pod?: string;
  state: SyncState;
  error?: string;
  lastBatch?: SyncBatchView;
  /** Files moved up and down since the session started. */
  totals: { up: number; down: number; batches: number };
  initial?: { uploaded: number; downloaded: number; conflicts: number; ms: number };
  refused: number;
  lastRefused?: { path: string; reason: string };
}

export interface LogSourceView {
  key: string;
  label: string;
  /** Set for container sources; build output has none. */
  ref?: ContainerRef;
  state: 'streaming' | 'waiting' | 'ended';
  reason?: string;
  /** Times it stopped with a failure (crash, error exit) and came back, as the log stream saw it. */
  restarts?: number;
  /** The last such failure, kept while it runs again. */
  lastFailure?: string;
}

export interface ProblemView extends Problem {
  level: 'warning' | 'error';
  seq: number;
}

export interface EngineView {
  phase: Phase;
  images: readonly ImageView[];
  deployments: readonly DeploymentView[];
  forwards: readonly ForwardView[];
  syncs: readonly SyncView[];
  sources: readonly LogSourceView[];
  /** Null until the first analyze report arrives. */
  findings: readonly Finding[] | null;
  problems: readonly ProblemView[];
  lastInfo?: { scope: string; message: string };
  terminal?: { target: ContainerRef; state: 'opening' | 'open' | 'closed'; exitCode?: number };
}

/** Problems kept for the status line and the analyze view. */
export const PROBLEM_LIMIT = 50;
/** Build output lines kept per image in the projection (the full output goes to the log book). */
export const IMAGE_TAIL = 6;

/** The state before any event. */
export function initialEngineView(): EngineView {
  return { phase: 'config', images: [], deployments: [], forwards: [], syncs: [], sources: [], findings: null, problems: [] };
}

/** Stable key for a container log source. */
export function sourceKey(ref: ContainerRef): string {
  return `${ref.namespace}/${ref.pod}/${ref.container}`;
}

/** Replace the row whose key matches, or append a new one built by `create`. */
export function upsert<T>(rows: readonly T[], match: (row: T) => boolean, update: (row: T | undefined) => T): T[] {
  const i = rows.findIndex(match);
  if (i === -1) return [...rows, update(undefined)];
  const next = rows.slice();
  next[i] = update(rows[i]);
  return next;
}
