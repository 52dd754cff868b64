import type { BuildStageContext, BuiltImages } from '../../engine/build/index.js';
import type { DevspaceConfig } from '../../engine/config/index.js';
import type { DevEngineEmitter } from '../../engine/events.js';
import type { CommandRun } from '../program.js';
import { loadProjectConfig, requireProjectRoot, runOneShot } from '../project-context.js';

/** The flags of `devspace build` after commander parsed them. */
interface BuildFlags {
  forceBuild?: boolean;
  skipPush?: boolean;
  var?: Record<string, string>;
}

/**
 * Build and push every image in deploy mode (no `dev.overrideImages`),
 * sharing one credential store between the two steps the way the pipeline
 * stages do. Returns the built references, or undefined without images.
 */
export async function buildAndPush(
  root: string,
  config: DevspaceConfig,
  events: DevEngineEmitter,
  signal: AbortSignal,
  flags: { forceBuild?: boolean; skipPush?: boolean },
): Promise<BuiltImages | undefined> {
  const { createBuildStage, createPushStage, specsFromConfig } = await import('../../engine/build/index.js');
  const images = specsFromConfig(config);
  if (images.length === 0) return undefined;
  const ctx: BuildStageContext = { events, projectRoot: root, images, dev: false, forceBuild: !!flags.forceBuild, skipPush: !!flags.skipPush };
  events.send('engine:phase', { phase: 'build', at: Date.now() });
  await createBuildStage().run(ctx, signal);
  events.send('engine:phase', { phase: 'push', at: Date.now() });
  await createPushStage().run(ctx, signal);
  return ctx.builtImages;
}

/** `devspace build`: build (and push) the images of devspace.yaml, then exit. */
export const runBuild: CommandRun = async (opts, _args, io) => {
  const flags = opts as BuildFlags;
  return runOneShot(io, async ({ events, signal }) => {
    const root = await requireProjectRoot(io.cwd);
    events.send('engine:phase', { phase: 'config', at: Date.now() });
    const loaded = await loadProjectConfig(io, flags.var, signal, 'deploy');
    const built = await buildAndPush(root, loaded.config, events, signal, flags);
    if (!built) events.send('engine:info', { scope: 'build', message: 'devspace.yaml defines no images; nothing to build' });
  });
};
