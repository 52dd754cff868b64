import path from 'node:path';

/**
 * Relative sync paths: `/`-separated, no leading `./`, never absolute, never
 * climbing with `..`. Every path that comes from the container goes through
 * `checkRelPath` before it is used on the local disk.
 */

/** Longest file name and relative path accepted (Linux NAME_MAX and PATH_MAX). */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;

/** Why a path from the other side cannot be used locally, or undefined when it can. */
export function checkRelPath(rel: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (rel === '') return 'empty name';
  if (rel.includes('\0')) return 'NUL in the name';
  if (/[\n\r]/.test(rel)) return 'newline in the name';
  if (rel.includes('\uFFFD')) return 'name is not valid UTF-8';
  // Terminal escapes in a name would reach the user's terminal through every line that shows it (tabs are harmless).
  if (/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(rel)) return 'control character in the name';
  if (rel.startsWith('/')) return 'absolute path';
  if (Buffer.byteLength(rel) > MAX_PATH_BYTES) return `path too long (over ${MAX_PATH_BYTES} bytes)`;
  const parts = rel.split('/');
  for (const part of parts) {
    if (part === '..') return 'path climbs out of the sync folder (..)';
    if (part === '' || part === '.') return 'malformed path';
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) return `name too long (over ${MAX_NAME_BYTES} bytes)`;
  }
  if (platform === 'win32') {
    if (/[\\:<>"|?*\x00-\x1f]/.test(rel)) return 'name not allowed on Windows';
    if (parts.some((p) => /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(p) || /[. ]$/.test(p))) return 'name not allowed on Windows';
  }
  return undefined;
}

/** `./a/b` or `a/b/` → `a/b`; the root is ''. */
export function normalizeRel(name: string): string {
  let rel = name;
  while (rel.startsWith('./')) rel = rel.slice(2);
  if (rel === '.') return '';
  return rel.replace(/\/+$/, '');
}

/** The parent of a relative path ('' for top-level entries). */
export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

/** True when `rel` is `dir` or inside it. */
export function isWithin(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(dir + '/');
}

/** A relative sync path as an absolute local path (only after `checkRelPath`). */
export function toLocal(root: string, rel: string): string {
  return rel === '' ? root : path.join(root, ...rel.split('/'));
}

/** A local absolute path under `root` as a relative sync path, or undefined when outside. */
export function fromLocal(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * Whether a symlink at `rel` with `target` stays inside the sync root when
 * resolved lexically: absolute targets never do (they mean something else
 * on the other machine).
 */
export function symlinkStaysInside(rel: string, target: string): boolean {
  if (target === '' || target.includes('\0') || path.posix.isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target)) return false;
  const resolved = path.posix.normalize(path.posix.join(parentOf(rel), target.replace(/\\/g, '/')));
  return resolved !== '..' && !resolved.startsWith('../') && !path.posix.isAbsolute(resolved);
}

/** Which side kept the losing copy of a conflicting file. */
export type ConflictSide = 'local' | 'container';

/**
 * The name of a conflict copy: `dir/name.conflict-<side>-<yyyymmdd-hhmmss>.ext`
 * (UTC), `-2`, `-3`… appended when taken. Dotfiles without another dot keep
 * the suffix at the end (`.env.conflict-local-…`).
 */
export function conflictName(rel: string, side: ConflictSide, when: Date, taken: (candidate: string) => boolean = () => false): string {
  const dir = parentOf(rel);
  const base = rel.slice(dir === '' ? 0 : dir.length + 1);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const stamp = when.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  for (let n = 1; ; n++) {
    const name = `${stem}.conflict-${side}-${stamp}${n > 1 ? `-${n}` : ''}${ext}`;
    const candidate = dir === '' ? name : `${dir}/${name}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Prefix of the temp files sync writes next to their destination; never synced. */
export const TEMP_PREFIX = '.devspace-sync-';

/** True for the temp files sync itself writes (so watchers skip them). */
export function isSyncTemp(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return base.startsWith(TEMP_PREFIX) && base.endsWith('.tmp');
}
