import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ContextEntry } from './context.js';

/** Bumped whenever the hash inputs change meaning, so old cache entries stop matching. */
const SCHEME = 'devspace-build/1';
/** How many files are read at once while hashing. */
const PARALLEL_READS = 8;

/** JSON with sorted object keys and `undefined` dropped, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 of a file's bytes, streamed. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  const rs = createReadStream(path, signal ? { signal } : {});
  try {
    for await (const chunk of rs) h.update(chunk as Buffer);
  } finally {
    rs.destroy();
  }
  return h.digest('hex');
}

/**
 * One digest over what the tar will hold: path, type, permission bits and
 * the sha256 of each file's content. Mtimes, owners and inode data are left
 * out on purpose: they differ between checkouts (the v3.5 cache used mtimes
 * and rebuilt everything in CI).
 */
export async function hashEntries(entries: readonly ContextEntry[], signal?: AbortSignal): Promise<string> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const digests = new Array<string>(sorted.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sorted.length) {
      const i = next++;
      const e = sorted[i] as ContextEntry;
      signal?.throwIfAborted();
      if (e.type === 'symlink') digests[i] = `link:${e.linkname ?? ''}`;
      else if (e.type === 'directory') digests[i] = 'dir';
      else if (e.content) digests[i] = createHash('sha256').update(e.content).digest('hex');
      else digests[i] = e.source ? await hashFile(e.source, signal) : 'empty';
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, sorted.length) }, worker));
  const h = createHash('sha256');
  sorted.forEach((e, i) => h.update(`${e.type} ${e.mode.toString(8)} ${JSON.stringify(e.path)} ${digests[i]}\n`));
  return h.digest('hex');
}

/** The rebuild key of one image: its build-relevant config, the override and the context digest. */
export function buildHash(parts: { config: unknown; override?: unknown; dockerfile: string; context: string }): string {
  return createHash('sha256')
    .update(`${SCHEME}\n`)
    .update(`config ${canonicalJson(parts.config)}\n`)
    .update(`override ${canonicalJson(parts.override ?? null)}\n`)
    .update(`dockerfile ${JSON.stringify(parts.dockerfile)}\n`)
    .update(`context ${parts.context}\n`)
    .digest('hex');
}

/** The tag for a content hash: unchanged inputs give the same tag, so deploy sees the same reference. */
export function deriveTag(hash: string): string {
  return `ds-${hash.slice(0, 12)}`;
}
