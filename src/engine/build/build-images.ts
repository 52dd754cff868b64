import { buildPrepared } from './build-image.js';
import { readBuildCache } from './cache.js';
import { CredentialStore } from './credential-store.js';
import { getDocker } from './docker-client.js';
import { checkBuilder, prepareImage } from './prepare.js';
import type { BuildImagesOptions, BuiltImages, ImageBuildSpec } from './types.js';

/**
 * Build every image that needs it, one after another (two cores, and the
 * Engine parallelises layers poorly with the classic builder). Unsupported
 * builders fail before anything is built. Disabled images are left out of
 * the result, so deploy leaves their references alone.
 */
export async function buildImages(
  specs: readonly ImageBuildSpec[],
  opts: BuildImagesOptions & { credentials?: CredentialStore },
): Promise<BuiltImages> {
  const { events, signal, projectRoot } = opts;
  const active = specs.filter((s) => !s.build?.disabled);
  for (const spec of active) checkBuilder(spec);
  const results: BuiltImages = {};
  for (const spec of specs) {
    if (spec.build?.disabled) {
      const ref = spec.tag ? `${spec.image}:${spec.tag}` : spec.image;
      events.send('build:skipped', { image: spec.key, ref, reason: 'build.disabled is set' });
    }
  }
  if (active.length === 0) return results;
  const docker = await getDocker(opts.docker);
  const onWarning = (message: string): void => events.send('engine:warning', { scope: 'build', message });
  const credentials = opts.credentials ?? new CredentialStore({ onWarning });
  const cache = await readBuildCache(projectRoot);
  const ctx = { docker, events, projectRoot, cache, credentials, force: opts.force ?? false, ...(signal ? { signal } : {}) };
  // Every image is prepared (Dockerfile read, context listed and hashed) before the first one is built,
  // so a missing Dockerfile or context of the last image stops the run before anything is built.
  const prepared = [];
  for (const spec of active) {
    signal?.throwIfAborted();
    if (opts.dev && spec.build?.custom && spec.override?.entrypoint?.length) {
      events.send('engine:warning', {
        scope: `build:${spec.key}`,
        message: `dev.overrideImages entrypoint of image "${spec.key}" is ignored: it uses a custom build command`,
      });
    }
    prepared.push(await prepareImage(spec, { projectRoot, dev: opts.dev, ...(signal ? { signal } : {}) }));
  }
  for (const image of prepared) {
    signal?.throwIfAborted();
    results[image.spec.key] = await buildPrepared(image, ctx);
  }
  return results;
}
