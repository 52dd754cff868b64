import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One successful build remembered for the rebuild check. */
export interface CachedBuild {
  /** The content hash the image was built from. */
  hash: string;
  ref: string;
  /** Local image id at build time; a different id under `ref` means the tag was reused. */
  imageId?: string;
  /** ISO time of the build. */
  builtAt: string;
}

/** The `images` part of `.devspace/cache.json`; other top-level keys belong to other stages and are kept. */
export interface BuildCache {
  images: Record<string, { builds: CachedBuild[] }>;
}

/** Builds kept per image, so switching between `dev` (override) and `deploy` does not rebuild. */
const KEEP_BUILDS = 4;

/** Where the cache lives in a project. */
export function cachePath(projectRoot: string): string {
  return join(projectRoot, '.devspace', 'cache.json');
}

/**
 * The whole cache file as an object, shared by build and deploy, which each
 * own one top-level key. Missing or corrupt reads as empty: the worst case is
 * one rebuild or redeploy.
 */
export async function readRaw(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Read the build cache; a missing or unreadable file is an empty cache. */
export async function readBuildCache(projectRoot: string): Promise<BuildCache> {
  const raw = await readRaw(cachePath(projectRoot));
  const images = raw.images && typeof raw.images === 'object' ? (raw.images as BuildCache['images']) : {};
  return { images };
}

/** The remembered build of `key` with this hash and reference, if any. */
export function findCachedBuild(cache: BuildCache, key: string, hash: string, ref: string): CachedBuild | undefined {
  const builds = cache.images[key]?.builds;
  return Array.isArray(builds) ? builds.find((b) => b.hash === hash && b.ref === ref) : undefined;
}

// Writes within this process are chained so two images finishing together do not lose an update.
const chains = new Map<string, Promise<void>>();

/** Remember a build (newest first) and write the file atomically: temp file, then rename. */
export function recordBuild(projectRoot: string, key: string, build: CachedBuild): Promise<void> {
  const file = cachePath(projectRoot);
  const prev = chains.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    const raw = await readRaw(file);
    const images = (raw.images && typeof raw.images === 'object' ? raw.images : {}) as BuildCache['images'];
    const old = Array.isArray(images[key]?.builds) ? (images[key]?.builds ?? []) : [];
    // A reused tag (fixed `tag:`) now points at this build only.
    const kept = old.filter((b) => b.hash !== build.hash && b.ref !== build.ref);
    images[key] = { builds: [build, ...kept].slice(0, KEEP_BUILDS) };
    await writeAtomic(file, `${JSON.stringify({ ...raw, images }, null, 2)}\n`);
  });
  const settled = next.catch(() => undefined);
  chains.set(file, settled);
  void settled.then(() => chains.get(file) === settled && chains.delete(file));
  return next;
}

/** Write via a temp file in the same directory and rename, so readers never see half a file. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
