import type { DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import type { ResolvedDependency } from './resolve.js';

/** What building and deploying dependencies shares with the project's own run. */
export interface DependencyRunOptions {
  kube: KubeTarget;
  events: DevEngineEmitter;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  forceBuild?: boolean;
  forceDeploy?: boolean;
  skipPush?: boolean;
}

/**
 * Build (unless `skipBuild`), push and deploy each dependency in order,
 * each from its own folder and with its own cache, like `devspace deploy`
 * run there, into its `namespace` (default: the project's). A failure
 * names the dependency and stops the run before the project's own build.
 */
export function deployDependencies(deps: readonly ResolvedDependency[], opts: DependencyRunOptions): Promise<void> {
  return runDependencies(deps, opts);
}

/** `devspace build`: build and push the dependencies' images (unless `skipBuild`), in order. */
export function buildDependencies(deps: readonly ResolvedDependency[], opts: Omit<DependencyRunOptions, 'kube' | 'forceDeploy'>): Promise<void> {
  return runDependencies(deps, opts);
}

async function runDependencies(deps: readonly ResolvedDependency[], opts: Omit<DependencyRunOptions, 'kube'> & { kube?: KubeTarget }): Promise<void> {
  if (deps.length === 0) return;
  const [{ buildAndPush }, { deployAll }] = await Promise.all([import('../build/build-project.js'), import('../deploy/index.js')]);
  for (const dep of deps) {
    opts.signal.throwIfAborted();
    const deploy = opts.kube && dep.config.deployments?.length ? opts.kube : undefined;
    const what = dep.skipBuild ? (deploy ? 'deploying (skipBuild)' : 'nothing to do (skipBuild)') : deploy ? 'building and deploying' : 'building';
    opts.events.send('engine:info', { scope: 'dependency', message: `${dep.id}: ${what}` });
    try {
      const built = dep.skipBuild ? undefined : await buildAndPush(dep.root, dep.config, opts.events, opts.signal, opts);
      if (!deploy) continue;
      opts.events.send('engine:phase', { phase: 'deploy', at: Date.now() });
      await deployAll({
        root: dep.root,
        config: dep.config,
        kube: targetFor(dep, deploy),
        events: opts.events,
        force: !!opts.forceDeploy,
        signal: opts.signal,
        ...(opts.env ? { env: opts.env } : {}),
        ...(built ? { builtImages: built } : {}),
      });
    } catch (err) {
      throw inDependency(dep, err);
    }
  }
}

/** Purge each dependency's deployments, last deployed first. */
export async function purgeDependencies(deps: readonly ResolvedDependency[], opts: Omit<DependencyRunOptions, 'forceBuild' | 'forceDeploy' | 'skipPush' | 'buildOnly'>): Promise<void> {
  const { purgeAll } = await import('../deploy/index.js');
  for (const dep of [...deps].reverse()) {
    opts.signal.throwIfAborted();
    if (!dep.config.deployments?.length) continue;
    opts.events.send('engine:info', { scope: 'dependency', message: `${dep.id}: purging` });
    try {
      await purgeAll({ root: dep.root, config: dep.config, kube: targetFor(dep, opts.kube), events: opts.events, signal: opts.signal, ...(opts.env ? { env: opts.env } : {}) });
    } catch (err) {
      throw inDependency(dep, err);
    }
  }
}

function targetFor(dep: ResolvedDependency, kube: KubeTarget): KubeTarget {
  return dep.namespace ? { ...kube, namespace: dep.namespace, namespaceSource: 'config' } : kube;
}

/** The error with the dependency named in front, keeping its exit code and hint. */
function inDependency(dep: ResolvedDependency, err: unknown): unknown {
  if (!(err instanceof Error) || err.name === 'AbortError') return err;
  err.message = `dependency ${dep.id}: ${err.message}`;
  return err;
}
