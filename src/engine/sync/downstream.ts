import type { Connection, SyncContext } from './context.js';
import { download } from './download.js';
import { sameMeta, type ParsedListing } from './listing.js';
import { isWithin, toLocal } from './paths.js';
import { FatalSyncError } from './remote.js';
import { lstatMeta, removeInside } from './safe-fs.js';
import { childrenIndex, forget, trackedBelow } from './state.js';
import type { FileMeta } from './types.js';

/**
 * One watcher report (container → local). Changed paths whose metadata
 * differs from what was last synced are fetched. A path that vanished from
 * a changed folder's listing is a delete candidate, confirmed by a fresh
 * `stat` through the upstream shell (the report may predate an upload that
 * just created it), and deleted locally only if the local copy is still
 * the synced one; an emptied container folder stops sync instead.
 */
export async function processRemoteReport(ctx: SyncContext, conn: Connection, report: ParsedListing): Promise<void> {
  const t0 = Date.now();
  for (const r of report.refused) ctx.refuse(r.rel, r.reason);
  const wants = new Map<string, FileMeta>();
  for (const { rel, meta } of report.records) {
    if (ctx.match.down.excludes(rel, meta.type === 'dir')) continue;
    if (meta.type === 'other') {
      ctx.refuse(rel, meta.kind ?? 'not a regular file');
      continue;
    }
    const known = ctx.state.get(rel);
    if (known && known.type === meta.type && sameMeta(meta, known.remote)) continue;
    wants.set(rel, meta);
  }

  // A folder new to us may have arrived whole (mv): its old-mtime contents were not reported, so list it.
  const newDirs = [...wants].filter(([rel, meta]) => meta.type === 'dir' && !ctx.state.has(rel)).map(([rel]) => rel);
  const outer = newDirs.filter((rel) => !newDirs.some((o) => o !== rel && isWithin(rel, o)));
  if (outer.length) {
    const inside = await conn.server.listTrees(outer);
    for (const r of inside.refused) ctx.refuse(r.rel, r.reason);
    for (const { rel, meta } of inside.records) {
      if (ctx.match.down.excludes(rel, meta.type === 'dir') || ctx.state.has(rel)) continue;
      if (meta.type === 'other') ctx.refuse(rel, meta.kind ?? 'not a regular file');
      else wants.set(rel, meta);
    }
  }

  const candidates = deleteCandidates(ctx, report);
  let deleted: string[] = [];
  if (candidates.length) {
    const still = await conn.server.stat(candidates);
    const gone = candidates.filter((rel) => !still.has(rel));
    assertNotEmptied(ctx, report, gone, conn.target.root);
    deleted = await deleteLocally(ctx, gone);
  }
  const got = wants.size ? await download(ctx, conn, wants, (rel) => ctx.state.get(rel)?.local) : undefined;
  if (got?.changed.length || deleted.length) {
    ctx.events.send('sync:batch', { id: ctx.id, direction: 'down', changed: got?.changed ?? [], deleted, bytes: got?.bytes ?? 0, ms: Date.now() - t0 });
  }
}

/** Tracked children missing from a complete folder listing (and not excluded from download). */
function deleteCandidates(ctx: SyncContext, report: ParsedListing): string[] {
  if (report.dirs.size === 0) return [];
  const index = childrenIndex(ctx.state);
  const out: string[] = [];
  for (const [dir, children] of report.dirs) {
    const listed = new Set(children);
    for (const child of index.get(dir) ?? []) {
      if (listed.has(child)) continue;
      const known = ctx.state.get(child)!;
      if (!ctx.match.down.excludes(child, known.type === 'dir')) out.push(child);
    }
  }
  return out;
}

/** A container folder that suddenly has nothing we synced stops sync rather than emptying the local tree. */
function assertNotEmptied(ctx: SyncContext, report: ParsedListing, gone: string[], remoteRoot: string): void {
  const top = childrenIndex(ctx.state).get('') ?? [];
  const tracked = top.filter((rel) => !ctx.match.down.excludes(rel, ctx.state.get(rel)!.type === 'dir'));
  const rootListing = report.dirs.get('');
  const emptied = rootListing !== undefined && tracked.length > 0 && tracked.every((rel) => gone.includes(rel));
  if (emptied) {
    throw new FatalSyncError(
      `the container folder ${remoteRoot} suddenly lost everything sync put there (${tracked.length} top-level entries); ` +
        'sync stopped and the local files were kept',
    );
  }
}

/** Delete locally what the container deleted, keeping anything edited locally since it was synced. */
async function deleteLocally(ctx: SyncContext, gone: readonly string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const rel of gone) {
    for (const path of [...trackedBelow(ctx.state, rel), rel]) {
      const known = ctx.state.get(path);
      if (!known) continue;
      const current = await lstatMeta(toLocal(ctx.root, path)).catch(() => undefined);
      if (!current) {
        forget(ctx.state, path);
        continue;
      }
      if (current.type === 'dir' && known.type === 'dir') {
        if (await removeInside(ctx.root, path).catch(() => false)) deleted.push(path);
        else ctx.requeueLocal(path); // something local is left inside: it goes back up
        forget(ctx.state, path);
      } else if (current.type === known.type && sameMeta(current, known.local)) {
        await removeInside(ctx.root, path).catch((err: Error) => ctx.warn(`cannot delete ${path}: ${err.message}`));
        forget(ctx.state, path);
        deleted.push(path);
      } else {
        // Changed locally after the last sync: the local edit wins and is uploaded again.
        forget(ctx.state, path);
        ctx.requeueLocal(path);
      }
    }
  }
  return deleted;
}
