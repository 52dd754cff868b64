import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ContextEntry } from './context.js';

/** Turn a glob (`**`, `*`, `?`, `[…]`, `{a,b}`) over `/`-separated paths into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let re = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === '*' && g[i + 1] === '*') {
      const slashAfter = g[i + 2] === '/';
      re += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${g.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The leading directories of a glob that contain no wildcard, so only that subtree is walked. */
function staticBase(glob: string): string {
  const parts = glob.replace(/^\.\//, '').split('/');
  const base: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (/[*?[{]/.test(p)) break;
    base.push(p);
  }
  return base.join('/');
}

/**
 * The files under `root` matched by any of `globs` (a matched directory
 * brings all its files), as entries for `hashEntries`. `.git` is skipped.
 */
export async function expandGlobs(root: string, globs: readonly string[], signal?: AbortSignal): Promise<ContextEntry[]> {
  const found = new Map<string, ContextEntry>();
  for (const glob of globs) {
    const re = globToRegExp(glob);
    const walk = async (dir: string, takeAll: boolean): Promise<void> => {
      signal?.throwIfAborted();
      let dirents;
      try {
        dirents = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const d of dirents) {
        if (d.name === '.git') continue;
        const abs = join(dir, d.name);
        const rel = relative(root, abs).split(sep).join('/');
        const hit = takeAll || re.test(rel);
        if (d.isDirectory()) await walk(abs, hit);
        else if (hit && d.isFile() && !found.has(rel)) {
          const st = await lstat(abs);
          found.set(rel, { path: rel, type: 'file', mode: st.mode & 0o7777, mtime: st.mtime, source: abs });
        }
      }
    };
    await walk(join(root, staticBase(glob)), false);
  }
  return [...found.values()];
}
