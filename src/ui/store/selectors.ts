import type { ContainerRef } from '../../engine/events.js';
import type { DeploymentView, EngineView, ImageView, SyncView } from './engine-view.js';
import type { LogQuery } from './log-book.js';
import { type LogFilter, parseFilter } from './log-filter.js';
import type { PaneId, ViewState } from './view-state.js';

/**
 * Pure projections from store state to what each pane needs, so panes stay
 * dumb function components and selection logic is tested without Ink.
 */

/** Why the build pane is red, or undefined when nothing failed. */
export function buildFailure(images: readonly ImageView[], deployments: readonly DeploymentView[]): string | undefined {
  const img = images.find((i) => i.state === 'failed' || i.push?.state === 'failed');
  if (img) {
    if (img.state !== 'failed') return `${img.name} push failed: ${img.push?.error ?? 'unknown error'}`;
    const at = img.step !== undefined && img.total !== undefined ? ` at step ${img.step}/${img.total}` : '';
    return `${img.name} failed${at}: ${img.error ?? 'unknown error'}`;
  }
  const dep = deployments.find((d) => d.state === 'failed');
  return dep ? `deploy ${dep.name} failed: ${dep.error ?? 'unknown error'}` : undefined;
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
    build: engine.images.length + engine.deployments.length,
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

/** The container `e` opens: the selected log source, else the first container that has logged. */
export function terminalTarget(engine: EngineView, view: ViewState): ContainerRef | undefined {
  const selected = engine.sources[view.selected.logs - 1];
  if (selected?.ref) return selected.ref;
  return engine.sources.find((s) => s.ref && s.state !== 'ended')?.ref ?? engine.sources.find((s) => s.ref)?.ref;
}

/** The image `r` rebuilds: the selected build row when the build pane is focused, else all. */
export function rebuildTarget(engine: EngineView, view: ViewState): string | undefined {
  if (view.focus !== 'build') return undefined;
  return engine.images[view.selected.build]?.name;
}

/** The newest problem, for the status line. */
export function latestProblem(engine: EngineView) {
  return engine.problems.at(-1);
}

/** Rows each pane would like, which the layout grants within its bounds. */
export function paneWants(engine: EngineView): Record<PaneId, number> {
  const failed = engine.images.find((i) => i.state === 'failed');
  return {
    build: engine.images.length + engine.deployments.length + Math.min(3, failed?.lastLines.length ?? 0),
    // A failure reason gets lines of its own under the rows.
    ports: engine.forwards.length + (portsFailure(engine) ? 2 : 0),
    sync: engine.syncs.length * 2 + (syncFailure(engine.syncs) ? 2 : 0),
    // The log pane takes whatever is left; this is only its number of sources.
    logs: engine.sources.length,
  };
}
