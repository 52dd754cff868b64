import type { TargetSpec } from '../kube/target.js';

/** What sync knows about one file, directory or symlink on one side. */
export interface FileMeta {
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Bytes (for symlinks: the length of the target). */
  size: number;
  /** Modification time in whole seconds since the epoch (what tar carries). */
  mtime: number;
  /** Exact modification time `seconds.nanoseconds`, for "did it change" checks on one side. */
  mtimeKey: string;
  /** Permission bits (0o7777). */
  mode: number;
  /** A human word for `other` (fifo, socket, device) in refusal messages. */
  kind?: string;
}

/**
 * One path as it was when both sides last agreed: each side's metadata then,
 * and content hashes of versions known to have been in sync (newest last),
 * which lets a reconnect tell a stale copy from a new edit.
 */
export interface SyncedEntry {
  type: FileMeta['type'];
  local: FileMeta;
  remote: FileMeta;
  hashes?: string[];
}

/** One `dev.sync` entry or `devspace sync` invocation, resolved. */
export interface SyncSpec {
  /** Stable id used in events, e.g. `sync:0`. */
  id: string;
  /** Absolute local folder. */
  localPath: string;
  /** Folder in the container; relative paths (and `.`) start at its working directory. */
  containerPath: string;
  /** Which pod and container (namespace, label selector or pod name, container name). */
  target: TargetSpec;
  /** gitignore patterns never synced. */
  excludePaths?: string[];
  /** gitignore patterns never uploaded. */
  uploadExcludePaths?: string[];
  /** gitignore patterns never downloaded. */
  downloadExcludePaths?: string[];
  /** In-container change check interval (default 500 ms; 1 s after ten quiet seconds). */
  pollIntervalMs?: number;
  /** Quiet time that closes a local change batch (default 10 ms; a batch never waits longer than 300 ms). */
  debounceMs?: number;
}

/** What the initial sync (and each reconnect's reconciliation) did. */
export interface InitialSyncSummary {
  uploaded: number;
  downloaded: number;
  conflicts: number;
  /** Tar bytes moved, both directions. */
  bytes: number;
  /** Bytes of the container listing (compressed when the container has gzip). */
  listingBytes: number;
  ms: number;
}

/** A running sync. */
export interface SyncHandle {
  readonly id: string;
  /** Resolves after the first initial sync; rejects if sync stops before it completes. */
  readonly initialSync: Promise<InitialSyncSummary>;
  /** Resolves when sync has stopped (abort, `stop()`, or a fatal error given as `error`). */
  readonly done: Promise<{ error?: string }>;
  /** Stop watching and close every session; idempotent. */
  stop(): Promise<void>;
}
