import type { ContainerRef } from '../../engine/events.js';
import type { DashboardActions } from '../actions.js';
import type { DashboardStore } from '../store/dashboard-store.js';
import { terminalTarget } from '../store/selectors.js';
import { Command } from './commands.js';

/** What running a command needs besides the command itself. */
export interface CommandContext {
  store: DashboardStore;
  actions: DashboardActions;
  /** Visible log rows, so page keys move one page. */
  logRows: number;
  /** How far the open help or analyze overlay can scroll. */
  overlayMax: number;
  /** Hands the TTY to a terminal session (see use-terminal-handoff.ts). */
  openTerminal(target: ContainerRef): void;
}

const PANE_OF = {
  [Command.PaneBuild]: 'build',
  [Command.PanePorts]: 'ports',
  [Command.PaneSync]: 'sync',
  [Command.PaneLogs]: 'logs',
} as const;

/** Turn a command into store actions or engine actions; the one place keys get their meaning. */
export function runCommand(id: Command, ctx: CommandContext): void {
  const { store, actions } = ctx;
  const { engine, view } = store.getSnapshot();
  const dispatch = store.dispatch;
  const unavailable = (what: string) => dispatch({ type: 'flash', text: `${what} is not available in this session`, tone: 'error' });
  dispatch({ type: 'clear-flash' });
  const scroll = (delta: number) => {
    if (view.overlay === 'help' || view.overlay === 'analyze') dispatch({ type: 'overlay-scroll', delta, max: ctx.overlayMax });
    else if (view.overlay === 'logs' || view.focus === 'logs') dispatch({ type: 'scroll-logs', delta, height: ctx.logRows });
    else dispatch({ type: 'select', delta: Math.sign(delta) });
  };
  switch (id) {
    case Command.Quit:
      return actions.quit();
    case Command.Interrupt:
      return actions.interrupt ? actions.interrupt() : actions.quit();
    case Command.Help:
      return dispatch({ type: 'toggle-overlay', overlay: 'help' });
    case Command.Back:
      return dispatch({ type: 'back' });
    case Command.FilterApply:
      return dispatch({ type: 'filter-commit' });
    case Command.FocusNext:
      return dispatch({ type: 'focus-next' });
    case Command.FocusPrev:
      return dispatch({ type: 'focus-prev' });
    case Command.PaneBuild:
    case Command.PanePorts:
    case Command.PaneSync:
    case Command.PaneLogs:
      return dispatch({ type: 'focus', pane: PANE_OF[id] });
    case Command.LogView:
      return dispatch({ type: 'toggle-overlay', overlay: 'logs' });
    case Command.Filter:
      return dispatch({ type: 'filter-start' });
    case Command.Terminal: {
      if (!actions.openTerminal) return unavailable('a terminal');
      const target = terminalTarget(engine, view);
      if (!target) return dispatch({ type: 'flash', text: 'no container has started yet', tone: 'error' });
      return ctx.openTerminal(target);
    }
    case Command.Rebuild: {
      if (!actions.rebuild) return unavailable('rebuild');
      actions.rebuild();
      return dispatch({ type: 'flash', text: 'rebuilding and redeploying…', tone: 'info' });
    }
    case Command.Redeploy:
      if (!actions.redeploy) return unavailable('redeploy');
      actions.redeploy();
      return dispatch({ type: 'flash', text: 'redeploying…', tone: 'info' });
    case Command.Analyze:
      if (view.overlay !== 'analyze') actions.analyze?.();
      return dispatch({ type: 'toggle-overlay', overlay: 'analyze' });
    case Command.SelectDown:
      return scroll(1);
    case Command.SelectUp:
      return scroll(-1);
    case Command.PageDown:
      return scroll(Math.max(1, ctx.logRows - 1));
    case Command.PageUp:
      return scroll(-Math.max(1, ctx.logRows - 1));
    case Command.SourcePrev:
      return dispatch({ type: 'source', delta: -1 });
    case Command.SourceNext:
      return dispatch({ type: 'source', delta: 1 });
    case Command.Autoscroll:
      return dispatch({ type: 'autoscroll', height: ctx.logRows });
    case Command.LogEnd:
      return dispatch({ type: 'log-anchor', seq: null });
  }
}
