import { useEffect, useRef } from 'react';

/** Shortest gap between two automatic analyze passes. */
export const AUTO_ANALYZE_GAP_MS = 5000;

/**
 * Run `analyze` by itself whenever `signature` (what is failing, and why)
 * changes to something non-empty, at most once per gap, so a crash-looping
 * container shows its explanation and hint without anyone asking.
 */
export function useAutoAnalyze(signature: string, analyze: (() => void) | undefined, gapMs = AUTO_ANALYZE_GAP_MS): void {
  const last = useRef(0);
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  useEffect(() => {
    if (!signature || !analyze) return;
    const wait = last.current + gapMs - Date.now();
    const run = () => {
      timer.current = undefined;
      last.current = Date.now();
      analyze();
    };
    clearTimeout(timer.current);
    if (wait <= 0) run();
    else timer.current = setTimeout(run, wait);
  }, [signature, analyze, gapMs]);
  useEffect(() => () => clearTimeout(timer.current), []);
}
