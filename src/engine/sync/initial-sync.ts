import fs from 'node:fs/promises';
import type { Connection, SyncContext } from './context.js';
import { download } from './download.js';
import { listLocal } from './listing.js';
import { conflictName, isWithin, toLocal } from './paths.js';
import { planReconcile, type ReconcileInput } from './reconcile.js';
import { listRemote, nulList } from './remote.js';
import { renameInside } from './safe-fs.js';
import { hashLocal, markSynced } from './state.js';
import { firstLine, outermost, parentsFirst, upload } from './transfer.js';
import type { FileMeta, InitialSyncSummary } from './types.js';

/**
 * Bring both sides together after (re)connecting, per reconcile.ts: list
 * both trees, hash where size+mtime cannot decide, set conflict copies
 * aside (renamed on the losing side, then copied across like any new
 * file), then upload and download. Nothing is deleted except container
 * copies of files the user deleted locally while disconnected.
 */
export async function initialSync(ctx: SyncContext, conn: Connection, pendingDeletes: ReadonlySet<string>): Promise<InitialSyncSummary> {
  const t0 = Date.now();
  const { state, match, root } = ctx;
  const temps: string[] = [];
  const [listing, local] = await Promise.all([listRemote(conn.target, match.prune, ctx.signal), listLocal(root, (r, d) => match.up.excludes(r, d), '', temps)]);
  await removeStaleTemps(root, temps);
  for (const r of listing.refused) ctx.refuse(r.rel, r.reason);
  const remote = new Map<string, FileMeta>();
  for (const { rel, meta } of listing.records) if (!match.down.excludes(rel, meta.type === 'dir')) remote.set(rel, meta);

  const input: ReconcileInput = {
    local,
    remote,
    state,
    uploadExcluded: (r, d) => match.up.excludes(r, d),
    downloadExcluded: (r, d) => match.down.excludes(r, d),
    pendingDeletes,
  };
  let plan = planReconcile(input);
  let hashes: { local: Map<string, string>; remote: Map<string, string> } | undefined;
  if (plan.needHash.length) {
    hashes = { local: await hashAll(root, plan.needHash), remote: new Map() };
    for (let i = 0; i < plan.needHash.length; i += 500) {
      for (const [rel, h] of await conn.server.hash(plan.needHash.slice(i, i + 500))) hashes.remote.set(rel, h);
    }
    plan = planReconcile({ ...input, localHashes: hashes.local, remoteHashes: hashes.remote });
  }
  for (const r of plan.refused) ctx.refuse(r.rel, r.reason);

  // Conflict copies: rename the losing version on its own side, then it travels like a new file.
  const when = new Date();
  const used = new Set<string>();
  const taken = (c: string): boolean => local.has(c) || remote.has(c) || used.has(c);
  const moves: string[] = [];
  const extraDownloads = new Map<string, FileMeta>();
  const extraUploads: string[] = [];
  const renamedLocally = new Set<string>();
  for (const c of plan.conflicts) {
    const copy = conflictName(c.rel, c.loser, when, taken);
    used.add(copy);
    if (c.loser === 'container') {
      moves.push(c.rel, copy);
      for (const [rel, meta] of remote) if (isWithin(rel, c.rel)) extraDownloads.set(copy + rel.slice(c.rel.length), meta);
    } else {
      await renameInside(root, c.rel, copy);
      renamedLocally.add(c.rel);
      extraUploads.push(copy);
    }
  }
  if (moves.length) {
    const { rc, stderr } = await conn.server.request('M', nulList(moves));
    if (rc !== 0) ctx.warn(`setting conflict copies aside in the container failed: ${firstLine(stderr)}`);
  }

  const up = await upload(ctx, conn, parentsFirst([...plan.upload, ...extraUploads]), outermost(plan.deleteRemote));
  const wants = new Map<string, FileMeta>(plan.download.map((rel) => [rel, remote.get(rel)!]));
  for (const [rel, meta] of extraDownloads) wants.set(rel, meta);
  const down = await download(ctx, conn, wants, (rel) => (renamedLocally.has(rel) || extraDownloads.has(rel) ? undefined : local.get(rel)));
  if (down.changed.length) {
    ctx.events.send('sync:batch', { id: ctx.id, direction: 'down', changed: down.changed, deleted: [], bytes: down.bytes, ms: down.ms });
  }
  for (const rel of plan.same) {
    const h = hashes?.local.get(rel);
    markSynced(state, rel, local.get(rel)!, remote.get(rel)!, h !== undefined && h === hashes?.remote.get(rel) ? h : undefined);
  }
  return {
    uploaded: up.changed.length,
    downloaded: down.changed.length,
    conflicts: plan.conflicts.length + down.conflicts,
    bytes: up.bytes + down.bytes,
    listingBytes: listing.bytes,
    ms: Date.now() - t0,
  };
}

async function hashAll(root: string, rels: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rels.length) {
      const rel = rels[next++]!;
      const h = await hashLocal(root, rel);
      if (h) out.set(rel, h);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

/** Temp files of a sync that was killed mid-write are ours and never user data; remove the old ones. */
async function removeStaleTemps(root: string, temps: readonly string[]): Promise<void> {
  const cutoff = Date.now() - 10 * 60_000;
  for (const rel of temps) {
    const st = await fs.lstat(toLocal(root, rel)).catch(() => undefined);
    if (st?.isFile() && st.ctimeMs < cutoff) await fs.rm(toLocal(root, rel), { force: true });
  }
}
