import path from 'node:path';
import type { LoadedConfig } from '../../engine/config/index.js';
import { isAbortError, UserError } from '../../engine/errors.js';
import type { ResolvedDependency } from '../../engine/dependencies/index.js';
import type { DevEngineEmitter } from '../../engine/events.js';
import type { KubeTarget } from '../../engine/kube/context.js';
import type { Engine } from '../../engine/pipeline/engine.js';
import { waitForAbort } from '../../engine/pipeline/pipeline.js';
import type { DevSession } from './dev-actions.js';

/** A config read again, with what follows from it. */
export interface ReloadedRun {
  loaded: LoadedConfig;
  kube: KubeTarget;
  dependencies: readonly ResolvedDependency[];
}

/** What the reload loop needs from `devspace dev`. */
export interface ReloadLoopOptions {
  root: string;
  /** The config file of the current run (absolute). */
  configFile: string;
  session: DevSession;
  events: DevEngineEmitter;
  /** Ends the loop (quit, Ctrl-C, the dev terminal's exit). */
  signal: AbortSignal;
  /** Read devspace.yaml, pick the cluster and resolve the dependencies again. */
  load(): Promise<ReloadedRun>;
  /** A fresh engine for a new config. */
  makeEngine(next: ReloadedRun): Engine;
  /** Set while the old engine stops, so its dev terminal closing is not taken for the user leaving. */
  setReloading(on: boolean): void;
  /** Quiet time after a change (default 2 s). */
  delayMs?: number;
}

/** The reload watch of one `devspace dev`: started before the first run, served after it. */
export interface ReloadLoop {
  /** Run until `signal` aborts, reloading on each change (at once for one seen during the first start). */
  serve(): Promise<void>;
  /** Stop watching (the first start failed and dev ends). */
  close(): void;
}

/**
 * Start watching what `dev.autoReload` names, before the first start, so a
 * file saved while it still builds or deploys is not lost: it reloads as
 * soon as that start is up. `serve` then reloads on each change: it reads
 * the config again, tears the running engine down (build to logs) and
 * starts a new one, in the same dashboard and under the same lock. A config
 * that no longer loads is shown as an error and the running app is kept
 * until the next change; a new run that fails to start waits for the next
 * change (or r/d) too.
 */
export async function startReloadWatch(opts: ReloadLoopOptions): Promise<ReloadLoop> {
  const { session, events, signal } = opts;
  const { reloadPatterns, watchForReload } = await import('../../engine/reload/index.js');
  const first = reloadPatterns(session.config, path.relative(opts.root, opts.configFile));
  if (first.length === 0) return { serve: () => waitForAbort(signal), close: () => undefined };

  let watch = new AbortController();
  let pending: string[] | undefined;
  let wake: (() => void) | undefined;
  const watchFor = (patterns: readonly string[]): Promise<void> => {
    watch.abort();
    watch = new AbortController();
    const onReload = (changed: string[]): void => {
      pending = [...(pending ?? []), ...changed];
      wake?.();
    };
    return watchForReload({ root: opts.root, patterns, events, signal: watch.signal, onReload, ...(opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {}) });
  };
  const close = (): void => {
    signal.removeEventListener('abort', onAbort);
    watch.abort();
  };
  const onAbort = (): void => {
    watch.abort();
    wake?.();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  await watchFor(first);
  events.send('engine:info', { scope: 'reload', message: `watching ${first.length} path pattern${first.length === 1 ? '' : 's'} for auto reload` });

  const serve = async (): Promise<void> => {
    try {
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending || signal.aborted) resolve();
        });
        wake = undefined;
        if (signal.aborted) break;
        const changed = pending ?? [];
        pending = undefined;
        // The config is read before anything stops: a broken edit leaves the running app alone.
        let next: ReloadedRun;
        try {
          next = await opts.load();
        } catch (err) {
          if (signal.aborted || isAbortError(err) || !(err instanceof UserError)) throw err;
          events.send('engine:error', { scope: 'reload', message: err.message, hint: 'the running app was kept; fix it and save to reload' });
          continue;
        }
        opts.setReloading(true);
        await session.engine.stop().finally(() => opts.setReloading(false));
        if (signal.aborted) break;
        // After the teardown, so what the old run said while stopping does not outlive the reset.
        events.send('engine:reload', { changed });
        Object.assign(session, { config: next.loaded.config, kube: next.kube, engine: opts.makeEngine(next) });
        const patterns = reloadPatterns(next.loaded.config, path.relative(opts.root, next.loaded.file));
        // Without autoReload in the new config, devspace.yaml is still watched: the change that removed it may be undone.
        await watchFor(patterns.length ? patterns : [path.relative(opts.root, next.loaded.file)]);
        // A failed start was reported as `engine:error` by the pipeline; the next change (or r/d) tries again.
        await session.engine.start(signal).catch((err: unknown) => {
          if (!signal.aborted && !isAbortError(err)) return;
          throw err;
        });
      }
    } finally {
      close();
    }
  };
  return { serve, close };
}
