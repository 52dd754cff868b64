/**
 * Two-way file sync between a local folder and a folder in a container
 * that has only a POSIX shell and tar. See docs/sync.md for the design.
 */
export { startSync, type StartSyncOptions } from './session.js';
export { createSyncStage, syncSpecFromConfig } from './stage.js';
export { compileExcludes, type PathMatcher } from './excludes.js';
export type { FileMeta, InitialSyncSummary, SyncHandle, SyncSpec } from './types.js';
