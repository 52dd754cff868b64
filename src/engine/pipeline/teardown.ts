import { UserError } from '../errors.js';
import type { DevEngineEmitter, Problem } from '../events.js';

/** One started stage's cleanup: abort its signal, then await its `stop()`. */
export interface Teardown {
  /** Stage name, used in warnings. */
  name: string;
  /** Aborts the AbortSignal the stage was given. */
  abort: () => void;
  stop?: () => Promise<void>;
}

/** Bounds for a teardown: per stage and for the whole list. */
export interface TeardownLimits {
  /** Longest wait for one `stop()`, in milliseconds. */
  perStageMs: number;
  /** Longest wait for all of them together, in milliseconds. */
  totalMs: number;
}

const TIMED_OUT = Symbol('timed-out');

/**
 * Wait for `p` at most `ms`; resolves to TIMED_OUT instead of waiting longer.
 * The timer stays ref'd: a stop() hung on a bare promise holds no handle, and
 * the timeout must still fire rather than let the event loop drain mid-teardown.
 */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when `within` gave up waiting. */
export function timedOut(v: unknown): v is typeof TIMED_OUT {
  return v === TIMED_OUT;
}

/**
 * Tear stages down in the order given (callers pass them reversed). Every
 * stage is aborted and its `stop()` called even after the budget is spent;
 * we just stop waiting. Problems become `engine:warning` events: teardown
 * never throws, because it runs on the way out of an error or a Ctrl-C.
 */
export async function tearDown(items: Teardown[], limits: TeardownLimits, events: DevEngineEmitter): Promise<void> {
  const deadline = Date.now() + limits.totalMs;
  for (const item of items) {
    try {
      item.abort();
    } catch {
      // An abort listener that throws must not stop the rest of the teardown.
    }
    if (!item.stop) continue;
    let pending: Promise<void>;
    try {
      pending = Promise.resolve(item.stop());
    } catch (err) {
      warn(events, item.name, err);
      continue;
    }
    const caught = pending.catch((err: unknown) => warn(events, item.name, err));
    const wait = Math.min(limits.perStageMs, deadline - Date.now());
    if (wait <= 0) continue; // Budget spent: it was started, we just don't wait for it.
    if (timedOut(await within(caught, wait))) {
      events.send('engine:warning', {
        scope: item.name,
        message: `stopping ${item.name} did not finish within ${formatMs(wait)}; moving on`,
      });
    }
  }
}

function warn(events: DevEngineEmitter, scope: string, err: unknown): void {
  events.send('engine:warning', { scope, message: `stopping ${scope} failed: ${oneLine(err)}` });
}

/** The first line of an error's message, for events that must stay one line. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0] ?? (err instanceof Error ? err.name : 'unknown error');
  return lines.length > 1 ? `${first} (+${lines.length - 1} more lines)` : first;
}

/** A stage failure as an `engine:error` payload: one line, plus the hint a UserError carries. */
export function problemOf(scope: string, err: unknown): Problem {
  return { scope, message: oneLine(err), ...(err instanceof UserError && err.hint ? { hint: err.hint } : {}) };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s` : `${ms}ms`;
}
