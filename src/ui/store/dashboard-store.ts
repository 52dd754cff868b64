import type { DevEngineEmitter, EngineEvent } from '../../engine/events.js';
import { type EngineView, initialEngineView, sourceKey } from './engine-view.js';
import { LogBook, type LogBookOptions } from './log-book.js';
import { reduce } from './reduce.js';
import { logQuery, rowCounts } from './selectors.js';
import { initialViewState, reduceView, type ViewAction, type ViewState } from './view-state.js';

/** Everything the dashboard draws from; a new object after every change, as `useSyncExternalStore` needs. */
export interface DashboardState {
  engine: EngineView;
  view: ViewState;
  /** Mutable, capped log storage; `revision` tells when it changed. */
  logs: LogBook;
  revision: number;
}

/** Store-level actions: view actions, plus log scrolling which needs the log book to resolve. */
export type StoreAction = ViewAction | { type: 'scroll-logs'; delta: number; height: number } | { type: 'autoscroll'; height: number };

/** Timers behind the batching, injectable so tests control time. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface DashboardStoreOptions {
  events: Pick<DevEngineEmitter, 'subscribe'>;
  /** How long engine events are gathered before one state change; default 50 ms. */
  batchMs?: number;
  /** Apply at once when this many events are pending, so a burst cannot grow memory; default 2000. */
  maxPending?: number;
  clock?: Clock;
  logs?: LogBookOptions;
}

/** An external store for `useSyncExternalStore`, fed by the engine's event bus. */
export interface DashboardStore {
  getSnapshot(): DashboardState;
  subscribe(listener: () => void): () => void;
  dispatch(action: StoreAction): void;
  /** Apply pending engine events now instead of waiting for the batch timer. */
  flush(): void;
  /** Stop listening to the engine and cancel the timer. */
  dispose(): void;
}

const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Create the dashboard store. Engine events are batched (50 ms by default),
 * so a log burst costs one render, not one per event; view actions apply at once.
 */
export function createDashboardStore(opts: DashboardStoreOptions): DashboardStore {
  const clock = opts.clock ?? realClock;
  const batchMs = opts.batchMs ?? 50;
  const maxPending = opts.maxPending ?? 2000;
  const listeners = new Set<() => void>();
  let state: DashboardState = { engine: initialEngineView(), view: initialViewState(), logs: new LogBook(opts.logs), revision: 0 };
  let pending: EngineEvent[] = [];
  let timer: unknown;

  const notify = () => {
    for (const l of listeners) l();
  };

  const flush = () => {
    if (timer !== undefined) {
      clock.clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    let engine = state.engine;
    const now = clock.now();
    for (const event of batch) {
      engine = reduce(engine, event, now);
      if (event.type === 'logs:lines') {
        const { source, lines } = event.payload;
        state.logs.append(sourceKey(source), lines);
      } else if (event.type === 'build:log') {
        state.logs.append(`build:${event.payload.image}`, event.payload.lines.map((text) => ({ ts: now, text, stream: 'stdout' as const })));
      }
    }
    state = { ...state, engine, revision: state.revision + 1 };
    notify();
  };

  const unsubscribe = opts.events.subscribe((event) => {
    pending.push(event);
    if (pending.length >= maxPending) flush();
    else if (timer === undefined) timer = clock.setTimeout(flush, batchMs);
  });

  const dispatch = (action: StoreAction) => {
    const { engine, logs } = state;
    let resolved: ViewAction;
    if (action.type === 'scroll-logs') {
      resolved = { type: 'log-anchor', seq: logs.moveAnchor(logQuery(engine, state.view, action.height), action.delta) };
    } else if (action.type === 'autoscroll') {
      const q = logQuery(engine, state.view, action.height);
      resolved = { type: 'toggle-autoscroll', newest: logs.newest(q) };
    } else {
      resolved = action;
    }
    const view = reduceView(state.view, resolved, { rows: rowCounts(engine) });
    if (view === state.view) return;
    state = { ...state, view };
    notify();
  };

  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch,
    flush,
    dispose() {
      unsubscribe();
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
