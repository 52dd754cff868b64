import type { DevspaceConfig } from '../config/index.js';
import type { ImageBuildSpec } from './types.js';

/**
 * Map a loaded config onto build specs: every `images` entry in file order,
 * with its `dev.overrideImages` entry attached (applied only by dev builds).
 */
export function specsFromConfig(config: Pick<DevspaceConfig, 'images' | 'dev'>): ImageBuildSpec[] {
  const overrides = config.dev?.overrideImages ?? [];
  return Object.entries(config.images ?? {}).map(([key, image]) => {
    // v3.5 applies the first override naming the image.
    const found = overrides.find((o) => o.name === key);
    const override = found
      ? {
          ...(found.entrypoint ? { entrypoint: [...found.entrypoint] } : {}),
          ...(found.dockerfile ? { dockerfile: found.dockerfile } : {}),
          ...(found.context ? { context: found.context } : {}),
        }
      : undefined;
    return { key, ...image, ...(override ? { override } : {}) };
  });
}
