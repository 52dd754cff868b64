import { useEffect, useState } from 'react';

/**
 * The current time, re-read every `intervalMs` while it is above zero, so a
 * pane can show a clock that counts up (a long build step sends no events).
 */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (intervalMs <= 0) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
