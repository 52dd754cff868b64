import { clip } from '../quote.js';
import type { DataPath, Draft } from './draft.js';

/** A problem found while upgrading, at a path of the step's input. */
export interface StepIssue {
  path: DataPath;
  message: string;
}

type Map = Record<string, unknown>;

function asMap(value: unknown): Map | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Map) : undefined;
}

function switchedOff(entry: Map): boolean {
  return asMap(entry.autoReload)?.disabled === true;
}

/**
 * v1alpha1 → v1alpha2 (after DevSpace's `versions/v1alpha1/upgrade.go`): `devSpace` becomes `dev` with
 * top-level `deployments`; `service` becomes `selector`, `services` become `selectors`; an image's
 * `registry` is folded into `image`; per-image and per-deployment auto reload (on unless disabled) becomes
 * `dev.autoReload` lists; `tiller.namespace` moves into every Helm deployment. `registries` (credentials
 * included), `internalRegistry`, `resourceType` and per-deployment `tillerNamespace` are dropped, as v3.5
 * dropped them.
 *
 * One deliberate difference: DevSpace's upgrade added a deployment to auto reload when it said
 * `autoReload.disabled: true` and skipped it when it said `false` (an inverted test); here `disabled: true`
 * turns it off, as the key says.
 */
export function fromV1alpha1(d: Draft): StepIssue[] {
  const issues: StepIssue[] = [];
  const devSpace = d.map(['devSpace']) ?? {};
  const images = d.map(['images']) ?? {};
  const deployments = d.list(['devSpace', 'deployments']);

  // Container links first: links are undone newest first, and these stand for whole sections.
  if (d.map(['devSpace'])) d.link(['dev'], ['devSpace']);
  const reloadImages = Object.keys(images).filter((k) => !switchedOff(asMap(images[k]) ?? {}));
  const reloadDeployments = deployments.map((x, i) => [asMap(x) ?? {}, i] as const).filter(([x]) => !switchedOff(x));
  const firstReload: DataPath | undefined = devSpace.autoReload
    ? ['devSpace', 'autoReload']
    : reloadImages[0] !== undefined
      ? ['images', reloadImages[0]]
      : reloadDeployments[0]
        ? ['devSpace', 'deployments', reloadDeployments[0][1]]
        : undefined;
  if (firstReload) d.link(['dev', 'autoReload'], firstReload);

  const registries = d.map(['registries']);
  for (const [key, value] of Object.entries(images)) {
    const at = ['images', key];
    const image = asMap(value) ?? {};
    if (typeof image.registry === 'string') {
      const registry = registries && Object.hasOwn(registries, image.registry) ? asMap(registries[image.registry]) : undefined;
      const defined = Object.keys(registries ?? {});
      if (!registry) {
        const hint = defined.length ? ` (defined: ${clip(defined.join(', '), 100)})` : ' (`registries` is empty)';
        issues.push({ path: [...at, 'registry'], message: `registry \`${clip(image.registry)}\` is not defined in \`registries\`${hint}` });
      } else if (typeof registry.url !== 'string') {
        issues.push({ path: ['registries', image.registry], message: `registry \`${clip(image.registry)}\` needs a \`url\` to build the image name of \`images.${clip(key)}\`` });
      } else {
        d.put([...at, 'image'], `${registry.url}/${String(image.name)}`, [...at, 'name']);
        d.remove([...at, 'name']);
      }
    }
    d.move([...at, 'name'], [...at, 'image']);
    d.remove([...at, 'registry']);
    if (!switchedOff(image)) d.push(['dev', 'autoReload', 'images'], key, image.autoReload ? [...at, 'autoReload'] : at);
    d.remove([...at, 'autoReload']);
  }

  d.move(['devSpace', 'deployments'], ['deployments']);
  deployments.forEach((value, i) => {
    const at = ['deployments', i];
    const deployment = asMap(value) ?? {};
    if (!switchedOff(deployment)) {
      d.push(['dev', 'autoReload', 'deployments'], deployment.name, deployment.autoReload ? [...at, 'autoReload'] : [...at, 'name']);
    }
    d.remove([...at, 'autoReload']);
    const helm = asMap(deployment.helm);
    if (!helm) return;
    // The v1alpha1 upgrade kept one values file: `override`, else `devOverwrite`.
    const valuesKey = helm.override !== undefined ? 'override' : helm.devOverwrite !== undefined ? 'devOverwrite' : undefined;
    if (valuesKey) d.put([...at, 'helm', 'overrides'], [helm[valuesKey]], [...at, 'helm', valuesKey]);
    for (const key of ['override', 'devOverwrite', 'tillerNamespace']) d.remove([...at, 'helm', key]);
  });
  const tiller = d.get(['tiller', 'namespace']);
  if (typeof tiller === 'string') {
    d.list(['deployments']).forEach((x, i) => {
      if (asMap(x)?.helm) d.put(['deployments', i, 'helm', 'tillerNamespace'], tiller, ['tiller', 'namespace']);
    });
  }

  d.move(['devSpace', 'services'], ['dev', 'selectors']);
  d.list(['dev', 'selectors']).forEach((_, i) => d.remove(['dev', 'selectors', i, 'resourceType']));
  for (const section of ['ports', 'sync'] as const) {
    d.move(['devSpace', section], ['dev', section]);
    d.list(['dev', section]).forEach((_, i) => {
      d.move(['dev', section, i, 'service'], ['dev', section, i, 'selector']);
      d.remove(['dev', section, i, 'resourceType']);
    });
  }
  d.move(['devSpace', 'terminal'], ['dev', 'terminal']);
  d.move(['dev', 'terminal', 'service'], ['dev', 'terminal', 'selector']);
  d.remove(['dev', 'terminal', 'resourceType']);
  if (d.list(['devSpace', 'autoReload', 'paths']).length > 0) d.move(['devSpace', 'autoReload', 'paths'], ['dev', 'autoReload', 'paths']);

  for (const gone of ['devSpace', 'registries', 'tiller', 'internalRegistry']) d.remove([gone]);
  d.put(['version'], 'v1alpha2', ['version']);
  return issues;
}
