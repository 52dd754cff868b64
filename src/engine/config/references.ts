import type { ConfigIssue } from '../errors.js';
import { formatPath, type Locator } from './locate.js';
import { closest } from './suggest.js';

/**
 * Checks that names used in one place are defined in another, and the "one of" rules a schema cannot say.
 * Runs on the raw (substituted) data, not the validated config, so these problems are reported together
 * with schema errors in one go; every access is therefore guarded.
 */
export function checkReferences(data: unknown, file: string, locator: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: (string | number)[], message: string, key = false) =>
    issues.push({ file, ...(key ? locator.key(path) : locator.value(path)), path: formatPath(path), message });

  const root = asMap(data) ?? {};
  const images = Object.keys(asMap(root.images) ?? {});
  const deployments = asList(root.deployments);
  const dev = asMap(root.dev) ?? {};
  const selectors = asList(dev.selectors)
    .map((s) => asMap(s)?.name)
    .filter((n): n is string => typeof n === 'string');

  const mustExist = (path: (string | number)[], value: unknown, defined: string[], what: string, where: string) => {
    if (typeof value !== 'string' || defined.includes(value)) return;
    const guess = closest(value, defined);
    const hint = guess ? `; did you mean \`${guess}\`?` : defined.length ? ` (defined: ${defined.join(', ')})` : ` (\`${where}\` is empty)`;
    report(path, `${what} \`${value}\` is not defined in \`${where}\`${hint}`);
  };

  asList(dev.overrideImages).forEach((o, i) =>
    mustExist(['dev', 'overrideImages', i, 'name'], asMap(o)?.name, images, 'image', 'images'),
  );

  for (const section of ['ports', 'sync'] as const) {
    asList(dev[section]).forEach((entry, i) => {
      const m = asMap(entry);
      if (!m) return;
      if (m.selector == null && m.labelSelector == null) {
        report(['dev', section, i], 'needs `selector` (a `dev.selectors` name) or `labelSelector` to find the pod');
      }
      mustExist(['dev', section, i, 'selector'], m.selector, selectors, 'selector', 'dev.selectors');
    });
  }
  const terminal = asMap(dev.terminal);
  if (terminal) mustExist(['dev', 'terminal', 'selector'], terminal.selector, selectors, 'selector', 'dev.selectors');

  const deploymentNames: string[] = [];
  deployments.forEach((d, i) => {
    const m = asMap(d);
    if (!m) return;
    if (typeof m.name === 'string') deploymentNames.push(m.name);
    const kinds = (['component', 'helm', 'kubectl'] as const).filter((k) => m[k] !== undefined && m[k] !== null);
    if (kinds.length === 0) {
      report(['deployments', i], 'needs exactly one of `component`, `helm` or `kubectl`');
    } else if (kinds.length > 1) {
      const list = kinds.map((k) => `\`${k}\``).join(' and ');
      report(['deployments', i, kinds[1]!], `has both ${list}; use exactly one of \`component\`, \`helm\` or \`kubectl\``, true);
    }
  });

  const autoReload = asMap(dev.autoReload);
  if (autoReload) {
    asList(autoReload.images).forEach((n, i) =>
      mustExist(['dev', 'autoReload', 'images', i], n, images, 'image', 'images'),
    );
    asList(autoReload.deployments).forEach((n, i) =>
      mustExist(['dev', 'autoReload', 'deployments', i], n, deploymentNames, 'deployment', 'deployments'),
    );
  }
  return issues;
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
