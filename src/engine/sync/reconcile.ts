import { sameMeta } from './listing.js';
import { isWithin, type ConflictSide } from './paths.js';
import type { FileMeta, SyncedEntry } from './types.js';

/**
 * The initial-sync (and reconnect) decision for every path, as a pure
 * function of both listings and the last agreed state. It never deletes:
 * one-sided paths are copied to the other side; paths that differ on both
 * sides go to the side that changed since the last agreement, or, when both
 * changed (or there is no agreement yet), to the newer one, with the other
 * version kept as a conflict copy unless it is a version known to have been
 * synced before. The one exception to "never delete": a local delete seen
 * while disconnected removes the container copy when that copy is exactly
 * the version last synced.
 */

export interface ReconcileInput {
  local: ReadonlyMap<string, FileMeta>;
  remote: ReadonlyMap<string, FileMeta>;
  state: ReadonlyMap<string, SyncedEntry>;
  uploadExcluded(rel: string, isDir: boolean): boolean;
  downloadExcluded(rel: string, isDir: boolean): boolean;
  /** Local deletes the watcher saw while there was no connection. */
  pendingDeletes?: ReadonlySet<string>;
  localHashes?: ReadonlyMap<string, string>;
  remoteHashes?: ReadonlyMap<string, string>;
}

export interface PlannedConflict {
  rel: string;
  /** The side whose version is kept as a conflict copy. */
  loser: ConflictSide;
  /** True when the two sides disagree on the type (file vs folder): the container copy is set aside. */
  typeClash?: boolean;
}

export interface ReconcilePlan {
  upload: string[];
  download: string[];
  /** Equal on both sides; recorded as synced. */
  same: string[];
  /** Files whose content must be hashed on both sides before deciding. */
  needHash: string[];
  conflicts: PlannedConflict[];
  deleteRemote: string[];
  refused: { rel: string; reason: string }[];
}

/** Decide what the initial sync does; call again with hashes when `needHash` is not empty. */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const plan: ReconcilePlan = { upload: [], download: [], same: [], needHash: [], conflicts: [], deleteRemote: [], refused: [] };
  const keys = [...new Set([...input.local.keys(), ...input.remote.keys()])].sort();
  let shadowed: string | undefined; // a container folder set aside as a conflict copy, with everything in it
  for (const rel of keys) {
    if (shadowed !== undefined && isWithin(rel, shadowed)) {
      if (input.local.has(rel) && !input.uploadExcluded(rel, input.local.get(rel)!.type === 'dir')) plan.upload.push(rel);
      continue;
    }
    const l = input.local.get(rel);
    const r = input.remote.get(rel);
    if (l && !r) {
      if (!input.uploadExcluded(rel, l.type === 'dir') && l.type !== 'other') plan.upload.push(rel);
    } else if (r && !l) {
      remoteOnly(input, plan, rel, r);
    } else if (l && r) {
      const clash = (l.type === 'dir') !== (r.type === 'dir');
      if (clash) {
        if (r.type === 'dir') shadowed = rel;
        plan.conflicts.push({ rel, loser: 'container', typeClash: true });
        plan.upload.push(rel);
      } else if (l.type === 'dir') {
        plan.same.push(rel);
      } else if (l.type === 'other' || r.type === 'other') {
        if (r.type === 'other') plan.refused.push({ rel, reason: r.kind ?? 'not a regular file' });
      } else {
        both(input, plan, rel, l, r);
      }
    }
  }
  prunePendingDeletes(input, plan);
  return plan;
}

function remoteOnly(input: ReconcileInput, plan: ReconcilePlan, rel: string, r: FileMeta): void {
  if (input.downloadExcluded(rel, r.type === 'dir')) return;
  if (r.type === 'other') {
    plan.refused.push({ rel, reason: r.kind ?? 'not a regular file' });
    return;
  }
  const base = input.state.get(rel);
  if (input.pendingDeletes?.has(rel) && base && sameMeta(r, base.remote)) plan.deleteRemote.push(rel);
  else plan.download.push(rel);
}

function both(input: ReconcileInput, plan: ReconcilePlan, rel: string, l: FileMeta, r: FileMeta): void {
  const base = input.state.get(rel);
  const sameSize = l.size === r.size && l.type === r.type;
  if (sameSize && (l.type === 'symlink' || l.mtime === r.mtime)) {
    plan.same.push(rel);
    return;
  }
  const localKnown = base !== undefined && sameMeta(l, base.local);
  const remoteKnown = base !== undefined && sameMeta(r, base.remote);
  if (localKnown && remoteKnown) {
    plan.same.push(rel);
    return;
  }
  // Content hashes settle "same bytes, different mtime" and "is this an old synced version".
  const wantHash = l.type === 'file' && r.type === 'file' && (sameSize || (base?.hashes?.length ?? 0) > 0);
  const hl = input.localHashes?.get(rel);
  const hr = input.remoteHashes?.get(rel);
  if (wantHash && (hl === undefined || hr === undefined) && !(input.localHashes && input.remoteHashes)) {
    plan.needHash.push(rel);
    return;
  }
  if (hl !== undefined && hl === hr) {
    plan.same.push(rel);
    return;
  }
  const history = base?.hashes ?? [];
  const localStale = localKnown || (hl !== undefined && history.includes(hl));
  const remoteStale = remoteKnown || (hr !== undefined && history.includes(hr));
  if (localStale && !remoteStale) {
    plan.download.push(rel);
  } else if (remoteStale && !localStale) {
    plan.upload.push(rel);
  } else if (r.mtime > l.mtime) {
    plan.download.push(rel);
    plan.conflicts.push({ rel, loser: 'local' });
  } else {
    plan.upload.push(rel);
    plan.conflicts.push({ rel, loser: 'container' });
  }
}

/** A pending delete of a folder only stands if nothing inside it is being downloaded. */
function prunePendingDeletes(input: ReconcileInput, plan: ReconcilePlan): void {
  if (plan.deleteRemote.length === 0) return;
  const downloads = plan.download;
  const keep: string[] = [];
  for (const rel of plan.deleteRemote) {
    const r = input.remote.get(rel)!;
    if (r.type === 'dir' && downloads.some((d) => isWithin(d, rel))) downloads.push(rel);
    else keep.push(rel);
  }
  // Entries inside a deleted folder go with it.
  plan.deleteRemote = keep.filter((rel) => !keep.some((other) => other !== rel && isWithin(rel, other)));
  downloads.sort();
}
