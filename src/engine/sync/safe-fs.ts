import { randomBytes } from 'node:crypto';
import { constants, lstatSync, mkdirSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { checkRelPath, parentOf, symlinkStaysInside, TEMP_PREFIX, toLocal } from './paths.js';
import type { FileMeta } from './types.js';

/**
 * Local writes for data that came from the container. Every write stays
 * under the sync root: the path is validated, every parent component is
 * checked with lstat (a symlink there is refused, never followed), content
 * goes to a fresh temp file (O_EXCL|O_NOFOLLOW) next to the target and is
 * renamed into place, which replaces rather than follows a link at the end.
 */

/** A write sync will not do, with the reason shown in `sync:refused`. */
export class RefusedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'RefusedError';
  }
}

/** FileMeta of a local lstat. */
export function metaOf(st: BigIntStats): FileMeta {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  const ns = st.mtimeNs;
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const meta: FileMeta = { type, size: type === 'dir' ? 0 : Number(st.size), mtime: Number(sec), mtimeKey: `${sec}.${frac}`, mode: Number(st.mode) & 0o7777 };
  if (type === 'other') meta.kind = st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : 'device file';
  return meta;
}

/** lstat as FileMeta, undefined when the path does not exist. */
export async function lstatMeta(abs: string): Promise<FileMeta | undefined> {
  try {
    return metaOf(await fs.lstat(abs, { bigint: true }));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** lstat as FileMeta without a thread-pool round trip (hot paths of big syncs). */
export function lstatMetaSync(abs: string): FileMeta | undefined {
  const st = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
  return st ? metaOf(st) : undefined;
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function assertValid(rel: string): void {
  const problem = checkRelPath(rel);
  if (problem) throw new RefusedError(rel, problem);
}

/**
 * Folders already checked during one batch of writes, so a thousand files in
 * one folder cost one lstat of its parents, not a thousand. Kept per batch
 * only: a symlink written in the batch drops itself and everything below.
 */
export class CheckedDirs {
  private readonly ok = new Set<string>();
  private readonly made = new Set<string>();
  has(rel: string): boolean {
    return this.ok.has(rel);
  }
  add(rel: string, created = false): void {
    this.ok.add(rel);
    if (created) this.made.add(rel);
  }
  /** True when this batch created the folder, so nothing else can be in it yet (saves an lstat per file). */
  created(rel: string): boolean {
    return this.made.has(rel);
  }
  forget(rel: string): void {
    for (const d of this.ok) if (d === rel || d.startsWith(rel + '/')) this.ok.delete(d);
    for (const d of this.made) if (d === rel || d.startsWith(rel + '/')) this.made.delete(d);
  }
}

/**
 * Make sure every directory of `relDir` exists as a real directory (creating missing ones), never via a
 * symlink. Synchronous inside: a few cached lstat calls cost less than the thread-pool round trips.
 */
export async function ensureDirs(root: string, relDir: string, create = true, checked?: CheckedDirs): Promise<void> {
  ensureDirsSync(root, relDir, create, checked);
}

function ensureDirsSync(root: string, relDir: string, create: boolean, checked?: CheckedDirs): void {
  if (relDir === '' || checked?.has(relDir)) return;
  let abs = root;
  let sofar = '';
  for (const part of relDir.split('/')) {
    abs = path.join(abs, part);
    sofar = sofar ? `${sofar}/${part}` : part;
    if (checked?.has(sofar)) continue;
    let st = lstatSync(abs, { throwIfNoEntry: false });
    let made = false;
    if (!st) {
      if (!create) throw Object.assign(new Error(`${sofar} does not exist`), { code: 'ENOENT' });
      try {
        mkdirSync(abs, { mode: 0o755 });
        made = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      st = lstatSync(abs);
    }
    if (st.isSymbolicLink()) throw new RefusedError(sofar, 'a parent folder is a symlink; sync never writes through links');
    if (!st.isDirectory()) throw new RefusedError(sofar, 'a parent path is a file, not a folder');
    checked?.add(sofar, made);
  }
}

// Unique per process and call: a random prefix once, then a counter (cheaper than random bytes per file).
const TEMP_STEM = `${TEMP_PREFIX}${process.pid.toString(36)}${randomBytes(3).toString('hex')}-`;
let tempCounter = 0;

function tempPathIn(root: string, relDir: string): string {
  return path.join(toLocal(root, relDir), `${TEMP_STEM}${(tempCounter++).toString(36)}.tmp`);
}

// Read once: the creation mode only needs an explicit chmod when the umask would change it.
const UMASK = process.umask();

/** rename(2) never replaces a folder with a file or link (EISDIR/ENOTDIR/EEXIST); say so plainly. */
function folderInTheWay(err: unknown, rel: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' ? new RefusedError(rel, 'a local folder has this name') : err;
}

/**
 * Write a regular file from a buffer or stream: temp file (O_EXCL|O_NOFOLLOW), mode, mtime, then rename
 * into place. Asynchronous on purpose: creating files waits on the disk, and callers keep many writes in
 * flight so the thread pool hides that latency (synchronous creates were several times slower here).
 */
export async function writeFileInside(
  root: string,
  rel: string,
  content: Buffer | Readable,
  opts: { mode: number; mtime: number; checked?: CheckedDirs },
): Promise<FileMeta> {
  assertValid(rel);
  const dir = parentOf(rel);
  ensureDirsSync(root, dir, true, opts.checked);
  const tmp = tempPathIn(root, dir);
  const mode = opts.mode & 0o777;
  const fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  let size = 0;
  try {
    if (Buffer.isBuffer(content)) {
      await fh.writeFile(content);
      size = content.length;
    } else {
      // Plain iteration: tar entries are streamx streams, which stream.pipeline does not drive.
      for await (const chunk of content) {
        await fh.write(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
    if ((mode & ~UMASK) !== mode) await fh.chmod(mode);
    await fh.utimes(opts.mtime, opts.mtime);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await fs.rename(tmp, toLocal(root, rel));
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw folderInTheWay(err, rel);
  }
  // Exactly what lstat would say now: whole-second mtime, the mode just set.
  return { type: 'file', size, mtime: opts.mtime, mtimeKey: `${opts.mtime}.000000000`, mode };
}

/** Create (or replace) a symlink whose target stays inside the root. */
export async function symlinkInside(root: string, rel: string, target: string, mtime?: number, checked?: CheckedDirs): Promise<FileMeta> {
  assertValid(rel);
  if (!symlinkStaysInside(rel, target)) throw new RefusedError(rel, `symlink points outside the sync folder (${target})`);
  const dir = parentOf(rel);
  await ensureDirs(root, dir, true, checked);
  checked?.forget(rel);
  const tmp = tempPathIn(root, dir);
  await fs.symlink(target, tmp);
  try {
    if (mtime !== undefined) await fs.lutimes(tmp, mtime, mtime).catch(() => undefined);
    await fs.rename(tmp, toLocal(root, rel));
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw folderInTheWay(err, rel);
  }
  return (await lstatMeta(toLocal(root, rel)))!;
}

/** Create a directory (and its parents) inside the root. */
export async function mkdirInside(root: string, rel: string, mode = 0o755, checked?: CheckedDirs): Promise<FileMeta> {
  assertValid(rel);
  await ensureDirs(root, rel, true, checked);
  const abs = toLocal(root, rel);
  await fs.chmod(abs, (mode & 0o777) | 0o700).catch(() => undefined);
  return (await lstatMeta(abs))!;
}

/**
 * Remove one file, symlink or empty directory inside the root (a link is
 * removed, never followed). Returns false when a directory was not empty.
 */
export async function removeInside(root: string, rel: string): Promise<boolean> {
  assertValid(rel);
  await ensureDirs(root, parentOf(rel), false).catch((err) => {
    if (isMissing(err)) return;
    throw err;
  });
  const abs = toLocal(root, rel);
  const st = await fs.lstat(abs).catch((err) => (isMissing(err) ? undefined : Promise.reject(err)));
  if (!st) return true;
  if (!st.isDirectory()) {
    await fs.unlink(abs);
    return true;
  }
  try {
    await fs.rmdir(abs);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Rename within the root (used for conflict copies); neither side may pass through a symlink. */
export async function renameInside(root: string, from: string, to: string): Promise<void> {
  assertValid(from);
  assertValid(to);
  await ensureDirs(root, parentOf(from), false);
  await ensureDirs(root, parentOf(to));
  if (await lstatMeta(toLocal(root, to))) throw new RefusedError(to, 'conflict copy name already taken');
  await fs.rename(toLocal(root, from), toLocal(root, to));
}

/** Read a regular file inside the root for a hard-link entry, refusing links and folders. */
export async function readRegularInside(root: string, rel: string): Promise<Buffer> {
  assertValid(rel);
  await ensureDirs(root, parentOf(rel), false);
  const fh = await fs.open(toLocal(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new RefusedError(rel, 'hard link to something that is not a file');
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
