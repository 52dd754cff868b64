import { describe, expect, it } from 'vitest';
import { initialViewState, modeOf, reduceView, type ViewAction, type ViewState } from '../../../src/ui/store/view-state.js';

const ctx = { rows: { build: 3, ports: 1, sync: 0, logs: 2 } };
const apply = (actions: ViewAction[], from: ViewState = initialViewState()) => actions.reduce((v, a) => reduceView(v, a, ctx), from);

describe('reduceView', () => {
  it('cycles focus forwards and backwards and jumps to a pane', () => {
    expect(apply([{ type: 'focus-next' }]).focus).toBe('ports');
    expect(apply([{ type: 'focus-prev' }]).focus).toBe('logs');
    expect(apply([{ type: 'focus-next' }, { type: 'focus-next' }, { type: 'focus-next' }, { type: 'focus-next' }]).focus).toBe('build');
    expect(apply([{ type: 'focus', pane: 'sync' }]).focus).toBe('sync');
  });

  it('clamps the selection to the focused pane rows', () => {
    expect(apply([{ type: 'select', delta: 1 }, { type: 'select', delta: 1 }, { type: 'select', delta: 1 }]).selected.build).toBe(2);
    expect(apply([{ type: 'select', delta: -1 }]).selected.build).toBe(0);
    expect(apply([{ type: 'source', delta: 5 }]).selected.logs).toBe(2);
  });

  it('toggles overlays and goes back with esc', () => {
    const logs = apply([{ type: 'toggle-overlay', overlay: 'logs' }]);
    expect(modeOf(logs)).toBe('logs');
    expect(apply([{ type: 'back' }], logs).overlay).toBe('none');
    expect(apply([{ type: 'toggle-overlay', overlay: 'logs' }], logs).overlay).toBe('none');
    expect(apply([{ type: 'toggle-overlay', overlay: 'help' }], logs).overlay).toBe('help');
  });

  it('edits, applies and cancels the filter', () => {
    const editing = apply([{ type: 'toggle-overlay', overlay: 'logs' }, { type: 'filter-start' }, { type: 'filter-edit', text: 'err' }]);
    expect(modeOf(editing)).toBe('filter');
    const applied = apply([{ type: 'filter-commit' }], editing);
    expect(applied.filter).toMatchObject({ text: 'err', editing: false });
    expect(modeOf(applied)).toBe('logs');
    // esc while editing restores what was there before.
    expect(apply([{ type: 'filter-start' }, { type: 'filter-edit', text: 'other' }, { type: 'back' }], applied).filter.text).toBe('err');
    // esc in the log view first clears the filter, then leaves the view.
    const cleared = apply([{ type: 'back' }], applied);
    expect(cleared.filter.text).toBe('');
    expect(cleared.overlay).toBe('logs');
    expect(apply([{ type: 'back' }], cleared).overlay).toBe('none');
  });

  it('pins and releases the log position', () => {
    const paused = apply([{ type: 'toggle-autoscroll', newest: 42 }]);
    expect(paused).toMatchObject({ autoscroll: false, anchor: 42 });
    expect(apply([{ type: 'toggle-autoscroll', newest: 50 }], paused)).toMatchObject({ autoscroll: true, anchor: null });
    expect(apply([{ type: 'log-anchor', seq: null }], paused).autoscroll).toBe(true);
  });

  it('marks a terminal handoff', () => {
    expect(apply([{ type: 'handoff', active: true }]).handoff).toBe(true);
  });

  it('bounds overlay scrolling', () => {
    expect(apply([{ type: 'overlay-scroll', delta: 50, max: 7 }]).overlayScroll).toBe(7);
    expect(apply([{ type: 'overlay-scroll', delta: -3, max: 7 }]).overlayScroll).toBe(0);
  });
});
