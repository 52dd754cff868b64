import type { CommandRun } from '../program.js';
import { loadProjectConfig, projectDependencies, requireProjectRoot, resolveProjectKube, runOneShot } from '../project-context.js';
import { buildAndPush } from '../../engine/build/build-project.js';

/** The flags of `devspace deploy` after commander parsed them. */
interface DeployFlags {
  forceBuild?: boolean;
  skipPush?: boolean;
  forceDeploy?: boolean;
  namespace?: string;
  kubeContext?: string;
  var?: Record<string, string>;
}

/**
 * `devspace deploy`: the dev pipeline without overrides and services —
 * build and push what changed, then deploy every deployment (skipping
 * unchanged ones unless `-d`) and wait for the rollouts.
 */
export const runDeploy: CommandRun = async (opts, _args, io) => {
  const flags = opts as DeployFlags;
  return runOneShot(io, async ({ events, signal }) => {
    const root = await requireProjectRoot(io.cwd);
    events.send('engine:phase', { phase: 'config', at: Date.now() });
    const loaded = await loadProjectConfig(io, flags.var, signal, 'deploy');
    const kube = await resolveProjectKube(loaded, flags, io, signal);
    events.send('engine:info', { scope: 'kube', message: `context ${kube.context}, namespace ${kube.namespace}` });
    const deps = await projectDependencies(loaded, io, flags.var, signal);
    if (loaded.config.deployments?.length || deps.some((d) => d.config.deployments?.length)) {
      // A cluster that is not there fails now, not after a build and a push.
      const { assertClusterReachable } = await import('../../engine/pipeline/cluster-check.js');
      await assertClusterReachable(kube, signal);
    }
    if (deps.length) {
      const { deployDependencies } = await import('../../engine/dependencies/index.js');
      await deployDependencies(deps, { kube, events, signal, env: io.env, forceBuild: !!flags.forceBuild, forceDeploy: !!flags.forceDeploy, skipPush: !!flags.skipPush });
    }
    const built = await buildAndPush(root, loaded.config, events, signal, flags);
    if (!loaded.config.deployments?.length) {
      events.send('engine:info', { scope: 'deploy', message: 'devspace.yaml defines no deployments; nothing to deploy' });
      return;
    }
    events.send('engine:phase', { phase: 'deploy', at: Date.now() });
    const { deployAll } = await import('../../engine/deploy/index.js');
    await deployAll({
      root,
      config: loaded.config,
      kube,
      events,
      force: !!flags.forceDeploy,
      signal,
      env: io.env,
      ...(built ? { builtImages: built } : {}),
    });
  });
};
