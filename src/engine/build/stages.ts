import type Docker from 'dockerode';
import type { Stage, StageContext } from '../stage.js';
import { buildImages } from './build-images.js';
import { CredentialStore } from './credential-store.js';
import { pushImages, type PushResult } from './push.js';
import type { BuiltImages, ImageBuildSpec } from './types.js';

/** What the build and push stages read from, and write to, the pipeline context. */
export interface BuildStageContext extends StageContext {
  projectRoot: string;
  /** The `images` of the config, mapped onto build specs (with their `dev.overrideImages` entries). */
  images: readonly ImageBuildSpec[];
  /** True for `devspace dev`: entrypoint overrides apply. */
  dev: boolean;
  /** `-b` / `--force-build`. */
  forceBuild?: boolean;
  /** `--skip-push`. */
  skipPush?: boolean;
  docker?: Docker;
  /** Set by the build stage: the reference deploy must use for each image key. */
  builtImages?: BuiltImages;
  /** Set by the push stage. */
  pushedImages?: Record<string, PushResult>;
}

// Build and push of one run share credential look-ups (helpers may prompt) and the redactor.
const stores = new WeakMap<object, CredentialStore>();
function storeFor(ctx: BuildStageContext): CredentialStore {
  let store = stores.get(ctx);
  if (!store) {
    store = new CredentialStore({ onWarning: (message) => ctx.events.send('engine:warning', { scope: 'registry', message }) });
    stores.set(ctx, store);
  }
  return store;
}

/** The `build` pipeline stage: builds what changed and leaves the refs in `ctx.builtImages`. */
export function createBuildStage(): Stage<BuildStageContext> {
  return {
    name: 'build',
    async run(ctx, signal) {
      ctx.builtImages = await buildImages(ctx.images, {
        projectRoot: ctx.projectRoot,
        events: ctx.events,
        dev: ctx.dev,
        force: ctx.forceBuild ?? false,
        signal,
        credentials: storeFor(ctx),
        ...(ctx.docker ? { docker: ctx.docker } : {}),
      });
    },
  };
}

/** The `push` pipeline stage: pushes what the build stage produced. */
export function createPushStage(): Stage<BuildStageContext> {
  return {
    name: 'push',
    async run(ctx, signal) {
      ctx.pushedImages = await pushImages(ctx.builtImages ?? {}, {
        events: ctx.events,
        signal,
        skipPush: ctx.skipPush ?? false,
        credentials: storeFor(ctx),
        ...(ctx.docker ? { docker: ctx.docker } : {}),
      });
    },
  };
}
