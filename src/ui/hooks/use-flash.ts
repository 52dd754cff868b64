import { useEffect } from 'react';
import type { DashboardStore } from '../store/dashboard-store.js';

/** How long a flash message stays in the status line; errors get longer to be read. */
export const FLASH_MS = { info: 4000, error: 8000 } as const;

/**
 * Keep the status line current: a flash ("rebuilding…") fades after a few
 * seconds, and gives way at once when a new failure needs saying.
 */
export function useFlash(store: DashboardStore, flash: { tone: 'info' | 'error' } | undefined, failureReason: string | undefined): void {
  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => store.dispatch({ type: 'clear-flash' }), FLASH_MS[flash.tone]);
    return () => clearTimeout(timer);
  }, [flash, store]);
  useEffect(() => {
    if (failureReason && store.getSnapshot().view.flash?.tone === 'info') store.dispatch({ type: 'clear-flash' });
  }, [failureReason, store]);
}
