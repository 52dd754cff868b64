import { readdir, readFile, readlink, lstat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';

/** One entry of the build-context tar. */
export interface ContextEntry {
  /** `/`-separated path relative to the context root, as it appears in the tar. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  mtime: Date;
  /** Absolute path to read the file from; absent for generated entries. */
  source?: string;
  /** Generated content (in-memory Dockerfile, rewritten `.dockerignore`). */
  content?: Buffer;
  /** Symlink target, sent as is (Docker does not follow links in the context). */
  linkname?: string;
}

/** What goes into the tar and which Dockerfile path the Engine should read. */
export interface ContextPlan {
  contextDir: string;
  entries: ContextEntry[];
  /** Dockerfile path inside the tar. */
  dockerfile: string;
}

export interface ListContextOptions {
  /** Dockerfile path relative to the context; always kept even when ignored. */
  dockerfile?: string;
  /** Absolute paths never sent, e.g. the project's `.devspace/` cache dir. */
  exclude?: readonly string[];
}

const toPosix = (p: string): string => p.split(sep).join('/');

/**
 * Walk the context directory and keep what `.dockerignore` lets through, with
 * Docker's semantics: `!` patterns re-include files below ignored dirs (so
 * ignored dirs are still walked when any `!` pattern exists), and the
 * Dockerfile and `.dockerignore` are always sent.
 */
export async function listContext(contextDir: string, opts: ListContextOptions = {}): Promise<ContextEntry[]> {
  let ignoreText = '';
  try {
    ignoreText = await readFile(join(contextDir, '.dockerignore'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // The package's CJS typings put the factory on `.default`; at runtime it is there as well.
  const ig = dockerignore.default({ ignorecase: false }).add(ignoreText);
  const hasNegation = ignoreText.split(/\r?\n/).some((l) => l.trim().startsWith('!'));
  const dockerfile = opts.dockerfile ? toPosix(opts.dockerfile).replace(/^\.\//, '') : undefined;
  const alwaysKeep = new Set(['.dockerignore', ...(dockerfile ? [dockerfile] : [])]);
  const mustVisit = new Set<string>();
  for (const keep of alwaysKeep) {
    const parts = keep.split('/');
    for (let i = 1; i < parts.length; i++) mustVisit.add(parts.slice(0, i).join('/'));
  }
  const excluded = new Set(opts.exclude ?? []);
  const entries: ContextEntry[] = [];

  const walk = async (dir: string): Promise<void> => {
    const dirents = await readdir(dir, { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      const abs = join(dir, d.name);
      if (excluded.has(abs)) continue;
      const rel = toPosix(relative(contextDir, abs));
      const ignored = !alwaysKeep.has(rel) && ig.ignores(rel);
      if (d.isDirectory()) {
        if (ignored && !hasNegation && !mustVisit.has(rel)) continue;
        if (!ignored) entries.push(await entry(abs, rel, 'directory'));
        await walk(abs);
      } else if (!ignored && d.isSymbolicLink()) {
        entries.push({ ...(await entry(abs, rel, 'symlink')), linkname: await readlink(abs) });
      } else if (!ignored && d.isFile()) {
        entries.push(await entry(abs, rel, 'file'));
      }
      // Sockets, FIFOs and devices are never sent, as with the Docker CLI.
    }
  };
  await walk(contextDir);
  return entries;
}

async function entry(abs: string, rel: string, type: ContextEntry['type']): Promise<ContextEntry> {
  const st = await lstat(abs);
  return { path: rel, type, mode: st.mode & 0o7777, mtime: st.mtime, ...(type === 'file' ? { source: abs } : {}) };
}

/** True when `file` lies inside `dir` (both absolute). */
export function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Decide what the Engine gets: the walked context plus, when the Dockerfile
 * was rewritten in memory or lies outside the context, that text under a
 * generated name which is also appended to `.dockerignore`. The classic
 * builder drops files the `.dockerignore` names after reading the Dockerfile
 * (as the Docker CLI relies on for `-f` outside the context), so `COPY . .`
 * sees exactly the files of a build without the override and shares its
 * layer cache.
 */
export async function planContext(
  contextDir: string,
  entries: ContextEntry[],
  dockerfile: { path: string; text: string; generatedName?: string },
): Promise<ContextPlan> {
  if (!dockerfile.generatedName && isInside(contextDir, dockerfile.path)) {
    return { contextDir, entries, dockerfile: toPosix(relative(contextDir, dockerfile.path)) };
  }
  const name = dockerfile.generatedName ?? '.devspace-dockerfile';
  const epoch = new Date(0);
  const old = entries.find((e) => e.path === '.dockerignore');
  const oldText = old?.source ? await readFile(old.source) : (old?.content ?? Buffer.from('.dockerignore'));
  const out = entries.filter((e) => e.path !== '.dockerignore' && e.path !== name);
  out.push(
    {
      path: '.dockerignore',
      type: 'file',
      mode: old?.mode ?? 0o644,
      mtime: old?.mtime ?? epoch,
      content: Buffer.concat([oldText, Buffer.from(`\n${name}\n`)]),
    },
    { path: name, type: 'file', mode: 0o644, mtime: epoch, content: Buffer.from(dockerfile.text) },
  );
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { contextDir, entries: out, dockerfile: name };
}
