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
  if (raw === '.' || raw === './' || (rel === '' && !raw.startsWith('/'))) return { ok: 'skip' };
  const shown = rel || raw;
  const problem = raw.startsWith('/') ? 'absolute path' : checkRelPath(rel, platform);
  if (problem) return { ok: false, rel: shown, reason: problem };
  if (wanted && !wanted.has(rel)) return { ok: false, rel, reason: 'not requested' };
  const base = {
    rel,
    mode: (header.mode ?? 0o644) & 0o7777,
    mtime: Math.floor((header.mtime?.getTime() ?? Date.now()) / 1000),
    size: header.size ?? 0,
  };
  switch (header.type ?? 'file') {
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
      return { ok: false, rel, reason: `unsupported tar entry type ${header.type}` };
  }
}

/** What to do with each entry of a tar stream. */
export interface TarHandlers {
  /** Write one accepted entry; must consume `body` (file data) before resolving. */
  item(item: TarItem, body: Readable): Promise<void>;
  refused(rel: string, reason: string): void;
}

/** Walk a tar stream entry by entry, validating each; rejects on a corrupt stream. */
export async function readTar(source: Readable, handlers: TarHandlers, wanted?: ReadonlySet<string>): Promise<void> {
  const extract = tarStream.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  // Nothing is written below an entry that was refused (e.g. `evil/passwd` after a refused `evil -> /etc`).
  const refusedDirs = new Set<string>();
  const underRefused = (rel: string): boolean => {
    for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) if (refusedDirs.has(rel.slice(0, i))) return true;
    return false;
  };
  for await (const entry of extract) {
    let ended = false;
    const end = new Promise<void>((resolve) => entry.on('end', () => ((ended = true), resolve())));
    let verdict = judgeEntry(entry.header as TarHeader, wanted);
    if (verdict.ok === true && underRefused(verdict.item.rel)) verdict = { ok: false, rel: verdict.item.rel, reason: 'inside a refused entry' };
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
