import { ConfigError, type ConfigIssue } from '../errors.js';
import { formatPath } from './locate.js';
import type { LoadedConfig } from './types.js';

/** A devspace.yaml key that parses and validates but whose feature is not implemented yet. */
export interface UnsupportedKey {
  /** Dotted pattern: `*` is any map key, `[]` any list item, e.g. `dev.sync[].bandwidthLimits`. */
  key: string;
  /** Why, in a few words, for the error message. */
  reason: string;
}

/**
 * The single list of accepted-but-unimplemented keys; implementing a feature means deleting its entry.
 * Not listed on purpose: `images.*.build.docker.preferMinikube`, a documented no-op (there is no minikube
 * here, so true and false behave the same) rather than a missing feature.
 */
export const UNSUPPORTED_KEYS: readonly UnsupportedKey[] = [
  { key: 'dependencies[].config', reason: 'named configs (devspace-configs.yaml) are not implemented' },
  { key: 'images.*.build.kaniko', reason: 'in-cluster kaniko builds need a public executor image' },
  { key: 'dev.sync[].bandwidthLimits', reason: 'sync bandwidth limits are not implemented' },
  { key: 'deployments[].helm.tillerNamespace', reason: 'Helm v2 Tiller is not used' },
  { key: 'deployments[].component.options.tillerNamespace', reason: 'Helm v2 Tiller is not used' },
];

/** One place where the config uses an unsupported key. */
export interface UnsupportedUse {
  /** Concrete path, e.g. `dev.sync[0].bandwidthLimits`. */
  path: string;
  /** The UNSUPPORTED_KEYS pattern it matched. */
  key: string;
  reason: string;
  line: number;
  column: number;
}

/**
 * Where the config uses a key from UNSUPPORTED_KEYS. A key counts as used when it holds something:
 * `false`, an empty list or an empty map ask for nothing and are let through.
 */
export function unsupportedKeysUsed(loaded: Pick<LoadedConfig, 'config' | 'locate'>): UnsupportedUse[] {
  const uses: UnsupportedUse[] = [];
  for (const entry of UNSUPPORTED_KEYS) {
    for (const path of matches(loaded.config, parsePattern(entry.key), [])) {
      uses.push({ path: formatPath(path), key: entry.key, reason: entry.reason, ...loaded.locate(path) });
    }
  }
  return uses.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Throws a ConfigError listing every unsupported key in use ("not supported yet: …"); `file` is the name to print. */
export function assertSupported(
  loaded: Pick<LoadedConfig, 'config' | 'locate' | 'file'>,
  file = loaded.file,
  scope: 'dev' | 'deploy' = 'dev',
): void {
  // `dev.*` keys are only used by `devspace dev`; build, deploy and purge never read them.
  const uses = unsupportedKeysUsed(loaded).filter((u) => scope === 'dev' || !u.path.startsWith('dev.'));
  if (uses.length === 0) return;
  const issues: ConfigIssue[] = uses.map((u) => ({
    file,
    line: u.line,
    column: u.column,
    path: u.path,
    message: `not supported yet: \`${u.key}\` (${u.reason})`,
  }));
  throw new ConfigError(issues);
}

type Segment = { key: string } | { anyKey: true } | { anyItem: true };

function parsePattern(pattern: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of pattern.split('.')) {
    const list = part.endsWith('[]');
    const name = list ? part.slice(0, -2) : part;
    segments.push(name === '*' ? { anyKey: true } : { key: name });
    if (list) segments.push({ anyItem: true });
  }
  return segments;
}

function matches(value: unknown, rest: Segment[], path: (string | number)[]): (string | number)[][] {
  if (rest.length === 0) return isUsed(value) ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  const [seg, ...tail] = rest as [Segment, ...Segment[]];
  if ('anyItem' in seg) {
    return Array.isArray(value) ? value.flatMap((v, i) => matches(v, tail, [...path, i])) : [];
  }
  if (Array.isArray(value)) return [];
  const map = value as Record<string, unknown>;
  if ('anyKey' in seg) return Object.keys(map).flatMap((k) => matches(map[k], tail, [...path, k]));
  return seg.key in map ? matches(map[seg.key], tail, [...path, seg.key]) : [];
}

function isUsed(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
