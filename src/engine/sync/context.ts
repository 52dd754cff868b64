import type { DevEngineEmitter } from '../events.js';
import { anyOf, compileExcludes, findPruneArgs, type PathMatcher } from './excludes.js';
import type { RemoteTarget, UpstreamServer } from './remote.js';
import type { SyncedState } from './state.js';
import type { SyncSpec } from './types.js';

/** Paths never synced whatever the config says: devspace's own state folder. */
export const ALWAYS_EXCLUDED = ['.devspace/'];

/** The three exclude views one sync entry needs. */
export interface Matchers {
  /** `excludePaths`: neither direction. */
  all: PathMatcher;
  /** Not uploaded: `excludePaths` or `uploadExcludePaths`. */
  up: PathMatcher;
  /** Not downloaded: `excludePaths` or `downloadExcludePaths`. */
  down: PathMatcher;
  /** find tokens that prune what is never downloaded, inside the container. */
  prune: string[];
}

/** Compile a spec's exclude lists. */
export function matchersFor(spec: SyncSpec): Matchers {
  const exclude = [...ALWAYS_EXCLUDED, ...(spec.excludePaths ?? [])];
  const all = compileExcludes(exclude);
  return {
    all,
    up: anyOf(all, compileExcludes(spec.uploadExcludePaths ?? [])),
    down: anyOf(all, compileExcludes(spec.downloadExcludePaths ?? [])),
    prune: findPruneArgs([exclude, spec.downloadExcludePaths ?? []]),
  };
}

/** An open connection to one container. */
export interface Connection {
  target: RemoteTarget;
  server: UpstreamServer;
}

/** What the sync parts share for one sync entry. */
export interface SyncContext {
  readonly spec: SyncSpec;
  readonly id: string;
  /** Local folder, absolute and with symlinks resolved. */
  readonly root: string;
  readonly events: DevEngineEmitter;
  readonly state: SyncedState;
  readonly match: Matchers;
  readonly signal: AbortSignal;
  /** Schedule a local path for the next upload batch (e.g. a conflict copy just written). */
  requeueLocal(rel: string): void;
  /** Report a path sync will not write (once per path and reason per connection). */
  refuse(rel: string, reason: string): void;
  /** A non-fatal problem worth showing. */
  warn(message: string): void;
}

const MAX_SHOWN = 512;

/** The usual `refuse` and `warn` implementations on top of the event bus. */
export function reporters(id: string, events: DevEngineEmitter): { refuse(rel: string, reason: string): void; warn(message: string): void; reset(): void } {
  const seen = new Set<string>();
  return {
    refuse(rel, reason) {
      // A container can send a name of megabytes (pax records); events carry a readable part of it.
      const shown = rel.length > MAX_SHOWN ? `${rel.slice(0, MAX_SHOWN)}… (${rel.length} characters)` : rel;
      const key = `${shown}\0${reason}`;
      if (seen.has(key)) return;
      seen.add(key);
      events.send('sync:refused', { id, path: shown, reason });
    },
    warn(message) {
      events.send('engine:warning', { scope: id, message });
    },
    reset() {
      seen.clear();
    },
  };
}
