import type { CommandRun } from '../program.js';
import { loadProjectConfig, projectDependencies, requireProjectRoot, resolveProjectKube, runOneShot } from '../project-context.js';

/** The flags of `devspace purge` after commander parsed them. */
interface PurgeFlags {
  namespace?: string;
  kubeContext?: string;
  deployments?: string[];
  dependencies?: boolean;
  var?: Record<string, string>;
}

/**
 * `devspace purge`: delete what the deployments put into the cluster, in
 * reverse order, and return only once it is gone; with `--dependencies`,
 * the dependencies' deployments after them.
 */
export const runPurge: CommandRun = async (opts, _args, io) => {
  const flags = opts as PurgeFlags;
  return runOneShot(io, async ({ events, signal }) => {
    await requireProjectRoot(io.cwd);
    events.send('engine:phase', { phase: 'config', at: Date.now() });
    const loaded = await loadProjectConfig(io, flags.var, signal, 'deploy');
    const kube = await resolveProjectKube(loaded, flags, io, signal);
    events.send('engine:info', { scope: 'kube', message: `context ${kube.context}, namespace ${kube.namespace}` });
    const { assertClusterReachable } = await import('../../engine/pipeline/cluster-check.js');
    await assertClusterReachable(kube, signal);
    const { purgeAll } = await import('../../engine/deploy/index.js');
    const purged = await purgeAll({
      root: loaded.root,
      config: loaded.config,
      kube,
      events,
      signal,
      env: io.env,
      ...(flags.deployments ? { only: flags.deployments } : {}),
    });
    // v3.5: dependencies stay unless asked for, since other projects may use them too.
    const deps = flags.dependencies ? await projectDependencies(loaded, io, flags.var, signal) : [];
    if (deps.length) {
      const { purgeDependencies } = await import('../../engine/dependencies/index.js');
      await purgeDependencies(deps, { kube, events, signal, env: io.env });
    }
    if (purged.length === 0 && deps.length === 0) events.send('engine:info', { scope: 'purge', message: 'nothing to purge' });
  });
};
