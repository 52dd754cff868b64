import { describe, expect, it, vi } from 'vitest';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { type Clock, createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { API_REF, SESSION } from './helpers.js';

/** A clock whose timers run only when the test says so. */
function manualClock() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const clock: Clock = {
    setTimeout: (fn, ms) => {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (h) => timers.delete(h as number),
    now: () => 1000,
  };
  return {
    clock,
    pending: () => [...timers.values()],
    fire() {
      const all = [...timers.values()];
      timers.clear();
      for (const t of all) t.fn();
    },
  };
}

const logLines = (n: number) => ({ source: API_REF, lines: Array.from({ length: n }, (_, i) => ({ ts: i, text: `l${i}`, stream: 'stdout' as const })) });

describe('createDashboardStore', () => {
  it('batches engine events into one change per timer tick', () => {
    const events = new DevEngineEmitter();
    const t = manualClock();
    const store = createDashboardStore({ events, clock: t.clock });
    const listener = vi.fn();
    store.subscribe(listener);
    for (const e of SESSION) events.send(e.type, e.payload as never);
    expect(store.getSnapshot().engine.phase).toBe('config');
    expect(listener).not.toHaveBeenCalled();
    expect(t.pending()).toHaveLength(1);
    expect(t.pending()[0]?.ms).toBe(50);
    t.fire();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().engine.phase).toBe('dev');
    expect(store.getSnapshot().logs.buffer(null).size).toBe(2);
  });

  it('flushes on demand and returns the same snapshot when nothing changed', () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events, clock: manualClock().clock });
    const first = store.getSnapshot();
    store.flush();
    expect(store.getSnapshot()).toBe(first);
    events.send('engine:phase', { phase: 'build', at: 0 });
    store.flush();
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot().engine.phase).toBe('build');
  });

  it('replays events sent before it subscribed (the emitter backlog)', () => {
    const events = new DevEngineEmitter();
    events.send('engine:phase', { phase: 'deploy', at: 0 });
    const store = createDashboardStore({ events, clock: manualClock().clock });
    store.flush();
    expect(store.getSnapshot().engine.phase).toBe('deploy');
  });

  it('applies at once when a burst exceeds the pending cap', () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events, clock: manualClock().clock, maxPending: 10 });
    for (let i = 0; i < 10; i++) events.send('logs:lines', logLines(1));
    expect(store.getSnapshot().logs.buffer(null).size).toBe(10);
  });

  it('keeps per-source logs capped', () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events, clock: manualClock().clock, logs: { perSource: 100, combined: 150 } });
    events.send('logs:lines', logLines(1000));
    store.flush();
    const { logs } = store.getSnapshot();
    expect(logs.buffer('dev/api-7f9c-xk2/app').size).toBe(100);
    expect(logs.buffer(null).size).toBe(150);
    expect(logs.buffer(null).last()?.text).toBe('l999');
  });

  it('resolves log scrolling against the log book', () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events, clock: manualClock().clock });
    events.send('logs:lines', logLines(100));
    store.flush();
    store.dispatch({ type: 'scroll-logs', delta: -10, height: 5 });
    const { view, logs } = store.getSnapshot();
    expect(view.autoscroll).toBe(false);
    expect(logs.window({ source: null, anchor: view.anchor, height: 5 }).lines.at(-1)?.text).toBe('l89');
    store.dispatch({ type: 'autoscroll', height: 5 });
    expect(store.getSnapshot().view.autoscroll).toBe(true);
  });

  it('stops listening after dispose', () => {
    const events = new DevEngineEmitter();
    const t = manualClock();
    const store = createDashboardStore({ events, clock: t.clock });
    store.dispose();
    events.send('engine:phase', { phase: 'build', at: 0 });
    store.flush();
    expect(store.getSnapshot().engine.phase).toBe('config');
  });
});
