import path from 'node:path';
import { globToRegExp } from '../build/glob.js';
import type { DevspaceConfig } from '../config/index.js';

/**
 * What `dev.autoReload` watches, as globs relative to the project root:
 * its `paths`, the Dockerfile of each listed image, the manifests or local
 * chart of each listed deployment, and the config file itself (a reload
 * reads it again, so an edit to it should count).
 */
export function reloadPatterns(config: DevspaceConfig, configFile?: string): string[] {
  const reload = config.dev?.autoReload;
  if (!reload) return [];
  const out = new Set<string>();
  for (const p of reload.paths ?? []) out.add(clean(p));
  for (const name of reload.images ?? []) {
    const image = config.images?.[name];
    if (image) out.add(clean(image.dockerfile ?? 'Dockerfile'));
  }
  for (const name of reload.deployments ?? []) {
    const d = config.deployments?.find((x) => x.name === name);
    const dirs = d?.kubectl ? d.kubectl.manifests.map((m) => m.replace(/\*/g, '')) : d?.helm && !d.helm.chart.repo ? [d.helm.chart.name] : [];
    for (const dir of dirs.map(clean)) {
      out.add(dir);
      out.add(dir === '' ? '**' : `${dir}/**`);
    }
  }
  if (out.size && configFile) out.add(clean(configFile));
  return [...out].filter((p) => !p.startsWith('../'));
}

/** `./a/b/` → `a/b`, with `/` separators. */
function clean(p: string): string {
  const norm = path.posix.normalize(p.split(path.sep).join('/')).replace(/\/+$/, '');
  return norm === '.' ? '' : norm.replace(/^\.\//, '');
}

/** Decides, for a project-relative path, whether a change there asks for a reload. */
export interface ReloadMatcher {
  /** A changed file (or a removed folder) that matches a pattern. */
  matches(rel: string): boolean;
  /** A folder that cannot hold a match, so the watcher never descends into it. */
  prunes(dir: string): boolean;
}

/** The matcher for `patterns`; `.git` is never watched, `.devspace` only where a pattern names a path in it. */
export function reloadMatcher(patterns: readonly string[]): ReloadMatcher {
  const compiled = patterns.map((p) => ({ re: globToRegExp(p), ...split(p) }));
  const literal = new Set(patterns);
  const internal = (rel: string) => rel === '.git' || rel.startsWith('.git/') || rel === '.devspace' || rel.startsWith('.devspace/');
  return {
    matches: (rel) => (!internal(rel) || literal.has(rel)) && compiled.some((c) => c.re.test(rel)),
    prunes: (dir) =>
      !compiled.some((c) => {
        if (isWithin(c.base, dir)) return true; // an ancestor of where matches live
        if (internal(dir)) return false;
        return isWithin(dir, c.base) && c.deep; // inside, and the pattern reaches into subfolders
      }),
  };
}

/** The wildcard-free leading folders of a pattern, and whether what follows can span folders. */
function split(pattern: string): { base: string; deep: boolean } {
  const parts = pattern.split('/');
  let i = 0;
  while (i < parts.length - 1 && !/[*?[{]/.test(parts[i]!)) i++;
  const rest = parts.slice(i);
  return { base: parts.slice(0, i).join('/'), deep: rest.length > 1 || rest[0]!.includes('**') };
}

function isWithin(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(`${dir}/`);
}
