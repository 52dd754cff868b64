import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { checkRelPath, normalizeRel, symlinkStaysInside } from './paths.js';

/**
 * Reading tar streams that come from the container. Every entry is judged
 * before anything is written: only paths that were asked for, only files,
 * folders, in-tree symlinks and in-tree hard links; everything else is
 * refused with a reason and its data skipped.
 */

/** The header fields sync reads (a subset of tar-stream's Headers). */
export interface TarHeader {
  name: string;
  type?: string | null;
  linkname?: string | null;
  mode?: number | null;
  mtime?: Date | null;
  size?: number | null;
}

/** An entry that passed validation. */
export interface TarItem {
  rel: string;
  kind: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  /** Whole seconds since the epoch. */
  mtime: number;
  size: number;
  /** Symlink target as stored, or the in-tree path a hard link copies. */
  linkTarget?: string;
}

export type Judgement = { ok: true; item: TarItem } | { ok: false; rel: string; reason: string } | { ok: 'skip' };

/** Decide whether a tar entry may be written under the sync root. */
export function judgeEntry(header: TarHeader, wanted?: ReadonlySet<string>, platform: NodeJS.Platform = process.platform): Judgement {
  const raw = header.name;
  const rel = normalizeRel(raw);
  // tar-stream reports an unknown type flag (GNU sparse, vendor types...) as null, a missing one as undefined.
  const type = header.type === undefined ? 'file' : header.type;
  if (raw === '.' || raw === './' || (rel === '' && !raw.startsWith('/'))) {
    return header.type === undefined || type === 'directory' ? { ok: 'skip' } : { ok: false, rel: raw, reason: `the sync folder itself cannot be replaced (${type ?? 'unknown type'})` };
  }
  const shown = rel || raw;
  const problem = raw.startsWith('/') ? 'absolute path' : checkRelPath(rel, platform);
  if (problem) return { ok: false, rel: shown, reason: problem };
  if (wanted && !wanted.has(rel)) return { ok: false, rel, reason: 'not requested' };
  const base = {
    rel,
    mode: (header.mode ?? 0o644) & 0o7777,
    mtime: Math.floor(validTime(header.mtime?.getTime()) / 1000),
    size: header.size ?? 0,
  };
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return { ok: true, item: { ...base, kind: 'file' } };
    case 'directory':
      return { ok: true, item: { ...base, kind: 'dir', size: 0 } };
    case 'symlink': {
      const target = header.linkname ?? '';
      if (!symlinkStaysInside(rel, target)) return { ok: false, rel, reason: `symlink points outside the sync folder (${target})` };
      return { ok: true, item: { ...base, kind: 'symlink', size: Buffer.byteLength(target), linkTarget: target } };
    }
    case 'link': {
      const target = normalizeRel(header.linkname ?? '');
      const bad = target === '' ? 'empty hard link target' : checkRelPath(target, platform);
      if (bad) return { ok: false, rel, reason: `hard link target refused: ${bad}` };
      return { ok: true, item: { ...base, kind: 'hardlink', size: 0, linkTarget: target } };
    }
    case 'character-device':
    case 'block-device':
      return { ok: false, rel, reason: 'device file' };
    case 'fifo':
      return { ok: false, rel, reason: 'FIFO (named pipe)' };
    default:
      return { ok: false, rel, reason: `unsupported tar entry type (${type ?? 'unknown type flag'})` };
  }
}

/** An mtime a filesystem accepts (a corrupt header can decode to NaN or beyond the Date range). */
function validTime(ms: number | undefined): number {
  return ms !== undefined && Number.isFinite(ms) ? ms : Date.now();
}

/** What to do with each entry of a tar stream. */
export interface TarHandlers {
  /** Write one accepted entry; must consume `body` (file data) before resolving. */
  item(item: TarItem, body: Readable): Promise<void>;
  refused(rel: string, reason: string): void;
}

/**
 * Bounds on what one tar stream may make sync read. A container that lies
 * could announce a terabyte, send endless zero blocks (which tar readers
 * skip) or far more entries than were asked for; none of that is ever read
 * to the end.
 */
export interface TarLimits {
  /** Bytes of entry data the stream may carry in all (the free local disk space). */
  room: number;
  /** Most entries, since a real `tar c` sends one per requested path. */
  maxEntries: number;
}

/** The stream was given up early (see TarLimits); what was written before stays. */
export class TarAbandoned extends Error {
  override name = 'TarAbandoned';
}

/** Bytes that are neither headers nor entry data a stream may send before it is given up (pax records included). */
const OVERHEAD_BYTES = 8 * 1024 * 1024;
const OVERHEAD_PER_ENTRY = 64 * 1024;

/**
 * Walk a tar stream entry by entry, validating each; rejects on a corrupt
 * stream, and with TarAbandoned when it breaks `limits` (the entry that
 * did is reported as refused first).
 */
export async function readTar(source: Readable, handlers: TarHandlers, wanted?: ReadonlySet<string>, limits?: TarLimits): Promise<void> {
  const extract = tarStream.extract();
  let received = 0;
  let announced = 0;
  let entries = 0;
  let room = limits?.room ?? Infinity;
  source.on('error', (err) => extract.destroy(err));
  if (limits) {
    // Bytes received but not parsed yet (so their headers are not counted) are at most about two
    // chunks: the extractor takes one chunk at a time and the pipe stops while it is busy.
    let biggest = 0;
    source.on('data', (chunk: Buffer) => {
      received += chunk.length;
      biggest = Math.max(biggest, chunk.length);
      if (received - announced > OVERHEAD_BYTES + OVERHEAD_PER_ENTRY * entries + 2 * biggest) {
        extract.destroy(new TarAbandoned(`the container kept sending data that is not file data (${formatBytes(received - announced)})`));
      }
    });
  }
  source.pipe(extract as unknown as NodeJS.WritableStream);
  // Nothing is written below an entry that was refused (e.g. `evil/passwd` after a refused `evil -> /etc`).
  const refusedDirs = new Set<string>();
  const underRefused = (rel: string): boolean => {
    for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) if (refusedDirs.has(rel.slice(0, i))) return true;
    return false;
  };
  for await (const entry of extract) {
    let ended = false;
    // A stream cut off mid-entry destroys the entry instead of ending it.
    const end = new Promise<void>((resolve) => {
      const done = (): void => ((ended = true), resolve());
      entry.on('end', done);
      entry.on('close', done);
    });
    const header = entry.header as TarHeader;
    let verdict = judgeEntry(header, wanted);
    if (verdict.ok === true && underRefused(verdict.item.rel)) verdict = { ok: false, rel: verdict.item.rel, reason: 'inside a refused entry' };
    // Data follows every header with a size except a folder's (tar-stream skips nothing for those).
    const data = header.type === 'directory' ? 0 : Math.max(0, header.size ?? 0);
    announced += data;
    entries++;
    if (limits && (data > room || entries > limits.maxEntries)) {
      const rel = verdict.ok === 'skip' ? header.name : verdict.ok ? verdict.item.rel : verdict.rel;
      const why = data > room ? `announces ${formatBytes(data)}, more than the ${formatBytes(room)} free on the local disk` : undefined;
      if (why || verdict.ok === false) handlers.refused(rel, verdict.ok === false ? verdict.reason : why!);
      throw new TarAbandoned(
        why ? `the container sent ${rel}, which ${why}` : `the container sent more entries than were asked for (${entries} for ${wanted?.size ?? 0} paths)`,
      );
    }
    room -= data;
    if (verdict.ok === false) refusedDirs.add(verdict.rel);
    if (verdict.ok === true) {
      // tar-stream entries are streamx streams; they behave as Node Readables for what sync does with them.
      await handlers.item(verdict.item, entry as unknown as Readable);
    } else if (verdict.ok === false) {
      handlers.refused(verdict.rel, verdict.reason);
    }
    // Whatever the handler left unread is skipped so the next header can be parsed.
    if (!ended) {
      entry.resume();
      await end;
    }
  }
}

/** `1.0 TiB`, `73.9 GiB`, `512 B`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
