/**
 * UI-only state: what the person is looking at, never what the engine is
 * doing. Kept apart from the engine projection (Tilt's View vs ViewState).
 */

/** The four dashboard panes, in focus order. */
export const PANES = ['build', 'ports', 'sync', 'logs'] as const;
export type PaneId = (typeof PANES)[number];

export type Overlay = 'none' | 'logs' | 'help' | 'analyze';

export interface ViewState {
  focus: PaneId;
  overlay: Overlay;
  filter: {
    /** What is applied (live while editing). */
    text: string;
    editing: boolean;
    /** The filter before editing began, restored by esc. */
    before: string;
  };
  /** Follow the newest log line; when off, `anchor` pins the last visible line. */
  autoscroll: boolean;
  anchor: number | null;
  /** Selected row per pane; for logs it is the source tab (0 = all sources). */
  selected: Record<PaneId, number>;
  /** Scroll offset of the help and analyze overlays. */
  overlayScroll: number;
  /** A terminal session owns the TTY; the dashboard must not read keys or draw. */
  handoff: boolean;
  flash?: { text: string; tone: 'info' | 'error' };
}

export type ViewAction =
  | { type: 'focus-next' }
  | { type: 'focus-prev' }
  | { type: 'focus'; pane: PaneId }
  | { type: 'toggle-overlay'; overlay: Exclude<Overlay, 'none'> }
  | { type: 'back' }
  | { type: 'select'; delta: number }
  | { type: 'overlay-scroll'; delta: number; max: number }
  | { type: 'source'; delta: number }
  | { type: 'toggle-autoscroll'; newest: number | null }
  | { type: 'log-anchor'; seq: number | null }
  | { type: 'filter-start' }
  | { type: 'filter-edit'; text: string }
  | { type: 'filter-commit' }
  | { type: 'filter-cancel' }
  | { type: 'handoff'; active: boolean }
  | { type: 'flash'; text: string; tone: 'info' | 'error' }
  | { type: 'clear-flash' };

/** Row counts the reducer clamps selections against. */
export interface ViewContext {
  rows: Record<PaneId, number>;
}

/** The view when the dashboard opens: build pane focused, logs following. */
export function initialViewState(): ViewState {
  return {
    focus: 'build',
    overlay: 'none',
    filter: { text: '', editing: false, before: '' },
    autoscroll: true,
    anchor: null,
    selected: { build: 0, ports: 0, sync: 0, logs: 0 },
    overlayScroll: 0,
    handoff: false,
  };
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, Math.max(0, max - 1)));

/** Apply one UI action; pure, so every key's effect is testable without Ink. */
export function reduceView(view: ViewState, action: ViewAction, ctx: ViewContext): ViewState {
  switch (action.type) {
    case 'focus-next':
    case 'focus-prev': {
      const step = action.type === 'focus-next' ? 1 : PANES.length - 1;
      return { ...view, focus: PANES[(PANES.indexOf(view.focus) + step) % PANES.length] as PaneId };
    }
    case 'focus':
      return { ...view, focus: action.pane, overlay: 'none' };
    case 'toggle-overlay':
      return { ...view, overlay: view.overlay === action.overlay ? 'none' : action.overlay, overlayScroll: 0 };
    case 'back':
      if (view.filter.editing) return reduceView(view, { type: 'filter-cancel' }, ctx);
      if (view.overlay === 'logs' && view.filter.text !== '') return { ...view, filter: { text: '', editing: false, before: '' } };
      return { ...view, overlay: 'none', flash: undefined };
    case 'select': {
      const pane = view.focus;
      return { ...view, selected: { ...view.selected, [pane]: clamp(view.selected[pane] + action.delta, ctx.rows[pane]) } };
    }
    case 'overlay-scroll':
      return { ...view, overlayScroll: Math.max(0, Math.min(view.overlayScroll + action.delta, action.max)) };
    case 'source':
      // Tab 0 is "all", so there is one more tab than there are sources.
      return { ...view, selected: { ...view.selected, logs: clamp(view.selected.logs + action.delta, ctx.rows.logs + 1) } };
    case 'toggle-autoscroll':
      return view.autoscroll ? { ...view, autoscroll: false, anchor: action.newest } : { ...view, autoscroll: true, anchor: null };
    case 'log-anchor':
      return { ...view, autoscroll: action.seq === null, anchor: action.seq };
    case 'filter-start':
      return { ...view, filter: { text: view.filter.text, editing: true, before: view.filter.text } };
    case 'filter-edit':
      return { ...view, filter: { ...view.filter, text: action.text } };
    case 'filter-commit':
      return { ...view, filter: { ...view.filter, editing: false } };
    case 'filter-cancel':
      return { ...view, filter: { text: view.filter.before, editing: false, before: view.filter.before } };
    case 'handoff':
      return { ...view, handoff: action.active };
    case 'flash':
      return { ...view, flash: { text: action.text, tone: action.tone } };
    case 'clear-flash':
      return view.flash ? { ...view, flash: undefined } : view;
  }
}

/** Which key context is active; the key table's `when` refers to these. */
export function modeOf(view: ViewState): 'dashboard' | 'logs' | 'help' | 'analyze' | 'filter' {
  if (view.filter.editing) return 'filter';
  return view.overlay === 'none' ? 'dashboard' : view.overlay;
}
