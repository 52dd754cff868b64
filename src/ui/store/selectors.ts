import type { ContainerRef } from '../../engine/events.js';
import type { EngineView, SyncView } from './engine-view.js';
import type { LogQuery } from './log-book.js';
import { type LogFilter, parseFilter } from './log-filter.js';
import type { PaneId, ViewState } from './view-state.js';
import { buildRows, findingFor, isFailing, sourceLabels } from './workloads.js';

/**
 * Pure projections from store state to what each pane needs, so panes stay
 * dumb function components and selection logic is tested without Ink.
 */

/** What turned the build pane red: the reason for its title edge and, when known, what to do about it. */
export interface PaneFailure {
  reason: string;
  /** The analyze finding or the engine's hint, in one line. */
  hint?: string;
}

/** Why the build pane is red (a failed build, push or deploy, or a failing container), or undefined. */
export function buildFailure(engine: EngineView): PaneFailure | undefined {
  const hintFor = (scope: string) => [...engine.problems].reverse().find((p) => p.scope.startsWith(scope) && p.hint)?.hint;
  const img = engine.images.find((i) => i.state === 'failed' || i.push?.state === 'failed');
  if (img) {
    if (img.state !== 'failed') return { reason: `${img.name} push failed: ${img.push?.error ?? 'unknown error'}`, hint: hintFor('push') ?? 'fix the registry access, then press r to rebuild and push' };
    const at = img.step !== undefined && img.total !== undefined ? ` at step ${img.step}/${img.total}` : '';
    return { reason: `${img.name} failed${at}: ${img.error ?? 'unknown error'}`, hint: hintFor('build') ?? 'fix the build, then press r to rebuild' };
  }
  const dep = engine.deployments.find((d) => d.state === 'failed');
  if (dep) return { reason: `deploy ${dep.name} failed: ${dep.error ?? 'unknown error'}`, hint: dep.hint ?? 'press a for the analysis, d to redeploy' };
  const labels = sourceLabels(engine.sources);
  const failing = engine.sources.find(isFailing);
  if (failing?.ref) {
    const finding = findingFor(engine.findings, failing.ref);
    const hint = finding ? `${finding.message}${finding.hint ? ` → ${finding.hint}` : ''}` : 'analyzing… (a: full analysis)';
    return { reason: `${labels.get(failing.key) ?? failing.label} ${failing.reason}`, hint };
  }
  return undefined;
}

/** Why the ports pane is red. */
export function portsFailure(engine: EngineView): string | undefined {
  const f = engine.forwards.find((r) => r.state === 'failed');
  return f ? `${f.localPort} failed: ${f.error ?? 'unknown error'}` : undefined;
}

/** Why the sync pane is red. */
export function syncFailure(syncs: readonly SyncView[]): string | undefined {
  const s = syncs.find((r) => r.state === 'error');
  return s ? `${s.localPath || s.id}: ${s.error ?? 'sync error'}` : undefined;
}

/** Selectable rows per pane, which the view reducer clamps selections to. */
export function rowCounts(engine: EngineView): Record<PaneId, number> {
  return {
    build: buildRows(engine).length,
    ports: engine.forwards.length,
    sync: engine.syncs.length,
    logs: engine.sources.length,
  };
}

/** The log source key behind the selected tab, or null for "all". */
export function selectedSourceKey(engine: EngineView, view: ViewState): string | null {
  const i = view.selected.logs;
  return i === 0 ? null : (engine.sources[i - 1]?.key ?? null);
}

const filterCache = new Map<string, LogFilter | undefined>();

/** Compile the filter text once per distinct string; renders ask for it every frame. */
export function compiledFilter(text: string): LogFilter | undefined {
  if (!filterCache.has(text)) {
    if (filterCache.size > 32) filterCache.clear();
    filterCache.set(text, parseFilter(text));
  }
  return filterCache.get(text);
}

/** The log query the current view implies, for `height` visible rows. */
export function logQuery(engine: EngineView, view: ViewState, height: number): LogQuery {
  return {
    source: selectedSourceKey(engine, view),
    match: compiledFilter(view.filter.text)?.test,
    anchor: view.autoscroll ? null : view.anchor,
    height: Math.max(1, height),
  };
}

/**
 * The container `e` opens: the container row selected in the Build pane (or
 * the first of a selected deployment), the selected log source, else the
 * first container still running.
 */
export function terminalTarget(engine: EngineView, view: ViewState): ContainerRef | undefined {
  if (view.focus === 'build') {
    const row = buildRows(engine)[view.selected.build];
    if (row?.kind === 'container') return row.source.ref;
    if (row?.kind === 'deployment') {
      const first = buildRows(engine).find((r) => r.kind === 'container' && r.deployment === row.deployment.name);
      if (first?.kind === 'container') return first.source.ref;
    }
  }
  const selected = engine.sources[view.selected.logs - 1];
  if (selected?.ref) return selected.ref;
  const live = engine.sources.filter((s) => s.ref && s.state !== 'ended');
  return (live.find((s) => s.state === 'streaming') ?? live[0] ?? engine.sources.find((s) => s.ref))?.ref;
}

/** The newest problem, for the status line. */
export function latestProblem(engine: EngineView) {
  return engine.problems.at(-1);
}

/** Rows each pane would like, which the layout grants within its bounds. */
export function paneWants(engine: EngineView): Record<PaneId, number> {
  const failed = engine.images.find((i) => i.state === 'failed');
  return {
    // A failure gets its hint (or a failed build its last output lines) under the rows.
    build: buildRows(engine).length + (failed ? Math.min(3, failed.lastLines.length) + 1 : buildFailure(engine) ? 2 : 0),
    // A failure reason gets lines of its own under the rows.
    ports: engine.forwards.length + (portsFailure(engine) ? 2 : 0),
    sync: engine.syncs.length * 2 + (syncFailure(engine.syncs) ? 2 : 0),
    // The log pane takes whatever is left; this is only its number of sources.
    logs: engine.sources.length,
  };
}
