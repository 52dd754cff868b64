import type { Dirent } from 'node:fs';
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
 * Parse listing lines. Names with a newline arrive hex-encoded (`!N`); as a
 * fallback, a line that is neither a record nor a marker continues the
 * previous name. Either way such names are reported as refused, never used.
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
    if (line.startsWith('!N ')) {
      // A name with a newline, hex-encoded by the container script so it cannot break the lines.
      finish();
      const name = normalizeRel(Buffer.from(line.slice(3).trim(), 'hex').toString('utf8'));
      refused.push({ rel: name, reason: 'newline in the name' });
      continue;
    }
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

/** Walk the local tree below `start` (never following symlinks), skipping excluded paths and sync's own temp files (collected in `temps`). */
export async function listLocal(
  root: string,
  excluded: (rel: string, isDir: boolean) => boolean,
  start = '',
  temps?: string[],
): Promise<Map<string, FileMeta>> {
  const out = new Map<string, FileMeta>();
  const abs = (rel: string): string => (rel === '' ? root : path.join(root, ...rel.split('/')));
  const statOne = async (rel: string): Promise<FileMeta | undefined> => {
    try {
      const meta = metaOf(await fs.lstat(abs(rel), { bigint: true }));
      if (meta.type === 'symlink') meta.size = Buffer.byteLength(await fs.readlink(abs(rel)).catch(() => ''));
      return meta;
    } catch {
      return undefined; // vanished while walking
    }
  };
  const walk = async (relDir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(abs(relDir), { withFileTypes: true });
    } catch {
      return;
    }
    // Excluded folders are dropped on the readdir type alone, so node_modules is never stat-ed.
    const rels = entries
      .map((d) => ({ rel: relDir === '' ? d.name : `${relDir}/${d.name}`, dir: d.isDirectory() }))
      .filter(({ rel, dir }) => {
        if (!isSyncTemp(rel)) return !(dir && excluded(rel, true));
        temps?.push(rel); // left behind by a sync that was killed mid-write
        return false;
      })
      .map(({ rel }) => rel);
    const subdirs: string[] = [];
    // A folder's entries are stat-ed together: one at a time leaves the disk idle between calls.
    for (let i = 0; i < rels.length; i += 64) {
      const part = rels.slice(i, i + 64);
      const metas = await Promise.all(part.map(statOne));
      part.forEach((rel, k) => {
        const meta = metas[k];
        if (!meta || excluded(rel, meta.type === 'dir')) return;
        out.set(rel, meta);
        if (meta.type === 'dir') subdirs.push(rel);
      });
    }
    for (const dir of subdirs) await walk(dir);
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
