import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Connection, SyncContext } from './context.js';
import { sameMeta } from './listing.js';
import { conflictName, parentOf, toLocal } from './paths.js';
import { fetchRemote } from './fetch.js';
import { firstLine } from './transfer.js';
import { CheckedDirs, lstatMetaSync, mkdirInside, readRegularInside, RefusedError, renameInside, symlinkInside, writeFileInside } from './safe-fs.js';
import { hashBuffer, markSynced } from './state.js';
import { formatBytes, type TarHandlers, type TarItem } from './tar-entries.js';
import type { FileMeta } from './types.js';

/**
 * Moving container paths to the local tree. Every tar entry has already
 * been validated (tar-entries.ts) and is written through safe-fs. Before a
 * local file is replaced, it must still be what sync last knew (`expect`);
 * if it changed meanwhile, the newer version wins and the other is written
 * as a conflict copy, so neither edit is lost.
 */

const FETCH_PATHS = 5000;
const BUFFER_LIMIT = 16 * 1024 * 1024; // larger files are streamed straight into their temp file
const PARALLEL_WRITES = 64;
const PARALLEL_BYTES = 64 * 1024 * 1024;
/** Free space a download never takes: the disk is not filled to the last byte. */
const DISK_RESERVE = 64 * 1024 * 1024;
/** Fetches of one part: the first, then again for what a cut-short tar did not send. */
const FETCH_ATTEMPTS = 3;

export interface DownloadResult {
  changed: string[];
  conflicts: number;
  bytes: number;
  ms: number;
}

/**
 * Fetch `wants` (path → the container metadata that was listed) and write
 * them; `expect(rel)` is what the local path should be for a plain
 * overwrite (undefined: it should not exist). The caller reports the batch.
 */
export async function download(
  ctx: SyncContext,
  conn: Connection,
  wants: ReadonlyMap<string, FileMeta>,
  expect: (rel: string) => FileMeta | undefined,
): Promise<DownloadResult> {
  const t0 = Date.now();
  const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
  const rels = [...wants.keys()].sort();
  const checked = new CheckedDirs();
  // Files bigger than the free disk are refused from the listing, before a byte is sent.
  const room = await freeRoom(ctx.root);
  const fits = rels.filter((rel) => {
    const size = wants.get(rel)!.size;
    if (wants.get(rel)!.type !== 'file' || size <= room) return true;
    ctx.refuse(rel, `${formatBytes(size)}, more than the ${formatBytes(room)} free on the local disk`);
    return false;
  });
  for (let i = 0; i < fits.length; i += FETCH_PATHS) {
    let todo = fits.slice(i, i + FETCH_PATHS);
    for (let attempt = 1; todo.length; attempt++) {
      ctx.signal.throwIfAborted();
      const handlers = writeHandlers(ctx, wants, expect, result, checked);
      // Paths the tar had a whole entry for, written or refused; a cut-short tar leaves the others to ask for again.
      const seen = new Set<string>();
      const tracked: TarHandlers = {
        item: (item, body) => (body.once('end', () => seen.add(item.rel)), handlers.item(item, body)),
        refused: (rel, reason) => (seen.add(rel), handlers.refused(rel, reason)),
      };
      try {
        const got = await fetchRemote(conn.target, todo, tracked, ctx.signal, { room: await freeRoom(ctx.root) });
        result.bytes += got.bytes;
        if (got.stderr) ctx.warn(`the container could not send every file: ${firstLine(got.stderr)}`);
        if (!got.cutShort) break;
        const rest = todo.filter((rel) => !seen.has(rel));
        const retry = rest.length > 0 && rest.length < todo.length && attempt < FETCH_ATTEMPTS;
        ctx.warn(`${got.cutShort}; the rest of that transfer was dropped${retry ? `, asking again for the ${rest.length} path(s) it did not send` : ''}`);
        todo = retry ? rest : [];
      } finally {
        await handlers.settle();
      }
    }
  }
  result.ms = Date.now() - t0;
  return result;
}

/** Tar handlers that write validated entries under the sync root, plus `settle` to wait for writes still running. */
export function writeHandlers(
  ctx: SyncContext,
  wants: ReadonlyMap<string, FileMeta>,
  expect: (rel: string) => FileMeta | undefined,
  result: DownloadResult,
  checked = new CheckedDirs(),
): TarHandlers & { settle(): Promise<void> } {
  // Small files are read off the stream at once and written in parallel (the disk, not the tar,
  // is the bottleneck); folders, links and big streamed files wait for what came before them.
  const running = new Set<Promise<void>>();
  // Regular files this transfer wrote: the only things a hard link entry may copy (as in `tar x`).
  const written = new Set<string>();
  let buffered = 0;
  const settle = async (): Promise<void> => {
    await Promise.all(running);
  };
  const write = (w: Written): Promise<void> =>
    writeOne(ctx, w, result, checked, written).catch((err: unknown) => {
      w.body.resume();
      const { rel } = w.item;
      if (err instanceof RefusedError) ctx.refuse(rel, err.path === rel ? err.reason : `${err.reason}: ${err.path}`);
      else ctx.warn(`cannot write ${rel}: ${(err as Error).message}`);
    });
  return {
    async item(item, body) {
      const w: Written = { item, body, listed: wants.get(item.rel), expected: expect(item.rel) };
      if (item.kind === 'file' && item.size <= BUFFER_LIMIT) {
        const content = await readBody(body);
        w.content = content;
        buffered += content.length;
        const job = write(w).finally(() => {
          running.delete(job);
          buffered -= content.length;
        });
        running.add(job);
        while (running.size >= PARALLEL_WRITES || buffered > PARALLEL_BYTES) await Promise.race(running);
        return;
      }
      await settle();
      await write(w);
    },
    refused: (rel, reason) => ctx.refuse(rel, reason),
    settle,
  };
}

type Written = { item: TarItem; body: Readable; listed: FileMeta | undefined; expected: FileMeta | undefined; content?: Buffer };

async function writeOne(ctx: SyncContext, w: Written, result: DownloadResult, checked: CheckedDirs, written: Set<string>): Promise<void> {
  const { root, state } = ctx;
  const { body, listed, expected } = w;
  let { item } = w;
  // A hard link entry carries no data: its content is the file it names, written earlier by this same
  // transfer. Anything else (a local file the container never sent, e.g. an upload-excluded .env) is refused.
  if (item.kind === 'hardlink' && !written.has(item.linkTarget!)) throw new RefusedError(item.rel, `hard link to ${item.linkTarget}, which this transfer did not send as a file`);
  const content = item.kind === 'hardlink' ? await readRegularInside(root, item.linkTarget!) : w.content;
  if (item.kind === 'hardlink') item = { ...item, kind: 'file', size: content!.length };
  const remote = remoteMeta(item, listed);
  const current = checked.created(parentOf(item.rel)) ? undefined : lstatMetaSync(toLocal(root, item.rel));
  if (item.kind === 'dir') {
    if (current && current.type !== 'dir') throw new RefusedError(item.rel, 'a local file has this name (the local file is kept)');
    const local = current ?? (await mkdirInside(root, item.rel, item.mode, checked));
    markSynced(state, item.rel, local, remote);
    if (!current) result.changed.push(item.rel);
    return;
  }
  // Nothing new: the listed version is the one recorded, or (when the listing was taken mid-extraction
  // of our own upload and no longer matches) the tar carries exactly what we uploaded.
  const known = state.get(item.rel);
  const recorded = remote === listed ? sameMeta(remote, known?.remote) : known !== undefined && sameVersion(item, known.remote);
  if (known && current && sameMeta(current, known.local) && recorded) return;

  const unchanged = current === undefined ? expected === undefined : expected !== undefined && sameMeta(current, expected);
  let target = item.rel;
  if (!unchanged && current) {
    if (current.type === 'dir') throw new RefusedError(item.rel, 'a local folder has this name (the local folder is kept)');
    const taken = (c: string): boolean => state.has(c) || existsSync(toLocal(root, c));
    // A path that is never uploaded keeps its local file in place, so it cannot leave under a new name.
    if (remote.mtime > current.mtime && !ctx.match.up.excludes(item.rel, false)) {
      // The container's version is newer: keep the local one beside it.
      const copy = conflictName(item.rel, 'local', new Date(), taken);
      await renameInside(root, item.rel, copy);
      ctx.requeueLocal(copy);
    } else {
      // The local edit is newer (or as new): it stays and will be uploaded; the container's goes beside it.
      target = conflictName(item.rel, 'container', new Date(), taken);
      ctx.requeueLocal(item.rel);
    }
    result.conflicts++;
  }
  const local =
    item.kind === 'symlink'
      ? await symlinkInside(root, target, item.linkTarget!, item.mtime, checked)
      : await writeFileInside(root, target, Buffer.isBuffer(content) ? content : body, { mode: item.mode, mtime: item.mtime, checked });
  result.changed.push(target);
  if (item.kind === 'file' && target === item.rel) written.add(target);
  else written.delete(item.rel);
  if (target === item.rel) markSynced(state, target, local, remote, Buffer.isBuffer(content) ? hashBuffer(content) : undefined);
  else ctx.requeueLocal(target);
}

/** A tar entry describes the remote version sync recorded (tar carries whole seconds only). */
function sameVersion(item: TarItem, remote: FileMeta): boolean {
  if (item.kind === 'symlink') return remote.type === 'symlink' && remote.size === item.size;
  return item.kind === 'file' && remote.type === 'file' && remote.size === item.size && remote.mtime === item.mtime && (remote.mode & 0o111) === (item.mode & 0o111);
}

/** The container metadata to remember: the listing's when it describes the same version, else the tar header's. */
function remoteMeta(item: TarItem, listed: FileMeta | undefined): FileMeta {
  const type = item.kind === 'dir' ? 'dir' : item.kind === 'symlink' ? 'symlink' : 'file';
  // A listing taken just before our own upload landed may describe the old version: a link's old
  // target (its size), a file's old exec bit.
  const same = (l: FileMeta): boolean =>
    type === 'dir' || (l.size === item.size && (type === 'symlink' || (l.mtime === item.mtime && (l.mode & 0o111) === (item.mode & 0o111))));
  if (listed && listed.type === type && same(listed)) return listed;
  return { type, size: item.size, mtime: item.mtime, mtimeKey: `${item.mtime}.unknown`, mode: item.mode };
}

/** Bytes a download may still put on the local disk. */
async function freeRoom(root: string): Promise<number> {
  const st = await statfs(root).catch(() => undefined);
  return st ? Math.max(0, st.bavail * st.bsize - DISK_RESERVE) : Number.MAX_SAFE_INTEGER;
}

async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
