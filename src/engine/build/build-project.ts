import type { DevspaceConfig } from '../config/index.js';
import type { DevEngineEmitter } from '../events.js';
import { runHooks } from '../hooks.js';
import type { BuildStageContext } from './stages.js';
import type { BuiltImages } from './types.js';

/**
 * Build and push every image of a project in deploy mode (no
 * `dev.overrideImages`), sharing one credential store between the two
 * steps the way the pipeline stages do. Returns the built references, or
 * undefined without images. Used by `devspace build`/`deploy` and for
 * dependencies.
 */
export async function buildAndPush(
  root: string,
  config: DevspaceConfig,
  events: DevEngineEmitter,
  signal: AbortSignal,
  flags: { forceBuild?: boolean; skipPush?: boolean; env?: NodeJS.ProcessEnv },
): Promise<BuiltImages | undefined> {
  const [{ createBuildStage, createPushStage }, { specsFromConfig }] = await Promise.all([import('./stages.js'), import('./from-config.js')]);
  const images = specsFromConfig(config);
  if (images.length === 0) return undefined;
  const ctx: BuildStageContext = { events, projectRoot: root, images, dev: false, forceBuild: !!flags.forceBuild, skipPush: !!flags.skipPush };
  const hookOpts = { root, events, signal, ...(flags.env ? { env: flags.env } : {}) };
  events.send('engine:phase', { phase: 'build', at: Date.now() });
  await runHooks(config.hooks, { when: 'before', stage: 'images' }, hookOpts);
  await createBuildStage().run(ctx, signal);
  events.send('engine:phase', { phase: 'push', at: Date.now() });
  await createPushStage().run(ctx, signal);
  await runHooks(config.hooks, { when: 'after', stage: 'images' }, hookOpts);
  return ctx.builtImages;
}
