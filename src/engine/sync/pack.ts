import { constants, lstatSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createHash } from 'node:crypto';
import tarStream from 'tar-stream';
import { toLocal } from './paths.js';
import { isMissing, metaOf } from './safe-fs.js';
import type { FileMeta } from './types.js';

/**
 * Building upload tars from the local tree. Files are read whole (with a
 * before/after stat so a file being written is retried, not sent torn) and
 * packed with their mode and mtime; busybox `tar x` restores both.
 */

/** One local entry ready to upload. */
export interface PackItem {
  rel: string;
  meta: FileMeta;
  /** File content (files only). */
  content?: Buffer;
  /** Symlink target (symlinks only). */
  linkTarget?: string;
}

/** Files up to this size are read synchronously. */
const SYNC_READ_LIMIT = 1024 * 1024;

/** Files above this size are streamed from disk instead of read whole. */
export const STREAM_THRESHOLD = 16 * 1024 * 1024;

/** Read a local path for upload; undefined when it vanished or kept changing while read. */
export async function readLocal(root: string, rel: string, attempts = 3): Promise<PackItem | undefined> {
  const abs = toLocal(root, rel);
  for (let i = 0; i < attempts; i++) {
    // Synchronous stat and read for small files: an initial sync reads thousands of them, and the
    // thread-pool round trips cost several times the work (callers yield between slices).
    const st = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) return undefined;
    const before = metaOf(st);
    if (before.type === 'dir') return { rel, meta: before };
    if (before.type === 'symlink') {
      const linkTarget = await fs.readlink(abs).catch(() => undefined);
      if (linkTarget === undefined) continue;
      return { rel, meta: { ...before, size: Buffer.byteLength(linkTarget) }, linkTarget };
    }
    if (before.type !== 'file') return { rel, meta: before };
    // Big files are not read here; they are streamed into their own tar (streamTar).
    if (before.size > STREAM_THRESHOLD) return { rel, meta: before };
    let content: Buffer;
    try {
      const flag = constants.O_RDONLY | constants.O_NOFOLLOW;
      // Node takes numeric open flags here too (the typings only list strings).
      content = before.size <= SYNC_READ_LIMIT ? readFileSync(abs, { flag: flag as unknown as string }) : await fs.readFile(abs, { flag });
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') continue;
      throw err;
    }
    // A size change means it was written while read: try again. A same-size rewrite during the read
    // changes the mtime, so the next event (or the post-sync rescan) uploads it again.
    if (content.length === before.size) return { rel, meta: before, content };
  }
  return undefined;
}

/** The tar bytes for a list of items, entries named `./rel` so busybox never sees a leading `-`. */
export async function packTar(items: readonly PackItem[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const item of items) {
    const { meta } = item;
    const base = { mode: meta.mode & 0o7777, mtime: new Date(meta.mtime * 1000), uid: 0, gid: 0 };
    if (meta.type === 'dir') {
      pack.entry({ ...base, name: `./${item.rel}/`, type: 'directory' });
    } else if (meta.type === 'symlink') {
      pack.entry({ ...base, name: `./${item.rel}`, type: 'symlink', linkname: item.linkTarget ?? '' });
    } else if (meta.type === 'file') {
      pack.entry({ ...base, name: `./${item.rel}`, type: 'file', size: item.content?.length ?? 0 }, item.content ?? Buffer.alloc(0));
    }
  }
  pack.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** What the container will report for an uploaded item (busybox tar keeps whole-second mtimes). */
export function expectedRemote(meta: FileMeta): FileMeta {
  return { type: meta.type, size: meta.type === 'dir' ? 0 : meta.size, mtime: meta.mtime, mtimeKey: `${meta.mtime}.000000000`, mode: meta.mode };
}

/**
 * A tar of one big file, streamed from disk with its exact length known up
 * front (the container reads an exact byte count). If the file shrinks
 * while it is read the rest is zero-filled, and if it grows only the known
 * size is sent: the tar stays well-formed, and the change that caused it
 * triggers another upload.
 */
export async function streamTar(root: string, item: PackItem): Promise<{ length: number; data: AsyncIterable<Buffer>; hash: () => string }> {
  const { meta } = item;
  const header = { name: `./${item.rel}`, mode: meta.mode & 0o7777, mtime: new Date(meta.mtime * 1000), uid: 0, gid: 0, type: 'file' as const };
  const empty = await packTar([{ rel: item.rel, meta: { ...meta, size: 0 }, content: Buffer.alloc(0) }]);
  const length = empty.length + Math.ceil(meta.size / 512) * 512;
  const digest = createHash('sha256');
  async function* fileBytes(): AsyncGenerator<Buffer> {
    let left = meta.size;
    const fh = await fs.open(toLocal(root, item.rel), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      for await (const chunk of fh.createReadStream({ autoClose: false, end: meta.size - 1, highWaterMark: 1 << 20 })) {
        const part = (chunk as Buffer).subarray(0, left);
        left -= part.length;
        digest.update(part);
        yield part;
        if (left === 0) break;
      }
    } finally {
      await fh.close();
    }
    if (left > 0) yield Buffer.alloc(left);
  }
  const pack = tarStream.pack();
  const entry = pack.entry({ ...header, size: meta.size });
  void (async () => {
    try {
      for await (const part of fileBytes()) if (!entry.write(part)) await new Promise<void>((r) => entry.once('drain', () => r()));
      entry.end(undefined);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return { length, data: pack as unknown as AsyncIterable<Buffer>, hash: () => digest.digest('hex') };
}
