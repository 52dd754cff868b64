import type Docker from 'dockerode';
import { relative } from 'node:path';
import type { DevEngineEmitter } from '../events.js';
import { findCachedBuild, recordBuild, type BuildCache } from './cache.js';
import { customBuild } from './custom-build.js';
import { dockerBuild } from './docker-build.js';
import { engineUnreachable } from './docker-client.js';
import { parseImageRef } from './image-ref.js';
import type { CredentialStore } from './credential-store.js';
import type { PreparedImage } from './prepare.js';
import type { BuiltImage } from './types.js';

export interface BuildContext {
  docker: Docker;
  events: DevEngineEmitter;
  projectRoot: string;
  cache: BuildCache;
  credentials: CredentialStore;
  force: boolean;
  signal?: AbortSignal;
}

/**
 * Why an image needs no build, or undefined when it does. A derived tag names
 * its content, so an image under it is reusable even without a cache entry;
 * a fixed tag only counts when the cache says this content was built under it.
 */
export async function skipReason(
  img: PreparedImage,
  ctx: BuildContext,
): Promise<{ reason: string; imageId?: string; local: boolean } | undefined> {
  if (ctx.force || img.alwaysBuild) return undefined;
  const cached = findCachedBuild(ctx.cache, img.spec.key, img.hash, img.ref);
  if (!cached && img.spec.tag) return undefined;
  // A custom command may not use the local Engine at all, so an unreachable one only means "not local".
  const localId = await localImageId(ctx.docker, img.ref).catch((err: unknown) => {
    if (img.builder === 'custom' && !ctx.signal?.aborted) return undefined;
    throw err;
  });
  if (localId) {
    // The tag now names a different image (rebuilt elsewhere, or retagged by hand).
    if (cached?.imageId && cached.imageId !== localId) return undefined;
    const reason = cached ? 'nothing changed since the last build' : 'an image for this content already exists';
    return { reason, imageId: localId, local: true };
  }
  const registry = await inRegistryWithin(img.ref, ctx);
  return registry ? { reason: `nothing changed; the image is in registry ${registry}`, local: false } : undefined;
}

/** How long asking the registry for a ready-made image may take; building is the fallback, so it need not wait. */
export const REGISTRY_CHECK_MS = 5000;

/**
 * Ask the registry for the image, but only briefly: a registry that accepts
 * connections and never answers would otherwise hold the build phase, with
 * nothing on screen, for as long as the Engine keeps retrying.
 */
async function inRegistryWithin(ref: string, ctx: BuildContext): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(REGISTRY_CHECK_MS);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  try {
    return await ctx.credentials.inRegistry(ctx.docker, ref, signal);
  } catch (err) {
    if (ctx.signal?.aborted || !timeout.aborted) throw err;
    ctx.events.send('engine:warning', {
      scope: 'build',
      message: `registry ${parseImageRef(ref).registry} did not answer within ${REGISTRY_CHECK_MS / 1000} s; building ${ref} instead of reusing it`,
    });
    return undefined;
  }
}

/** The local image id under `ref`, or undefined when the Engine has none. */
export async function localImageId(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw engineUnreachable(docker, err) ?? err;
  }
}

/** Build one prepared image unless the cache says it exists; records the result in the cache. */
export async function buildPrepared(img: PreparedImage, ctx: BuildContext): Promise<BuiltImage> {
  const { events, docker, signal } = ctx;
  const key = img.spec.key;
  const base = {
    key,
    image: img.spec.image,
    tag: img.tag,
    ref: img.ref,
    skipPush: img.spec.build?.docker?.skipPush ?? false,
    createPullSecret: img.spec.createPullSecret ?? false,
    builder: img.builder,
  };
  const skip = await skipReason(img, ctx);
  if (skip) {
    events.send('build:skipped', { image: key, ref: img.ref, reason: skip.reason });
    return { ...base, rebuilt: false, local: skip.local, ...(skip.imageId ? { imageId: skip.imageId } : {}) };
  }
  const started = Date.now();
  const show = (p: string | undefined): string => (p ? `./${relative(ctx.projectRoot, p) || '.'}` : '');
  events.send('build:start', { image: key, ref: img.ref, dockerfile: show(img.dockerfilePath), context: show(img.contextDir) });
  let imageId: string | undefined;
  if (img.builder === 'custom' && img.custom) {
    const { projectRoot } = ctx;
    await customBuild({ events, key, ref: img.ref, config: img.custom, projectRoot, ...(signal ? { signal } : {}) });
    imageId = await localImageId(docker, img.ref).catch(() => undefined);
  } else if (img.plan) {
    const registryConfig = await ctx.credentials.registryConfig(img.baseImages);
    ({ imageId } = await dockerBuild({
      docker,
      events,
      key,
      ref: img.ref,
      plan: img.plan,
      ...(img.options ? { options: img.options } : {}),
      ...(registryConfig ? { registryConfig } : {}),
      ...(signal ? { signal } : {}),
    }));
  }
  const ms = Date.now() - started;
  await recordBuild(ctx.projectRoot, key, {
    hash: img.hash,
    ref: img.ref,
    ...(imageId ? { imageId } : {}),
    builtAt: new Date().toISOString(),
  });
  events.send('build:done', { image: key, ref: img.ref, ...(imageId ? { imageId } : {}), ms });
  // A custom command may push itself and leave nothing in the local Engine.
  return { ...base, rebuilt: true, local: imageId !== undefined, ...(imageId ? { imageId } : {}) };
}
