import type { ConfigIssue } from '../errors.js';
import { formatPath, type Locator } from './locate.js';
import { clip } from './quote.js';
import { closest } from './suggest.js';

/** Where a config version keeps the things that refer to each other, and what it calls them. */
export interface ReferenceLayout {
  /** Key of the dev section: `dev`, or `devSpace` in v1alpha1. */
  dev: string;
  /** Whether `deployments` sits inside the dev section (v1alpha1) rather than at the top. */
  deploymentsInDev: boolean;
  /** Key naming a selector in ports, sync and terminal: `selector`, or `service` in v1alpha1. */
  selectorKey: string;
  /** Key of the named selector list in the dev section: `selectors`, or `services` in v1alpha1. */
  selectorsKey: string;
  /** The deployment kinds of the version, one of which each deployment needs. */
  kinds: readonly string[];
}

/** The layout of v1beta2 (and, key for key, of v1alpha4 and v1beta1). */
export const CURRENT_LAYOUT: ReferenceLayout = {
  dev: 'dev',
  deploymentsInDev: false,
  selectorKey: 'selector',
  selectorsKey: 'selectors',
  kinds: ['component', 'helm', 'kubectl'],
};

/**
 * Checks that names used in one place are defined in another, and the "one of" rules a schema cannot say.
 * Runs on the raw (substituted) data, not the validated config, so these problems are reported together
 * with schema errors in one go; every access is therefore guarded. Older config versions pass their own
 * layout, so that the messages use the keys of the user's file.
 */
export function checkReferences(data: unknown, file: string, locator: Locator, layout: ReferenceLayout = CURRENT_LAYOUT): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: (string | number)[], message: string, key = false) =>
    issues.push({ file, ...(key ? locator.key(path) : locator.value(path)), path: formatPath(path), message });

  const root = asMap(data) ?? {};
  const images = Object.keys(asMap(root.images) ?? {});
  const dev = asMap(root[layout.dev]) ?? {};
  const devKey = layout.dev;
  const deploymentsPath = layout.deploymentsInDev ? [devKey, 'deployments'] : ['deployments'];
  const deployments = asList(layout.deploymentsInDev ? dev.deployments : root.deployments);
  const selectorsName = `${devKey}.${layout.selectorsKey}`;
  const sel = layout.selectorKey;
  const selectors = asList(dev[layout.selectorsKey])
    .map((s) => asMap(s)?.name)
    .filter((n): n is string => typeof n === 'string');

  const mustExist = (path: (string | number)[], value: unknown, defined: string[], what: string, where: string) => {
    if (typeof value !== 'string' || defined.includes(value)) return;
    const guess = closest(value, defined);
    const hint = guess ? `; did you mean \`${clip(guess)}\`?` : defined.length ? ` (defined: ${clip(defined.join(', '), 100)})` : ` (\`${where}\` is empty)`;
    report(path, `${what} \`${clip(value)}\` is not defined in \`${where}\`${hint}`);
  };

  asList(dev.overrideImages).forEach((o, i) =>
    mustExist([devKey, 'overrideImages', i, 'name'], asMap(o)?.name, images, 'image', 'images'),
  );

  for (const section of ['ports', 'sync'] as const) {
    asList(dev[section]).forEach((entry, i) => {
      const m = asMap(entry);
      if (!m) return;
      if (m[sel] == null && m.labelSelector == null) {
        report([devKey, section, i], `needs \`${sel}\` (a \`${selectorsName}\` name) or \`labelSelector\` to find the pod`);
      }
      mustExist([devKey, section, i, sel], m[sel], selectors, sel, selectorsName);
    });
  }
  const terminal = asMap(dev.terminal);
  if (terminal) mustExist([devKey, 'terminal', sel], terminal[sel], selectors, sel, selectorsName);

  const kindList = oneOf(layout.kinds);
  const deploymentNames: string[] = [];
  deployments.forEach((d, i) => {
    const m = asMap(d);
    if (!m) return;
    if (typeof m.name === 'string') deploymentNames.push(m.name);
    const kinds = layout.kinds.filter((k) => m[k] !== undefined && m[k] !== null);
    if (kinds.length === 0) {
      report([...deploymentsPath, i], `needs exactly one of ${kindList}`);
    } else if (kinds.length > 1) {
      const list = kinds.map((k) => `\`${k}\``).join(' and ');
      report([...deploymentsPath, i, kinds[1]!], `has both ${list}; use exactly one of ${kindList}`, true);
    }
  });

  const autoReload = asMap(dev.autoReload);
  if (autoReload) {
    asList(autoReload.images).forEach((n, i) =>
      mustExist([devKey, 'autoReload', 'images', i], n, images, 'image', 'images'),
    );
    asList(autoReload.deployments).forEach((n, i) =>
      mustExist([devKey, 'autoReload', 'deployments', i], n, deploymentNames, 'deployment', 'deployments'),
    );
  }
  return issues;
}

/** `\`a\`, \`b\` or \`c\``. */
function oneOf(keys: readonly string[]): string {
  const quoted = keys.map((k) => `\`${k}\``);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]!}` : (quoted[0] ?? '');
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
