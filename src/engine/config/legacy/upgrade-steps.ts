import type { Draft } from './draft.js';
import type { StepIssue } from './upgrade-v1alpha1.js';

/**
 * The upgrade steps after v1alpha1, one per version, each after DevSpace's
 * `versions/<version>/upgrade.go`: the next version's keys are filled from the old ones, and keys
 * the next version does not have are dropped (DevSpace converted through YAML, which drops them).
 */

type Map = Record<string, unknown>;

function asMap(value: unknown): Map | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Map) : undefined;
}

function imageKeys(d: Draft): string[] {
  return Object.keys(d.map(['images']) ?? {});
}

/** v1alpha2 → v1alpha3: `build.dockerfilePath`/`contextPath` become `build.dockerfile`/`context`; `cluster.cloudProvider` goes. */
export function fromV1alpha2(d: Draft): StepIssue[] {
  for (const key of imageKeys(d)) {
    d.move(['images', key, 'build', 'dockerfilePath'], ['images', key, 'build', 'dockerfile']);
    d.move(['images', key, 'build', 'contextPath'], ['images', key, 'build', 'context']);
  }
  d.remove(['cluster', 'cloudProvider']);
  d.put(['version'], 'v1alpha3', ['version']);
  return [];
}

/** v1alpha3 → v1alpha4: Helm `chartPath` becomes `chart.name`, `overrides` `valuesFiles`, `overrideValues` `values`. */
export function fromV1alpha3(d: Draft): StepIssue[] {
  d.list(['deployments']).forEach((_, i) => {
    const helm = ['deployments', i, 'helm'];
    d.move([...helm, 'chartPath'], [...helm, 'chart', 'name']);
    d.move([...helm, 'overrides'], [...helm, 'valuesFiles']);
    d.move([...helm, 'overrideValues'], [...helm, 'values']);
  });
  d.put(['version'], 'v1alpha4', ['version']);
  return [];
}

/** v1alpha4 → v1beta1: `dev.ports[].portMappings[].localPort` becomes `dev.ports[].forward[].port`. */
export function fromV1alpha4(d: Draft): StepIssue[] {
  d.list(['dev', 'ports']).forEach((_, i) => {
    const at = ['dev', 'ports', i];
    d.move([...at, 'portMappings'], [...at, 'forward']);
    d.list([...at, 'forward']).forEach((__, j) => d.move([...at, 'forward', j, 'localPort'], [...at, 'forward', j, 'port']));
  });
  d.put(['version'], 'v1beta1', ['version']);
  return [];
}

/**
 * v1beta1 → v1beta2: the Dockerfile and context move from `build` up to the image; `skipPush` moves to
 * `build.docker`; build `options` move into the engine that builds (kaniko when configured, else docker);
 * `cluster.apiServer`, `caCert` and `user` go (v1beta2 reads the cluster from the kubeconfig only).
 *
 * One deliberate difference: DevSpace moved an image's `insecure` (even `insecure: false`) into
 * `build.kaniko`, which switched a Docker-built image to kaniko. Here `insecure` goes to kaniko only when
 * the image already builds with kaniko; otherwise it is dropped, since the Docker daemon decides which
 * registries are insecure.
 */
export function fromV1beta1(d: Draft): StepIssue[] {
  for (const key of imageKeys(d)) {
    const at = ['images', key];
    const image = d.map(at) ?? {};
    const kaniko = asMap(asMap(image.build)?.kaniko) !== undefined;
    d.move([...at, 'build', 'dockerfile'], [...at, 'dockerfile']);
    d.move([...at, 'build', 'context'], [...at, 'context']);
    if (kaniko) d.move([...at, 'insecure'], [...at, 'build', 'kaniko', 'insecure']);
    else d.remove([...at, 'insecure']);
    d.move([...at, 'skipPush'], [...at, 'build', 'docker', 'skipPush']);
    d.move([...at, 'build', 'options'], [...at, 'build', kaniko ? 'kaniko' : 'docker', 'options']);
  }
  for (const key of ['apiServer', 'caCert', 'user']) d.remove(['cluster', key]);
  d.put(['version'], 'v1beta2', ['version']);
  return [];
}
