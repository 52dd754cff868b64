import { Box } from 'ink';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { DashboardActions, DashboardHeader } from './actions.js';
import { Header } from './components/Header.js';
import { paneInnerWidth } from './components/Pane.js';
import { KeyHints } from './components/KeyHints.js';
import { Dashboard, visibleLogRows } from './Dashboard.js';
import { useAutoAnalyze } from './hooks/use-auto-analyze.js';
import { useFlash } from './hooks/use-flash.js';
import { useTerminalHandoff } from './hooks/use-terminal-handoff.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { type Command, COMMANDS, type CommandSpec } from './keys/commands.js';
import { restartNotice } from './keys/keymap.js';
import { runCommand } from './keys/run-command.js';
import { useCommands } from './keys/use-commands.js';
import { computeLayout, PANE_CHROME } from './layout.js';
import { analyzeLines } from './panes/AnalyzePane.js';
import { helpLines } from './panes/HelpOverlay.js';
import type { DashboardState, DashboardStore } from './store/dashboard-store.js';
import { buildFailure, latestProblem, paneWants } from './store/selectors.js';
import { troubleSignature } from './store/workloads.js';
import { modeOf } from './store/view-state.js';
import type { TerminalHost } from './terminal-host.js';
import { createTheme, type Theme, ThemeContext } from './theme.js';

export interface AppProps {
  store: DashboardStore;
  header: DashboardHeader;
  actions: DashboardActions;
  theme?: Theme;
  /** Absent in tests that render without a real terminal; terminal handoff then just awaits the action. */
  host?: TerminalHost;
  /** The key table; tests swap it to prove hints and help come from it. */
  commands?: readonly CommandSpec[];
}

const DEFAULT_THEME = createTheme({ color: true });

/** Lines in the open overlay, to bound its scrolling. */
function overlayLines(state: DashboardState, commands: readonly CommandSpec[], width: number): number {
  if (state.view.overlay === 'help') return helpLines(commands, paneInnerWidth(width)).length;
  if (state.view.overlay === 'analyze') return analyzeLines(state.engine.findings, state.engine.problems, paneInnerWidth(width)).length;
  return 0;
}

/** The whole dashboard: store subscription, layout for the terminal size, keys, header, body and footer. */
export function App({ store, header, actions, theme = DEFAULT_THEME, host, commands = COMMANDS }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { columns, rows } = useTerminalSize();
  const handoff = useTerminalHandoff(host, store);
  const context = modeOf(state.view);
  const wants = useMemo(() => paneWants(state.engine), [state.engine]);
  const layout = useMemo(() => computeLayout(columns, rows, wants), [columns, rows, wants]);
  const trouble = useMemo(() => troubleSignature(state.engine), [state.engine]);
  useAutoAnalyze(trouble, actions.analyze);
  const failure = useMemo(() => buildFailure(state.engine), [state.engine]);
  useFlash(store, state.view.flash, failure?.reason);
  // Nothing runs and something failed: the start did, and the session waits for a fix and a key.
  const waiting = state.engine.phase === 'stopped' && (!!failure || state.engine.problems.some((p) => p.level === 'error'));
  const notice = useMemo(() => (waiting ? restartNotice(commands) : undefined), [waiting, commands]);

  const onCommand = useCallback(
    (id: Command) => {
      runCommand(id, {
        store,
        actions,
        logRows: visibleLogRows(store.getSnapshot(), layout),
        overlayMax: overlayLines(store.getSnapshot(), commands, layout.columns) - (layout.bodyHeight - PANE_CHROME),
        openTerminal: (target) => {
          const open = actions.openTerminal;
          const note = `devspace: shell in ${target.pod}/${target.container} (namespace ${target.namespace}); exit it to return to the dashboard`;
          if (open) void handoff(() => open(target), note);
        },
      });
    },
    [store, actions, layout, handoff, commands],
  );
  const onEdit = useCallback(
    (edit: (text: string) => string) => store.dispatch({ type: 'filter-edit', text: edit(store.getSnapshot().view.filter.text) }),
    [store],
  );
  useCommands({ commands, context, isActive: !state.view.handoff, onCommand, onEdit });

  // While a terminal session has the TTY we draw nothing; see use-terminal-handoff.ts for why empty.
  if (state.view.handoff) return null;
  const { engine, view } = state;
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.columns} height={layout.height}>
        <Header
          width={layout.columns}
          {...header}
          phase={engine.phase}
          problem={latestProblem(engine)}
          failure={failure}
          problemCount={engine.problems.length}
          flash={view.flash}
          info={engine.lastInfo}
        />
        <Dashboard state={state} layout={layout} commands={commands} />
        <KeyHints commands={commands} context={context} width={layout.columns} notice={notice} />
      </Box>
    </ThemeContext.Provider>
  );
}
