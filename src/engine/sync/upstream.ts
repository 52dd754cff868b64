import fs from 'node:fs/promises';
import type { Connection, SyncContext } from './context.js';
import { listLocal, sameMeta } from './listing.js';
import { toLocal } from './paths.js';
import { FatalSyncError } from './remote.js';
import { lstatMeta } from './safe-fs.js';
import { outermost, parentsFirst, upload, type UploadResult } from './transfer.js';

/**
 * One batch of local changes → the container. Events only say "look at
 * this path"; what is sent is decided from the path's state now: present
 * and different from what was last synced → upload (a new folder is walked,
 * in case the watcher attached to it after files were already inside);
 * gone but synced before → delete. Echoes of our own downloads match the
 * recorded state and are dropped here.
 */
export async function processLocalBatch(ctx: SyncContext, conn: Connection, rels: readonly string[], rootId: string): Promise<UploadResult | undefined> {
  await assertLocalRoot(ctx.root, rootId);
  const uploads = new Set<string>();
  const deletes = new Set<string>();
  for (const rel of parentsFirst(rels)) {
    if (rel === '') continue;
    const known = ctx.state.get(rel);
    const current = await lstatMeta(toLocal(ctx.root, rel));
    if (!current) {
      if (known && !ctx.match.up.excludes(rel, known.type === 'dir')) deletes.add(rel);
      continue;
    }
    if (current.type === 'other' || ctx.match.up.excludes(rel, current.type === 'dir')) continue;
    if (known && known.type !== current.type) deletes.add(rel); // file ↔ folder: remove the old one first
    if (current.type === 'dir') {
      if (known?.type === 'dir') continue;
      uploads.add(rel);
      for (const [child, meta] of await listLocal(ctx.root, (r, d) => ctx.match.up.excludes(r, d), rel)) {
        const synced = ctx.state.get(child);
        if (meta.type !== 'other' && !(synced && sameMeta(meta, synced.local))) uploads.add(child);
      }
      continue;
    }
    if (known && known.type === current.type && sameMeta(current, known.local)) continue;
    uploads.add(rel);
  }
  if (uploads.size === 0 && deletes.size === 0) return undefined;
  // Checked again right before deleting: a vanished root must never turn into "delete everything".
  if (deletes.size) await assertLocalRoot(ctx.root, rootId);
  return upload(ctx, conn, parentsFirst(uploads), outermost(deletes));
}

/** `dev:ino` of the local root, to notice it being deleted or replaced. */
export async function localRootId(root: string): Promise<string> {
  const st = await fs.stat(root, { bigint: true });
  if (!st.isDirectory()) throw new FatalSyncError(`the local sync path ${root} is not a folder`);
  return `${st.dev}:${st.ino}`;
}

/** Throws a FatalSyncError when the local root is gone or is another folder than at the start. */
export async function assertLocalRoot(root: string, rootId: string): Promise<void> {
  const now = await localRootId(root).catch(() => undefined);
  if (now !== rootId) {
    throw new FatalSyncError(`the local folder ${root} was deleted or replaced; sync stopped so the container copy is kept`);
  }
}
