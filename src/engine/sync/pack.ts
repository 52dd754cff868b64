import { constants } from 'node:fs';
import fs from 'node:fs/promises';
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

/** Read a local path for upload; undefined when it vanished or kept changing while read. */
export async function readLocal(root: string, rel: string, attempts = 3): Promise<PackItem | undefined> {
  const abs = toLocal(root, rel);
  for (let i = 0; i < attempts; i++) {
    let before;
    try {
      before = metaOf(await fs.lstat(abs, { bigint: true }));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    if (before.type === 'dir') return { rel, meta: before };
    if (before.type === 'symlink') {
      const linkTarget = await fs.readlink(abs).catch(() => undefined);
      if (linkTarget === undefined) continue;
      return { rel, meta: { ...before, size: Buffer.byteLength(linkTarget) }, linkTarget };
    }
    if (before.type !== 'file') return { rel, meta: before };
    let content: Buffer;
    let after: FileMeta;
    try {
      const fh = await fs.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        content = await fh.readFile();
        after = metaOf(await fh.stat({ bigint: true }));
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') continue;
      throw err;
    }
    if (after.mtimeKey === before.mtimeKey && after.size === content.length) return { rel, meta: after, content };
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
