import type { DevEngineEmitter } from '../events.js';
import { watchLocal } from '../sync/local-watcher.js';
import { reloadMatcher } from './patterns.js';

/** Where the reload watcher looks and whom it tells. */
export interface ReloadWatchOptions {
  root: string;
  /** Globs relative to `root` (see `reloadPatterns`). */
  patterns: readonly string[];
  events: DevEngineEmitter;
  signal: AbortSignal;
  /** Quiet time after the first change before reloading (v3.5: 2 s), so a burst of saves reloads once. */
  delayMs?: number;
  /** Called once per burst, with the changed paths. */
  onReload(changed: string[]): void;
}

/**
 * Watch the auto-reload patterns until `signal` aborts. The first change
 * of a burst is announced (`engine:info`, scope `reload`) with the delay;
 * when it has passed, `onReload` gets every path that changed meanwhile.
 * Resolves once the watcher is ready; closing is tied to the signal.
 */
export async function watchForReload(opts: ReloadWatchOptions): Promise<void> {
  if (opts.patterns.length === 0 || opts.signal.aborted) return;
  const delayMs = opts.delayMs ?? 2000;
  const matcher = reloadMatcher(opts.patterns);
  let changed: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    timer = undefined;
    const paths = changed;
    changed = [];
    if (!opts.signal.aborted) opts.onReload(paths);
  };
  const onPath = (rel: string): void => {
    if (opts.signal.aborted || !matcher.matches(rel)) return;
    if (!changed.includes(rel)) changed.push(rel);
    if (timer) return;
    opts.events.send('engine:info', { scope: 'reload', message: `${rel} changed; reloading in ${formatDelay(delayMs)}` });
    timer = setTimeout(fire, delayMs);
  };
  const onError = (err: Error): void => {
    opts.events.send('engine:warning', { scope: 'reload', message: `watching for auto reload: ${err.message}` });
  };
  const watcher = await watchLocal(opts.root, (rel, isDir) => (isDir ? matcher.prunes(rel) : !matcher.matches(rel)), onPath, onError);
  const close = (): void => {
    clearTimeout(timer);
    void watcher.close();
  };
  if (opts.signal.aborted) close();
  else opts.signal.addEventListener('abort', close, { once: true });
}

function formatDelay(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
