import fs from 'node:fs/promises';
import path from 'node:path';
import { checkRelPath, isSyncTemp, normalizeRel } from './paths.js';
import { metaOf } from './safe-fs.js';
import type { FileMeta } from './types.js';

/**
 * Tree listings on both sides. The container side prints one busybox
 * `stat -c '%f %s %Y %y %n'` line per path (raw mode in hex, size, mtime
 * seconds, mtime with nanoseconds, name); the local side is a plain walk.
 */

/** The stat format every container listing uses. */
export const STAT_FORMAT = '%f %s %Y %y %n';

/** One parsed container stat line. */
export interface RemoteRecord {
  rel: string;
  meta: FileMeta;
}

/** Everything one listing or watcher report said. */
export interface ParsedListing {
  records: RemoteRecord[];
  /** Folders whose complete list of direct children was printed (`!D` blocks). */
  dirs: Map<string, string[]>;
  /** Names that cannot be used locally (e.g. a newline in the name). */
  refused: { rel: string; reason: string }[];
}

const RECORD = /^([0-9a-f]{1,8}) (\d+) (-?\d+) \S+ (\S+) \S+ (\.(?:\/.*)?)$/;

/** File type from the raw st_mode bits. */
export function typeOfMode(raw: number): { type: FileMeta['type']; kind?: string } {
  switch (raw & 0o170000) {
    case 0o100000:
      return { type: 'file' };
    case 0o040000:
      return { type: 'dir' };
    case 0o120000:
      return { type: 'symlink' };
    case 0o010000:
      return { type: 'other', kind: 'FIFO (named pipe)' };
    case 0o140000:
      return { type: 'other', kind: 'socket' };
    default:
      return { type: 'other', kind: 'device file' };
  }
}

/**
 * Parse listing lines. A line that is neither a record nor a marker
 * continues the previous name (a newline in a file name); such names are
 * reported as refused, never used.
 */
export function parseStatLines(lines: readonly string[]): ParsedListing {
  const records: RemoteRecord[] = [];
  const dirs = new Map<string, string[]>();
  const refused: ParsedListing['refused'] = [];
  let current: string[] | undefined;
  let last: { rel: string; broken: boolean; meta: FileMeta } | undefined;
  const finish = (): void => {
    if (!last) return;
    const problem = last.broken ? 'newline in the name' : last.rel === '' ? undefined : checkRelPath(last.rel);
    if (problem) refused.push({ rel: last.rel, reason: problem });
    else if (last.rel !== '') {
      records.push({ rel: last.rel, meta: last.meta });
      current?.push(last.rel);
    }
    last = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('!D ')) {
      finish();
      current = [];
      dirs.set(normalizeRel(line.slice(3)), current);
      continue;
    }
    const m = RECORD.exec(line);
    if (!m) {
      if (last) {
        last.rel += '\n' + line;
        last.broken = true;
      }
      continue;
    }
    finish();
    const raw = parseInt(m[1]!, 16);
    const { type, kind } = typeOfMode(raw);
    const mtime = Number(m[3]);
    const frac = (m[4]!.split('.')[1] ?? '').padEnd(9, '0').slice(0, 9);
    const meta: FileMeta = { type, size: type === 'dir' ? 0 : Number(m[2]), mtime, mtimeKey: `${mtime}.${frac}`, mode: raw & 0o7777 };
    if (kind) meta.kind = kind;
    last = { rel: normalizeRel(m[5]!), broken: false, meta };
  }
  finish();
  return { records, dirs, refused };
}

/** Walk the local tree below `start` (never following symlinks), skipping excluded paths and sync's own temp files. */
export async function listLocal(root: string, excluded: (rel: string, isDir: boolean) => boolean, start = ''): Promise<Map<string, FileMeta>> {
  const out = new Map<string, FileMeta>();
  const walk = async (relDir: string): Promise<void> => {
    let names: string[];
    try {
      names = await fs.readdir(relDir === '' ? root : path.join(root, ...relDir.split('/')));
    } catch {
      return; // vanished while walking
    }
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      if (isSyncTemp(rel)) continue;
      let meta: FileMeta;
      try {
        meta = metaOf(await fs.lstat(path.join(root, ...rel.split('/')), { bigint: true }));
      } catch {
        continue;
      }
      if (excluded(rel, meta.type === 'dir')) continue;
      if (meta.type === 'symlink') {
        const target = await fs.readlink(path.join(root, ...rel.split('/'))).catch(() => '');
        meta.size = Buffer.byteLength(target);
      }
      out.set(rel, meta);
      if (meta.type === 'dir') await walk(rel);
    }
  };
  await walk(start);
  return out;
}

/** Two metas describe the same version of a path on the same side. */
export function sameMeta(a: FileMeta | undefined, b: FileMeta | undefined): boolean {
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'dir') return true;
  if (a.type === 'symlink') return a.size === b.size;
  return a.size === b.size && a.mtimeKey === b.mtimeKey && (a.mode & 0o111) === (b.mode & 0o111);
}
