import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/engine/errors.js';
import { assertSupported, parseConfigText, unsupportedKeysUsed } from '../../../src/engine/config/index.js';
import { fixture } from './helpers.js';

/**
 * Config files in the versions before v1beta2 load the way DevSpace v3.5 loaded them: upgraded in memory.
 * Each fixture in test/fixtures/config/legacy/ has an `.expected.yaml` twin, a v1beta2 file written by hand
 * from the upgrade rules; the twin must load on its own and mean exactly what the old file means.
 */

const load = (name: string) => parseConfigText(fixture(`legacy/${name}`), name, { env: {} });

const CASES = [
  // From the DevSpace repository's examples (examples/*/.devspace/config.yaml, 2018-2019).
  'v1alpha1-quickstart',
  'v1alpha1-microservices',
  'v1alpha3-minikube',
  'v1alpha3-redeploy',
  // Written for these tests to cover every key of their version.
  'v1alpha1-full',
  'v1alpha2',
  'v1alpha4',
  'v1beta1',
];

describe('older config versions', () => {
  it.each(CASES)('%s loads as its v1beta2 twin', async (name) => {
    const [old, expected] = await Promise.all([load(`${name}.yaml`), load(`${name}.expected.yaml`)]);
    expect(old.config).toEqual(expected.config);
    expect(old.config.version).toBe('v1beta2');
  });

  it('takes `${VAR}` placeholders in old files, before the upgrade', async () => {
    const text = 'version: v1alpha1\nimages:\n  default:\n    name: ${IMAGE}\n    registry: hub\nregistries:\n  hub:\n    url: ${REGISTRY}\n';
    const { config } = await parseConfigText(text, 'devspace.yaml', { env: { IMAGE: 'team/app', REGISTRY: 'reg.example.com:5000' } });
    expect(config.images?.default?.image).toBe('reg.example.com:5000/team/app');
  });

  describe('locate() answers with the line in the old file', () => {
    it('follows renamed and moved keys back (v1alpha1)', async () => {
      const loaded = await load('v1alpha1-microservices.yaml');
      const at = (p: (string | number)[]) => {
        const { line, column } = loaded.locate(p);
        return `${line}:${column}`;
      };
      expect(at(['deployments', 1, 'helm', 'chart', 'name'])).toBe('16:18'); // helm.chartPath
      expect(at(['deployments', 0, 'kubectl', 'manifests', 0])).toBe('13:9'); // devSpace.deployments[0].kubectl.manifests[0]
      expect(at(['dev', 'ports', 0, 'forward', 0, 'port'])).toBe('21:18'); // portMappings[0].localPort
      expect(at(['dev', 'ports', 0, 'forward', 0, 'remotePort'])).toBe('22:19');
      expect(at(['dev', 'terminal'])).toBe('6:3');
      expect(at(['images', 'node', 'image'])).toBe('40:11'); // images.node.name
      expect(at(['images', 'php', 'dockerfile'])).toBe('47:23'); // build.dockerfilePath
      expect(at(['images', 'php', 'context'])).toBe('48:20'); // build.contextPath
      expect(at(['dev', 'autoReload', 'images', 1])).toBe('44:3'); // the image `php` that turned it on
      expect(at(['dev', 'autoReload', 'deployments', 0])).toBe('10:11'); // that deployment's name
      expect(at(['version'])).toBe('1:10');
    });

    it('follows values that moved in several steps (v1alpha2 → v1alpha3 → v1alpha4 → v1beta1 → v1beta2)', async () => {
      const loaded = await load('v1alpha2.yaml');
      expect(loaded.locate(['deployments', 0, 'helm', 'valuesFiles', 0])).toEqual({ line: 12, column: 7 });
      expect(loaded.locate(['deployments', 0, 'helm', 'values', 'image', 'pullPolicy'])).toEqual({ line: 15, column: 21 });
      expect(loaded.locate(['images', 'default', 'dockerfile'])).toEqual({ line: 48, column: 23 });
      expect(loaded.locate(['dev', 'ports', 0, 'forward', 0, 'port'])).toEqual({ line: 30, column: 18 });
    });

    it('points keys folded from top-level settings at those settings', async () => {
      const loaded = await load('v1alpha1-full.yaml');
      // `tiller.namespace` became every Helm deployment's tillerNamespace.
      expect(loaded.locate(['deployments', 0, 'helm', 'tillerNamespace'])).toEqual({ line: 93, column: 14 });
      // The image name with its registry's URL in front comes from `name`.
      expect(loaded.locate(['images', 'default', 'image'])).toEqual({ line: 60, column: 11 });
      // `devOverwrite` became the one values file.
      expect(loaded.locate(['deployments', 0, 'helm', 'valuesFiles', 0])).toEqual({ line: 28, column: 21 });
    });
  });

  describe('keys that are not supported yet are reported at the old line', () => {
    it('v1alpha1 bandwidth limits, kaniko and tiller', async () => {
      const loaded = await load('v1alpha1-full.yaml');
      expect(unsupportedKeysUsed(loaded).map((u) => `${u.line}:${u.column} ${u.path}`)).toEqual([
        '55:5 dev.sync[0].bandwidthLimits',
        '81:7 images.cache.build.kaniko',
        '93:14 deployments[0].helm.tillerNamespace',
      ]);
    });

    it('throws them as one ConfigError naming the old file', async () => {
      const loaded = await load('v1beta1.yaml');
      let err: unknown;
      try {
        assertSupported(loaded, 'devspace.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message.split('\n')).toEqual([
        'devspace.yaml:24:7: images.worker.build.kaniko: not supported yet: `images.*.build.kaniko` (in-cluster kaniko builds need a public executor image)',
      ]);
    });

    it('a v1alpha3 project without auto reload passes', async () => {
      expect(unsupportedKeysUsed(await load('v1alpha3-minikube.yaml'))).toEqual([]);
    });
  });
});
