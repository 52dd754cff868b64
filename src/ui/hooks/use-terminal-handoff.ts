import { useCallback } from 'react';
import type { DashboardStore } from '../store/dashboard-store.js';
import type { TerminalHost } from '../terminal-host.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lend the TTY to `run` (a container shell) and take it back. The dashboard
 * first renders an empty frame with input off (Ink then leaves raw mode), we
 * wait for that frame, mute Ink and leave the alternate screen, printing
 * `note` there. Afterwards we re-enter it; switching `handoff` off
 * re-enables input (raw mode) and repaints every row.
 */
export async function handOffTerminal(host: TerminalHost | undefined, store: DashboardStore, run: () => Promise<void>, note?: string): Promise<void> {
  if (store.getSnapshot().view.handoff) return;
  store.dispatch({ type: 'handoff', active: true });
  try {
    if (host) {
      await delay(host.frameMs * 2);
      host.suspend(note);
    }
    await run();
  } catch (err) {
    store.dispatch({ type: 'flash', text: `terminal failed: ${err instanceof Error ? err.message : String(err)}`, tone: 'error' });
  } finally {
    // The shell paused stdin on its way out, and Node stops reading a paused TTY
    // one tick later. Were Ink to re-attach its 'readable' listener before that
    // tick, stdin would never be read again (every key dead); after it, the
    // listener restarts reading. So take the TTY back on the next macrotask.
    await nextMacrotask();
    host?.resume();
    store.dispatch({ type: 'handoff', active: false });
  }
}

/** `handOffTerminal` bound to the dashboard's host and store. */
export function useTerminalHandoff(host: TerminalHost | undefined, store: DashboardStore): (run: () => Promise<void>, note?: string) => Promise<void> {
  return useCallback((run: () => Promise<void>, note?: string) => handOffTerminal(host, store, run, note), [host, store]);
}
