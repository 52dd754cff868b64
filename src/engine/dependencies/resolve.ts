import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertSupported, CONFIG_FILE, loadConfig, type DevspaceConfig, type LoadedConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { checkoutGit, redactUrl, type GitCheckoutOptions } from './git.js';

/** A dependency project, ready to build and deploy. */
export interface ResolvedDependency {
  /** How it is named in output: its path relative to the project, or its git URL. */
  id: string;
  root: string;
  config: DevspaceConfig;
  /** Its devspace.yaml, as shown in messages. */
  file: string;
  skipBuild: boolean;
  /** `dependencies[].namespace`: where its deployments go unless they name one. */
  namespace?: string;
}

/** What resolving needs besides the project. */
export interface ResolveOptions extends GitCheckoutOptions {
  /** `--var` values, passed on to the dependencies' configs. */
  vars?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

type Dependency = NonNullable<DevspaceConfig['dependencies']>[number];

/**
 * The dependencies of a project, transitively, in the order they must be
 * deployed (a dependency's own dependencies first, each project once).
 * `ignoreDependencies` stops the walk below that entry. A cycle, a missing
 * folder or config, or a config error inside a dependency ends it with one
 * located error.
 */
export async function resolveDependencies(root: string, config: DevspaceConfig, opts: ResolveOptions = {}): Promise<ResolvedDependency[]> {
  const order: ResolvedDependency[] = [];
  const done = new Set<string>();
  const walk = async (dir: string, cfg: DevspaceConfig, chain: string[], shownFile: string): Promise<void> => {
    for (const [i, dep] of (cfg.dependencies ?? []).entries()) {
      opts.signal?.throwIfAborted();
      const where = `${shownFile}: dependencies[${i}]`;
      const depRoot = await sourceRoot(dir, dep, where, opts);
      const real = await realpath(depRoot);
      if (chain.includes(real)) {
        const names = [...chain.slice(chain.indexOf(real)), real].map((p) => path.relative(root, p) || '.');
        throw new UserError(`${where}: dependency cycle: ${names.join(' → ')}`, 2);
      }
      if (done.has(real)) continue;
      const loaded = await loadDependencyConfig(root, depRoot, where, opts);
      if (!dep.ignoreDependencies) await walk(real, loaded.config, [...chain, real], displayFile(root, loaded.file));
      if (done.has(real)) continue;
      done.add(real);
      order.push({
        id: dep.source.git ? redactUrl(dep.source.git) + (dep.source.subPath ? `//${dep.source.subPath}` : '') : path.relative(root, depRoot) || '.',
        root: depRoot,
        config: loaded.config,
        file: displayFile(root, loaded.file),
        skipBuild: dep.skipBuild === true,
        ...(dep.namespace ? { namespace: dep.namespace } : {}),
      });
    }
  };
  await walk(root, config, [await realpath(root)], CONFIG_FILE);
  return order;
}

/** The folder of a dependency: a local path (relative to the project that names it) or a git checkout. */
async function sourceRoot(dir: string, dep: Dependency, where: string, opts: ResolveOptions): Promise<string> {
  const { source } = dep;
  if (source.git && source.path) throw new UserError(`${where}.source: give either git or path, not both`, 2);
  let base: string;
  if (source.git) base = await checkoutGit(source, where, opts);
  else if (source.path) base = path.resolve(dir, source.path);
  else throw new UserError(`${where}.source: needs git or path`, 2);
  const full = source.subPath ? path.resolve(base, source.subPath) : base;
  if (source.subPath && !isInside(full, base)) throw new UserError(`${where}.source.subPath: ${source.subPath} leads outside the dependency`, 2);
  const st = await stat(full).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError(`${where}.source: ${source.git ? `${source.subPath} is not a folder in ${source.git}` : `${source.path} is not a folder`}`, 2);
  return full;
}

async function loadDependencyConfig(root: string, depRoot: string, where: string, opts: ResolveOptions): Promise<LoadedConfig> {
  const file = path.join(depRoot, CONFIG_FILE);
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new UserError(`${where}: ${displayFile(root, file)} does not exist`, 2);
  // Paths in messages are relative to the project the user runs, so a dependency's errors say which file.
  const loaded = await loadConfig({ cwd: root, file, ...(opts.env ? { env: opts.env } : {}), ...(opts.vars ? { vars: opts.vars } : {}), interactive: false });
  assertSupported(loaded, displayFile(root, loaded.file), 'deploy');
  return loaded;
}

function displayFile(root: string, file: string): string {
  return path.relative(root, file) || file;
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
