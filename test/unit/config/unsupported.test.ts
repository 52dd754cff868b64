import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/engine/errors.js';
import {
  assertSupported,
  parseConfigText,
  UNSUPPORTED_KEYS,
  unsupportedKeysUsed,
} from '../../../src/engine/config/index.js';
import { fixture } from './helpers.js';

const parse = (text: string) => parseConfigText(text, 'devspace.yaml', { env: {} });

describe('keys that parse but are not implemented yet', () => {
  it('keeps the list in one place, as dotted patterns', () => {
    expect(UNSUPPORTED_KEYS.map((k) => k.key)).toEqual([
      'dependencies[].config',
      'images.*.build.kaniko',
      'dev.sync[].bandwidthLimits',
      'deployments[].helm.tillerNamespace',
      'deployments[].component.options.tillerNamespace',
    ]);
  });

  it('finds every use in the every-key fixture, with concrete paths and positions, in file order', async () => {
    const loaded = await parse(fixture('every-key.yaml'));
    expect(unsupportedKeysUsed(loaded).map((u) => `${u.line}:${u.column} ${u.path}`)).toEqual([
      '24:7 images.kaniko-built.build.kaniko',
      '123:24 deployments[0].component.options.tillerNamespace',
      '136:22 deployments[1].helm.tillerNamespace',
      '180:5 dev.sync[0].bandwidthLimits',
      '200:11 dependencies[0].config',
    ]);
  });

  it('finds nothing in the research example, and treats preferMinikube as a no-op', async () => {
    const loaded = await parse(fixture('research-example.yaml'));
    expect(loaded.config.images?.default?.build?.docker?.preferMinikube).toBe(true);
    expect(unsupportedKeysUsed(loaded)).toEqual([]);
  });

  it('lets false, empty lists and empty maps through', async () => {
    const text =
      'dependencies: []\ndeployments:\n- name: k\n  kubectl:\n    manifests: [a]\n    kustomize: false\n' +
      'dev:\n  autoReload: {}\n  sync:\n  - labelSelector: {a: b}\n    bandwidthLimits: {}\n';
    expect(unsupportedKeysUsed(await parse(text))).toEqual([]);
  });

  it('turns uses into one ConfigError saying "not supported yet"', async () => {
    const loaded = await parse('deployments:\n- name: k\n  helm:\n    chart: {name: c}\n    tillerNamespace: kube-system\n');
    let err: unknown;
    try {
      assertSupported(loaded, 'devspace.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      'devspace.yaml:5:22: deployments[0].helm.tillerNamespace: not supported yet: `deployments[].helm.tillerNamespace` (Helm v2 Tiller is not used)',
    );
    expect(() => assertSupported({ ...loaded, config: {} })).not.toThrow();
  });

  it('ignores dev.* keys for build, deploy and purge, which never read them', async () => {
    const loaded = await parse('dev:\n  sync:\n  - labelSelector: {a: b}\n    bandwidthLimits: {upload: 100}\n');
    expect(() => assertSupported(loaded, 'devspace.yaml', 'dev')).toThrow(/dev\.sync\[0\]\.bandwidthLimits: not supported yet/);
    expect(() => assertSupported(loaded, 'devspace.yaml', 'deploy')).not.toThrow();
    const tiller = await parse('deployments:\n- name: k\n  helm:\n    chart: {name: c}\n    tillerNamespace: kube-system\n');
    expect(() => assertSupported(tiller, 'devspace.yaml', 'deploy')).toThrow(/tillerNamespace/);
  });
});
