import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isWithin, toLocal } from './paths.js';
import type { FileMeta, SyncedEntry } from './types.js';

/**
 * The last agreed state of every synced path. It survives reconnects (not
 * restarts): echo suppression compares a side's current metadata with it,
 * and reconnects use it as the common base of a three-way comparison.
 */
export type SyncedState = Map<string, SyncedEntry>;

const HISTORY = 4;

/** Record that `rel` is in sync: local and remote metadata now, and the content hash when known. */
export function markSynced(state: SyncedState, rel: string, local: FileMeta, remote: FileMeta, hash?: string): void {
  const prev = state.get(rel);
  const hashes = [...(prev?.hashes ?? [])];
  if (hash && hashes[hashes.length - 1] !== hash) {
    hashes.push(hash);
    if (hashes.length > HISTORY) hashes.shift();
  }
  const entry: SyncedEntry = { type: local.type, local, remote };
  if (hashes.length) entry.hashes = hashes;
  state.set(rel, entry);
}

/** Forget `rel` and, for folders, everything below it. */
export function forget(state: SyncedState, rel: string): void {
  const entry = state.get(rel);
  state.delete(rel);
  if (entry && entry.type !== 'dir') return;
  for (const key of state.keys()) if (isWithin(key, rel)) state.delete(key);
}

/** Paths under `dir` (not `dir` itself) that are tracked, deepest first (the order deletes need). */
export function trackedBelow(state: SyncedState, dir: string): string[] {
  const out: string[] = [];
  for (const key of state.keys()) if (key !== dir && isWithin(key, dir)) out.push(key);
  return out.sort((a, b) => b.length - a.length);
}

/** Direct children of each folder, for comparing a container folder listing with what is tracked. */
export function childrenIndex(state: SyncedState): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const key of state.keys()) {
    const slash = key.lastIndexOf('/');
    const parent = slash < 0 ? '' : key.slice(0, slash);
    let list = index.get(parent);
    if (!list) index.set(parent, (list = []));
    list.push(key);
  }
  return index;
}

/** sha256 of a local file (hex), undefined when it cannot be read. */
export function hashLocal(root: string, rel: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const h = createHash('sha256');
    const s = createReadStream(toLocal(root, rel));
    s.on('data', (c) => h.update(c));
    s.on('error', () => resolve(undefined));
    s.on('end', () => resolve(h.digest('hex')));
  });
}

/** sha256 of a buffer (hex). */
export function hashBuffer(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}
