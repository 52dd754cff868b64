import { useCallback } from 'react';
import type { DashboardStore } from '../store/dashboard-store.js';
import type { TerminalHost } from '../terminal-host.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Lend the TTY to `run` (a container shell) and take it back. The dashboard
 * first renders an empty frame with input off (Ink then leaves raw mode), we
 * wait for that frame, mute Ink and leave the alternate screen. Afterwards we
 * re-enter it; switching `handoff` off re-enables input (raw mode) and, since
 * Ink's last frame was empty, makes the next frame a full repaint.
 */
export async function handOffTerminal(host: TerminalHost | undefined, store: DashboardStore, run: () => Promise<void>): Promise<void> {
  if (store.getSnapshot().view.handoff) return;
  store.dispatch({ type: 'handoff', active: true });
  try {
    if (host) {
      await delay(host.frameMs * 2);
      host.suspend();
    }
    await run();
  } catch (err) {
    store.dispatch({ type: 'flash', text: `terminal failed: ${err instanceof Error ? err.message : String(err)}`, tone: 'error' });
  } finally {
    host?.resume();
    store.dispatch({ type: 'handoff', active: false });
  }
}

/** `handOffTerminal` bound to the dashboard's host and store. */
export function useTerminalHandoff(host: TerminalHost | undefined, store: DashboardStore): (run: () => Promise<void>) => Promise<void> {
  return useCallback((run: () => Promise<void>) => handOffTerminal(host, store, run), [host, store]);
}
