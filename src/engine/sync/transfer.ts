import type { Connection, SyncContext } from './context.js';
import { expectedRemote, packTar, readLocal, streamTar, type PackItem } from './pack.js';
import { isWithin } from './paths.js';
import { nulList } from './remote.js';
import { forget, hashBuffer, markSynced } from './state.js';
import type { FileMeta } from './types.js';

/**
 * Moving local paths to the container: deletes first (`rm -rf` list), then
 * tars of at most 8 MB or 2,000 entries, up to three in flight so reading
 * the next chunk overlaps extracting the last. State is updated only for
 * chunks the container acknowledged.
 */

const CHUNK_BYTES = 8 * 1024 * 1024;
const CHUNK_ITEMS = 2000;
const IN_FLIGHT = 3;
const READ_AHEAD = 16;

export interface UploadResult {
  /** Paths sent (files, folders, symlinks). */
  changed: string[];
  deleted: string[];
  bytes: number;
}

/** Upload `rels` (parents before children) and delete `deletes` in the container; emits one `sync:batch`. */
export async function upload(ctx: SyncContext, conn: Connection, rels: readonly string[], deletes: readonly string[] = []): Promise<UploadResult> {
  const t0 = Date.now();
  const result: UploadResult = { changed: [], deleted: [], bytes: 0 };
  if (deletes.length) {
    const { rc, stderr } = await conn.server.request('R', nulList(deletes));
    if (rc !== 0) ctx.warn(`deleting ${deletes.length} path(s) in the container failed: ${firstLine(stderr)}`);
    for (const rel of deletes) forget(ctx.state, rel);
    result.deleted.push(...deletes);
  }
  const inflight: Promise<void>[] = [];
  let chunk: PackItem[] = [];
  let chunkBytes = 0;
  const send = async (items: PackItem[]): Promise<void> => {
    const tar = await packTar(items);
    result.bytes += tar.length;
    const { rc, stderr } = await conn.server.request('T', tar);
    let landed = items;
    if (rc !== 0) {
      ctx.warn(`uploading ${items.length} path(s) to the container failed: ${firstLine(stderr)}`);
      // Keep what did arrive, so it is not mistaken for a container-side edit later.
      const now = await conn.server.stat(items.map((i) => i.rel));
      landed = items.filter((i) => arrived(now.get(i.rel), i));
    }
    for (const item of landed) {
      markSynced(ctx.state, item.rel, item.meta, expectedRemote(item.meta), item.content ? hashBuffer(item.content) : undefined);
      result.changed.push(item.rel);
    }
  };
  const sendBig = async (item: PackItem): Promise<void> => {
    const tar = await streamTar(ctx.root, item);
    result.bytes += tar.length;
    const { rc, stderr } = await conn.server.requestStream('T', tar.length, tar.data);
    if (rc !== 0) return ctx.warn(`uploading ${item.rel} to the container failed: ${firstLine(stderr)}`);
    markSynced(ctx.state, item.rel, item.meta, expectedRemote(item.meta), tar.hash());
    result.changed.push(item.rel);
  };
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const sending = send(chunk);
    sending.catch(() => undefined); // awaited below; this only keeps a later failure from being "unhandled"
    inflight.push(sending);
    chunk = [];
    chunkBytes = 0;
    if (inflight.length >= IN_FLIGHT) await inflight.shift();
  };
  // Files are read a few at a time: one at a time leaves the disk idle between small reads.
  for (let i = 0; i < rels.length; i += READ_AHEAD) {
    ctx.signal.throwIfAborted();
    const items = await Promise.all(rels.slice(i, i + READ_AHEAD).map((rel) => readLocal(ctx.root, rel)));
    await new Promise((r) => setImmediate(r)); // small reads are synchronous: let other work run between slices
    for (const item of items) {
      if (!item || item.meta.type === 'other') continue;
      if (item.meta.type === 'file' && item.content === undefined) {
        await flush(); // its folder may be in the pending chunk; the container applies requests in order
        await sendBig(item);
        continue;
      }
      chunk.push(item);
      chunkBytes += item.content?.length ?? 0;
      if (chunkBytes >= CHUNK_BYTES || chunk.length >= CHUNK_ITEMS) await flush();
    }
  }
  await flush();
  await Promise.all(inflight);
  if (result.changed.length || result.deleted.length) {
    ctx.events.send('sync:batch', { id: ctx.id, direction: 'up', changed: result.changed, deleted: result.deleted, bytes: result.bytes, ms: Date.now() - t0 });
  }
  return result;
}

function arrived(remote: FileMeta | undefined, item: PackItem): boolean {
  if (!remote || remote.type !== item.meta.type) return false;
  return remote.type !== 'file' || (remote.size === item.meta.size && remote.mtime === item.meta.mtime);
}

/** Parents before children, each path once. */
export function parentsFirst(rels: Iterable<string>): string[] {
  return [...new Set(rels)].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Drop paths inside another path of the same list (an `rm -rf` of the folder covers them). */
export function outermost(rels: Iterable<string>): string[] {
  const sorted = parentsFirst(rels);
  const out: string[] = [];
  for (const rel of sorted) if (!out.some((o) => isWithin(rel, o))) out.push(rel);
  return out;
}

function depth(rel: string): number {
  let n = 0;
  for (const c of rel) if (c === '/') n++;
  return n;
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no error output';
}
