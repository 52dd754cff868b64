import { buildAndPush } from '../../engine/build/build-project.js';
import type { CommandRun } from '../program.js';
import { loadProjectConfig, projectDependencies, requireProjectRoot, runOneShot } from '../project-context.js';

/** The flags of `devspace build` after commander parsed them. */
interface BuildFlags {
  forceBuild?: boolean;
  skipPush?: boolean;
  var?: Record<string, string>;
}

/** `devspace build`: build (and push) the images of devspace.yaml, then exit. */
export const runBuild: CommandRun = async (opts, _args, io) => {
  const flags = opts as BuildFlags;
  return runOneShot(io, async ({ events, signal }) => {
    const root = await requireProjectRoot(io.cwd);
    events.send('engine:phase', { phase: 'config', at: Date.now() });
    const loaded = await loadProjectConfig(io, flags.var, signal, 'deploy');
    const deps = await projectDependencies(loaded, io, flags.var, signal);
    if (deps.length) {
      const { buildDependencies } = await import('../../engine/dependencies/index.js');
      await buildDependencies(deps, { events, signal, env: io.env, forceBuild: !!flags.forceBuild, skipPush: !!flags.skipPush });
    }
    const built = await buildAndPush(root, loaded.config, events, signal, flags);
    if (!built && !deps.length) events.send('engine:info', { scope: 'build', message: 'devspace.yaml defines no images; nothing to build' });
  });
};
