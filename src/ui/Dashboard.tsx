import { Box } from 'ink';
import type { CommandSpec } from './keys/commands.js';
import { type DashboardLayout, PANE_CHROME, type PaneBox, paneBoxes, type StackBox } from './layout.js';
import { AnalyzePane } from './panes/AnalyzePane.js';
import { BuildPane } from './panes/BuildPane.js';
import { HelpOverlay } from './panes/HelpOverlay.js';
import { LogsPane, logWindowRows } from './panes/LogsPane.js';
import { PortsPane } from './panes/PortsPane.js';
import { SyncPane } from './panes/SyncPane.js';
import type { DashboardState } from './store/dashboard-store.js';
import { buildFailure, compiledFilter, logQuery, portsFailure, syncFailure } from './store/selectors.js';
import { sourceLabels } from './store/workloads.js';

export interface DashboardProps {
  state: DashboardState;
  layout: DashboardLayout;
  commands: readonly CommandSpec[];
}

/** The body between header and footer: the pane grid, or one full-size overlay. */
export function Dashboard({ state, layout, commands }: DashboardProps) {
  const { view } = state;
  const full = { width: layout.columns, height: layout.bodyHeight };
  if (view.overlay === 'help') return <HelpOverlay {...full} commands={commands} scroll={view.overlayScroll} />;
  if (view.overlay === 'analyze') {
    return <AnalyzePane {...full} findings={state.engine.findings} problems={state.engine.problems} scroll={view.overlayScroll} />;
  }
  if (view.overlay === 'logs') return <Logs state={state} box={{ pane: 'logs', ...full }} focused index={undefined} />;
  return (
    <Box flexDirection="column" width={layout.columns} height={layout.bodyHeight}>
      {layout.rows.map((row, i) => (
        <Box key={i} flexDirection="row" height={row.height}>
          {row.panes.map((cell) => (
            <Cell key={'stack' in cell ? cell.stack.map((b) => b.pane).join('+') : cell.pane} state={state} cell={cell} />
          ))}
        </Box>
      ))}
    </Box>
  );
}

function Cell({ state, cell }: { state: DashboardState; cell: PaneBox | StackBox }) {
  if (!('stack' in cell)) return <PaneFor state={state} box={cell} />;
  return (
    <Box flexDirection="column" width={cell.width} height={cell.height}>
      {cell.stack.map((box) => (
        <PaneFor key={box.pane} state={state} box={box} />
      ))}
    </Box>
  );
}

function PaneFor({ state, box }: { state: DashboardState; box: PaneBox }) {
  const { engine, view } = state;
  const focused = view.focus === box.pane;
  const common = { width: box.width, height: box.height, focused, selected: view.selected[box.pane] };
  switch (box.pane) {
    case 'build':
      return <BuildPane {...common} engine={engine} failure={buildFailure(engine)} />;
    case 'ports':
      return <PortsPane {...common} forwards={engine.forwards} failure={portsFailure(engine)} />;
    case 'sync':
      return <SyncPane {...common} syncs={engine.syncs} failure={syncFailure(engine.syncs)} />;
    case 'logs':
      return <Logs state={state} box={box} focused={focused} index={4} />;
  }
}

function Logs({ state, box, focused, index }: { state: DashboardState; box: PaneBox; focused: boolean; index: number | undefined }) {
  const { engine, view, logs } = state;
  const rows = logWindowRows(box.height, view.filter);
  const win = logs.window(logQuery(engine, view, rows));
  const labels = sourceLabels(engine.sources);
  const selected = view.selected.logs === 0 ? undefined : engine.sources[view.selected.logs - 1];
  // The one-source view names the container in full; the combined one uses short labels per line.
  const source = selected ? (selected.ref ? `${selected.ref.pod}/${selected.ref.container}` : selected.label) : null;
  return (
    <LogsPane
      width={box.width}
      height={box.height}
      focused={focused}
      lines={win.lines}
      newer={win.newer}
      labels={labels}
      source={source}
      sourceCount={engine.sources.length}
      autoscroll={view.autoscroll}
      filter={{ ...view.filter, compiled: compiledFilter(view.filter.text) }}
      index={index}
    />
  );
}

/** Visible log rows for the current view, so page keys scroll one page. */
export function visibleLogRows(state: DashboardState, layout: DashboardLayout): number {
  const height = state.view.overlay === 'logs' ? layout.bodyHeight : (paneBoxes(layout).find((p) => p.pane === 'logs')?.height ?? PANE_CHROME + 1);
  return logWindowRows(height, state.view.filter);
}
