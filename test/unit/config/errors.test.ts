import { describe, expect, it } from 'vitest';
import { ConfigError, UserError } from '../../../src/engine/errors.js';
import { parseConfigText } from '../../../src/engine/config/index.js';
import { fixture, issuesOf, problems } from './helpers.js';

describe('schema and reference errors', () => {
  it('reports every problem of a file at once, sorted by line, with path and expected/found', async () => {
    expect(await problems(fixture('invalid-many.yaml'))).toEqual([
      '5:17 images.default.dockerfile: expected string, found list',
      '7:7 images.default.build.dokcer: unknown key `dokcer`; did you mean `docker`?',
      '14:3 deployments[0].kubectl: has both `helm` and `kubectl`; use exactly one of `component`, `helm` or `kubectl`',
      '16:3 deployments[1].name: missing required key `name` (string)',
      '16:3 deployments[1]: needs exactly one of `component`, `helm` or `kubectl`',
      '19:11 dev.overrideImages[0].name: image `defualt` is not defined in `images`; did you mean `default`?',
      '21:5 dev.ports[0]: needs `selector` (a `dev.selectors` name) or `labelSelector` to find the pod',
      '22:13 dev.ports[0].forward[0].port: expected number, found string "8080"',
      '23:13 dev.ports[0].forward[1].port: expected a port number from 1 to 65535, found number 70000',
      '24:19 dev.ports[0].forward[1].remotePort: expected integer, found number 3.5',
      '26:15 dev.sync[0].selector: selector `ap` is not defined in `dev.selectors`; did you mean `api`?',
    ]);
  });

  it('throws one ConfigError (exit code 2) whose message has file:line:col: path: message lines', async () => {
    const err = await parseConfigText('dev:\n  ports:\n  - selector: x\n    forward:\n    - port: abc\n', 'proj/devspace.yaml', {
      env: {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).message).toBe(
      [
        'proj/devspace.yaml:3:15: dev.ports[0].selector: selector `x` is not defined in `dev.selectors` (`dev.selectors` is empty)',
        'proj/devspace.yaml:5:13: dev.ports[0].forward[0].port: expected number, found string "abc"',
      ].join('\n'),
    );
    expect((err as ConfigError).issues[1]).toEqual({
      file: 'proj/devspace.yaml',
      line: 5,
      column: 13,
      path: 'dev.ports[0].forward[0].port',
      message: 'expected number, found string "abc"',
    });
  });

  describe('unknown keys', () => {
    it('suggests the closest valid key: typos, swapped letters and wrong case', async () => {
      expect(await problems('dev:\n  Ports: []\n  terminal:\n    comand: [a]\n    labelselector: {}\n')).toEqual([
        '2:3 dev.Ports: unknown key `Ports`; did you mean `ports`?',
        '4:5 dev.terminal.comand: unknown key `comand`; did you mean `command`?',
        '5:5 dev.terminal.labelselector: unknown key `labelselector`; did you mean `labelSelector`?',
      ]);
      expect(await problems('dev:\n  prots: []\n')).toEqual(['2:3 dev.prots: unknown key `prots`; did you mean `ports`?']);
    });

    it('lists the valid keys when nothing is close', async () => {
      expect(await problems('dev:\n  zzzzzz: 1\n')).toEqual([
        '2:3 dev.zzzzzz: unknown key `zzzzzz`; expected one of: overrideImages, terminal, ports, sync, autoReload, selectors',
      ]);
    });

    it('explains keys from later DevSpace versions', async () => {
      expect(await problems('version: v1beta2\nvars:\n- name: X\nprofiles: []\nfoo: 1\n')).toEqual([
        '2:1 vars: unknown key `vars`: top-level `vars` arrived in DevSpace v4 (config v1beta3); in v1beta2 write `${NAME}` and pass `--var NAME=VALUE`',
        '4:1 profiles: unknown key `profiles`: top-level `profiles` arrived in DevSpace v4 (config v1beta3) and is not part of v1beta2',
        '5:1 foo: unknown key `foo`; expected one of: version, images, deployments, dev, dependencies, hooks, cluster',
      ]);
      expect(await problems('images:\n  a:\n    image: x\n    entrypoint: [a]\n')).toEqual([
        '4:5 images.a.entrypoint: unknown key `entrypoint`: `images.*.entrypoint` arrived in DevSpace v4; in v1beta2 use `dev.overrideImages[].entrypoint`',
      ]);
    });

    it('rejects a `__proto__` key instead of losing it', async () => {
      expect(await problems('cluster:\n  __proto__: {x: 1}\n')).toEqual([
        '2:3 cluster.__proto__: unknown key `__proto__`; expected one of: kubeContext, namespace',
      ]);
    });

    it('quotes map keys that are not identifiers in paths', async () => {
      expect(await problems('dev:\n  selectors:\n  - name: s\n    labelSelector:\n      app.kubernetes.io/name: [x]\n')).toEqual([
        '5:31 dev.selectors[0].labelSelector["app.kubernetes.io/name"]: expected string, found list',
      ]);
    });
  });

  describe('types and required keys', () => {
    it('says a key is empty rather than missing when it is written without a value', async () => {
      expect(await problems('deployments:\n- name:\n  kubectl:\n    manifests: [a]\n')).toEqual([
        '2:3 deployments[0].name: `name` is empty; expected string',
      ]);
    });

    it('reports missing required keys at the map that lacks them', async () => {
      expect(await problems('images:\n  a:\n    image: x\n    build:\n      custom:\n        flags: [a]\n')).toEqual([
        '5:7 images.a.build.custom.command: missing required key `command` (string)',
      ]);
      expect(await problems('deployments:\n- name: d\n  helm:\n    wait: true\n')).toEqual([
        '3:3 deployments[0].helm.chart: missing required key `chart` (map)',
      ]);
    });

    it('rejects empty list entries and empty images', async () => {
      expect(await problems('deployments:\n- \n')).toEqual(['2:3 deployments[0]: expected map, found null']);
      expect(await problems('images:\n  a:\n')).toEqual(['2:3 images.a: expected map, found null']);
    });

    it('checks maps, lists and strings inside maps', async () => {
      expect(
        await problems('dev:\n  selectors:\n  - name: s\n    labelSelector: [a]\n  ports:\n  - labelSelector: {a: [1]}\n    forward: {port: 1}\n'),
      ).toEqual([
        '4:20 dev.selectors[0].labelSelector: expected map, found list',
        '6:24 dev.ports[0].labelSelector.a: expected string, found list',
        '7:14 dev.ports[0].forward: expected list, found map',
      ]);
    });

    it('rejects a non-boolean where a boolean belongs', async () => {
      expect(await problems('dev:\n  terminal:\n    disabled: maybe\n')).toEqual([
        '3:15 dev.terminal.disabled: expected boolean, found string "maybe"',
      ]);
    });
  });

  describe('references', () => {
    it('checks autoReload and terminal names', async () => {
      const text =
        'images:\n  a: {image: x}\ndeployments:\n- name: d\n  kubectl: {manifests: [k]}\n' +
        'dev:\n  autoReload:\n    images: [a, b]\n    deployments: [d, e]\n  terminal:\n    selector: s\n';
      expect(await problems(text)).toEqual([
        '8:17 dev.autoReload.images[1]: image `b` is not defined in `images` (defined: a)',
        '9:22 dev.autoReload.deployments[1]: deployment `e` is not defined in `deployments` (defined: d)',
        '11:15 dev.terminal.selector: selector `s` is not defined in `dev.selectors` (`dev.selectors` is empty)',
      ]);
    });

    it('needs a selector or labelSelector on sync entries, even when `selector:` is left empty', async () => {
      expect(await problems('dev:\n  sync:\n  - selector:\n')).toEqual([
        '3:5 dev.sync[0]: needs `selector` (a `dev.selectors` name) or `labelSelector` to find the pod',
      ]);
    });
  });

  describe('version', () => {
    it('rejects unknown and later versions and non-strings, before anything else', async () => {
      expect(await problems('version: v1beta3\nimages: 5\n')).toEqual([
        '1:10 version: config version "v1beta3" is newer than v1beta2 (it comes from DevSpace v4 or later); this devspace reads DevSpace v3.5 configs, v1alpha1 to v1beta2',
      ]);
      expect(await problems('version: v2beta1\n')).toEqual([
        '1:10 version: config version "v2beta1" is newer than v1beta2 (it comes from DevSpace v4 or later); this devspace reads DevSpace v3.5 configs, v1alpha1 to v1beta2',
      ]);
      // `v1` came before v1alpha1 (DevSpace v1); v3.5 did not read it either.
      expect(await problems('version: v1\n')).toEqual([
        '1:10 version: unknown config version "v1"; this devspace reads DevSpace v3.5 configs, v1alpha1 to v1beta2',
      ]);
      expect(await problems('version: 2\n')).toEqual(['1:10 version: expected string "v1beta2", found number 2']);
    });

    it('reads the older versions DevSpace v3.5 upgraded (test/unit/config/legacy.test.ts has the details)', async () => {
      const loaded = await parseConfigText('version: v1beta1\n', 'devspace.yaml', { env: {} });
      expect(loaded.config).toEqual({ version: 'v1beta2' });
    });
  });

  it('reports issue objects with the file name given', async () => {
    const [issue] = await issuesOf('cluster: []\n');
    expect(issue).toEqual({ file: 'devspace.yaml', line: 1, column: 10, path: 'cluster', message: 'expected map, found list' });
  });
});
