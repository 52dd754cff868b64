/**
 * The one key table. The footer hints, the help overlay and the input
 * dispatcher are all generated from it, so a key is changed in one place.
 */

/** Key contexts a command can be active in (see `modeOf` in view-state.ts). */
export type KeyContext = 'dashboard' | 'logs' | 'help' | 'analyze' | 'filter';

/** One key chord. `key` is a printable character or a named key (tab, escape, return, up, down, left, right, home, end, pageup, pagedown). */
export interface KeyBinding {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
}

/** Stable command ids; components and tests talk in these, never in raw keys. */
export const Command = {
  Quit: 'app.quit',
  Interrupt: 'app.interrupt',
  Help: 'app.help',
  Back: 'app.back',
  FocusNext: 'focus.next',
  FocusPrev: 'focus.prev',
  PaneBuild: 'pane.build',
  PanePorts: 'pane.ports',
  PaneSync: 'pane.sync',
  PaneLogs: 'pane.logs',
  SelectDown: 'select.down',
  SelectUp: 'select.up',
  LogView: 'logs.view',
  Terminal: 'container.terminal',
  Rebuild: 'build.rebuild',
  Redeploy: 'deploy.redeploy',
  Analyze: 'analyze.view',
  Autoscroll: 'logs.autoscroll',
  Filter: 'logs.filter',
  FilterApply: 'logs.filterApply',
  LogEnd: 'logs.end',
  SourcePrev: 'logs.sourcePrev',
  SourceNext: 'logs.sourceNext',
  PageUp: 'scroll.pageUp',
  PageDown: 'scroll.pageDown',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

export interface CommandSpec {
  id: Command;
  /** Full sentence for the help overlay. */
  description: string;
  /** One or two words for the footer. */
  hint: string;
  bindings: readonly KeyBinding[];
  /** Listed in the footer when its context is active. */
  footer: boolean;
  when: readonly KeyContext[];
  /** Consecutive footer commands with the same group share one hint, e.g. `1-4 pane`. */
  group?: string;
}

const ALL: readonly KeyContext[] = ['dashboard', 'logs', 'help', 'analyze', 'filter'];
const VIEWS: readonly KeyContext[] = ['dashboard', 'logs', 'help', 'analyze'];
const MAIN: readonly KeyContext[] = ['dashboard', 'logs'];
const DASH: readonly KeyContext[] = ['dashboard'];

/** The default key table, in footer priority order (the footer drops hints from the end when narrow). */
export const COMMANDS: readonly CommandSpec[] = [
  { id: Command.Quit, description: 'Quit: stop the dev session and restore the terminal', hint: 'quit', bindings: [{ key: 'q' }], footer: true, when: VIEWS },
  { id: Command.Interrupt, description: 'Interrupt: stop like q but exit with 130, as Ctrl-C does elsewhere; twice exits at once', hint: 'stop', bindings: [{ key: 'c', ctrl: true }], footer: false, when: ALL },
  { id: Command.Help, description: 'Show or hide every key', hint: 'help', bindings: [{ key: '?' }], footer: true, when: VIEWS },
  { id: Command.Back, description: 'Back: close the view, clear or cancel the filter', hint: 'back', bindings: [{ key: 'escape' }], footer: true, when: ['logs', 'help', 'analyze', 'filter'] },
  { id: Command.FilterApply, description: 'Keep the typed filter and leave the filter line', hint: 'apply', bindings: [{ key: 'return' }], footer: true, when: ['filter'] },
  { id: Command.FocusNext, description: 'Focus the next pane', hint: 'focus', bindings: [{ key: 'tab' }], footer: true, when: DASH },
  { id: Command.FocusPrev, description: 'Focus the previous pane', hint: 'focus back', bindings: [{ key: 'tab', shift: true }], footer: false, when: DASH },
  { id: Command.PaneBuild, description: 'Jump to the Build pane', hint: 'pane', bindings: [{ key: '1' }], footer: true, when: DASH, group: 'pane' },
  { id: Command.PanePorts, description: 'Jump to the Ports pane', hint: 'pane', bindings: [{ key: '2' }], footer: true, when: DASH, group: 'pane' },
  { id: Command.PaneSync, description: 'Jump to the Sync pane', hint: 'pane', bindings: [{ key: '3' }], footer: true, when: DASH, group: 'pane' },
  { id: Command.PaneLogs, description: 'Jump to the Logs pane', hint: 'pane', bindings: [{ key: '4' }], footer: true, when: DASH, group: 'pane' },
  { id: Command.LogView, description: 'Toggle the full-screen log view', hint: 'logs', bindings: [{ key: 'l' }], footer: true, when: MAIN },
  { id: Command.Filter, description: 'Filter log lines: plain text, or a regex written /like this/', hint: 'filter', bindings: [{ key: '/' }], footer: true, when: ['logs'] },
  { id: Command.Terminal, description: 'Open a shell in the selected container (a Build row or log source), else the first running one', hint: 'shell', bindings: [{ key: 'e' }], footer: true, when: MAIN },
  { id: Command.Rebuild, description: 'Rebuild every image (cache check skipped), push and redeploy', hint: 'rebuild', bindings: [{ key: 'r' }], footer: true, when: DASH },
  { id: Command.Redeploy, description: 'Deploy again (images are rebuilt only if they changed)', hint: 'redeploy', bindings: [{ key: 'd' }], footer: true, when: DASH },
  { id: Command.Analyze, description: 'Show or hide the full analysis (pod problems, hints, last log lines)', hint: 'analyze', bindings: [{ key: 'a' }], footer: true, when: ['dashboard', 'analyze'] },
  { id: Command.SelectDown, description: 'Move the selection down, or scroll logs towards the newest line', hint: 'move', bindings: [{ key: 'j' }, { key: 'down' }], footer: true, when: VIEWS, group: 'move' },
  { id: Command.SelectUp, description: 'Move the selection up, or scroll logs towards older lines', hint: 'move', bindings: [{ key: 'k' }, { key: 'up' }], footer: true, when: VIEWS, group: 'move' },
  { id: Command.SourcePrev, description: 'Show the previous log source', hint: 'source', bindings: [{ key: '[' }, { key: 'left' }], footer: true, when: MAIN, group: 'source' },
  { id: Command.SourceNext, description: 'Show the next log source', hint: 'source', bindings: [{ key: ']' }, { key: 'right' }], footer: true, when: MAIN, group: 'source' },
  { id: Command.Autoscroll, description: 'Pause or resume following the newest log line', hint: 'pause', bindings: [{ key: 's' }], footer: true, when: MAIN },
  { id: Command.LogEnd, description: 'Jump to the newest log line and follow', hint: 'end', bindings: [{ key: 'G' }, { key: 'end' }], footer: true, when: MAIN },
  { id: Command.PageUp, description: 'Scroll one page up', hint: 'page up', bindings: [{ key: 'pageup' }], footer: false, when: VIEWS },
  { id: Command.PageDown, description: 'Scroll one page down', hint: 'page down', bindings: [{ key: 'pagedown' }], footer: false, when: VIEWS },
];
