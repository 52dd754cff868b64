import { describe, expect, it } from 'vitest';
import { Locator, type ConfigPath } from '../../../src/engine/config/locate.js';
import { parseYaml } from '../../../src/engine/config/parse-yaml.js';
import { DevspaceConfigSchema } from '../../../src/engine/config/schema.js';
import { validateWith } from '../../../src/engine/config/validate.js';
import { problems } from './helpers.js';

/** Old-version files are validated as strictly as v1beta2 ones, in their own keys, at their own lines. */
describe('errors in older config versions', () => {
  describe('v1alpha1', () => {
    it('rejects unknown keys, with the keys of v1alpha1 as suggestions', async () => {
      // `portForwarding` appears in some 2018 docs, but v1alpha1 (and so DevSpace v3.5) never read it.
      expect(await problems('version: v1alpha1\ndevSpace:\n  portForwarding:\n  - labelSelector: {release: x}\n')).toEqual([
        '3:3 devSpace.portForwarding: unknown key `portForwarding`; expected one of: terminal, autoReload, services, deployments, ports, sync',
      ]);
      expect(await problems('version: v1alpha1\ndev:\n  ports: []\n')).toEqual(['2:1 dev: unknown key `dev`; did you mean `devSpace`?']);
    });

    it('asks for what the upgrade needs, in v1alpha1 keys', async () => {
      expect(await problems('version: v1alpha1\nimages:\n  default:\n    tag: latest\n')).toEqual([
        '3:3 images.default.name: missing required key `name` (string)',
      ]);
      expect(await problems('version: v1alpha1\ndevSpace:\n  ports:\n  - labelSelector: {a: b}\n')).toEqual([
        '4:5 devSpace.ports[0].portMappings: missing required key `portMappings` (list)',
      ]);
    });

    it('checks types at the value', async () => {
      expect(await problems('version: v1alpha1\ndevSpace:\n  ports:\n  - labelSelector: {a: b}\n    portMappings:\n    - localPort: "abc"\n')).toEqual([
        '6:18 devSpace.ports[0].portMappings[0].localPort: expected number, found string "abc"',
      ]);
    });

    it('checks `service` names against `devSpace.services`', async () => {
      const text = [
        'version: v1alpha1',
        'devSpace:',
        '  services:',
        '  - name: web',
        '    labelSelector: {app: web}',
        '  ports:',
        '  - portMappings:',
        '    - localPort: 80',
        '  sync:',
        '  - service: wbe',
        '  terminal:',
        '    service: api',
        '',
      ].join('\n');
      expect(await problems(text)).toEqual([
        '7:5 devSpace.ports[0]: needs `service` (a `devSpace.services` name) or `labelSelector` to find the pod',
        '10:14 devSpace.sync[0].service: service `wbe` is not defined in `devSpace.services`; did you mean `web`?',
        '12:14 devSpace.terminal.service: service `api` is not defined in `devSpace.services` (defined: web)',
      ]);
    });

    it('needs exactly one of helm or kubectl per deployment', async () => {
      const text =
        'version: v1alpha1\ndevSpace:\n  deployments:\n  - name: x\n  - name: y\n    helm: {chartPath: c}\n    kubectl: {manifests: [k]}\n  - name: z\n    helm: {wait: true}\n';
      expect(await problems(text)).toEqual([
        '4:5 devSpace.deployments[0]: needs exactly one of `helm` or `kubectl`',
        '7:5 devSpace.deployments[1].kubectl: has both `helm` and `kubectl`; use exactly one of `helm` or `kubectl`',
        '9:11 devSpace.deployments[2].helm.chartPath: missing required key `chartPath` (string)',
      ]);
    });

    it('stops the upgrade at an image registry that is not defined, as DevSpace v3.5 did', async () => {
      // examples/offline-development/.devspace/config.yaml relied on the internal registry, gone by v3.5.
      const internal = 'version: v1alpha1\nimages:\n  default:\n    name: devspace\n    registry: internal\ninternalRegistry:\n  deploy: true\n';
      expect(await problems(internal)).toEqual([
        '5:15 images.default.registry: registry `internal` is not defined in `registries` (`registries` is empty)',
      ]);
      const noUrl = 'version: v1alpha1\nimages:\n  default:\n    name: devspace\n    registry: hub\nregistries:\n  hub:\n    insecure: true\n';
      expect(await problems(noUrl)).toEqual(['7:3 registries.hub: registry `hub` needs a `url` to build the image name of `images.default`']);
    });

    it('reports an unset variable at the placeholder', async () => {
      const text = 'version: v1alpha1\ndevSpace:\n  ports:\n  - labelSelector: {a: b}\n    portMappings:\n    - localPort: ${PORT}\n';
      expect(await problems(text)).toEqual([
        '6:18 devSpace.ports[0].portMappings[0].localPort: variable ${PORT} is not set; pass `--var PORT=VALUE` or set the environment variable PORT (or DEVSPACE_VAR_PORT)',
      ]);
    });
  });

  describe('v1alpha2 to v1beta1', () => {
    it('rejects keys of later versions, in the version the file names', async () => {
      expect(await problems('version: v1alpha2\ndev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - port: 80\n')).toEqual([
        '4:5 dev.ports[0].portMappings: missing required key `portMappings` (list)',
        '5:5 dev.ports[0].forward: unknown key `forward`; expected one of: selector, namespace, labelSelector, portMappings',
      ]);
      expect(await problems('version: v1alpha3\ndeployments:\n- name: x\n  helm:\n    chart:\n      name: ./chart\n')).toEqual([
        '4:3 deployments[0].helm.chartPath: missing required key `chartPath` (string)',
        '5:5 deployments[0].helm.chart: unknown key `chart`; did you mean `chartPath`?',
      ]);
      expect(await problems('version: v1alpha3\ndeployments:\n- name: x\n  component:\n    containers: []\n')).toEqual([
        '3:3 deployments[0]: needs exactly one of `helm` or `kubectl`',
        '4:3 deployments[0].component: unknown key `component`; expected one of: name, namespace, helm, kubectl',
      ]);
      expect(await problems('version: v1alpha4\ndeployments:\n- name: x\n  component:\n    labels: {a: b}\n')).toEqual([
        '5:5 deployments[0].component.labels: unknown key `labels`; expected one of: containers, replicas, autoScaling, rollingUpdate, volumes, service, serviceName, podManagementPolicy, pullSecrets',
      ]);
      expect(await problems('version: v1beta1\nimages:\n  default:\n    image: x\n    dockerfile: ./Dockerfile\n')).toEqual([
        '5:5 images.default.dockerfile: unknown key `dockerfile`; expected one of: image, tag, createPullSecret, insecure, skipPush, build',
      ]);
      expect(await problems('version: v1beta1\nhooks:\n- command: echo\n')).toEqual([
        '2:1 hooks: unknown key `hooks`; expected one of: version, images, deployments, dev, cluster',
      ]);
    });

    it('rejects keys of earlier versions too', async () => {
      expect(await problems('version: v1beta1\ndev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - localPort: 80\n')).toEqual([
        '6:7 dev.ports[0].forward[0].port: missing required key `port` (number)',
        '6:7 dev.ports[0].forward[0].localPort: unknown key `localPort`; expected one of: port, remotePort, bindAddress',
      ]);
    });

    it('checks references with the v1beta2 rules', async () => {
      expect(await problems('version: v1alpha2\ndev:\n  overrideImages:\n  - name: defualt\nimages:\n  default:\n    image: x\n')).toEqual([
        '4:11 dev.overrideImages[0].name: image `defualt` is not defined in `images`; did you mean `default`?',
      ]);
      expect(await problems('version: v1alpha4\ndeployments:\n- name: r\n  helm:\n    chart:\n      version: 1.0.0\n')).toEqual([
        '5:5 deployments[0].helm.chart.name: missing required key `name` (string)',
      ]);
    });
  });
});

describe('the v1beta2 check after an upgrade', () => {
  // The old schemas ask for everything v1beta2 needs, so no old file reaches this check with a problem;
  // it is the safety net for a gap in an upgrade step, and must still point at the user's line.
  it('reports at the old path and line, saying that the problem is in the upgraded form', () => {
    const text = 'version: v1alpha1\ndevSpace:\n  ports:\n  - labelSelector: {a: b}\n    portMappings:\n    - localPort: 3000\n';
    const parsed = parseYaml(text, 'devspace.yaml');
    if (!parsed.ok) throw new Error('fixture does not parse');
    const locator = new Locator(parsed.doc, parsed.lines);
    const upgraded = { version: 'v1beta2', dev: { ports: [{ labelSelector: { a: 'b' }, forward: [{ port: 70000 }] }] } };
    const origin = (p: ConfigPath): ConfigPath =>
      p[0] === 'dev' && p[1] === 'ports' && p[3] === 'forward'
        ? ['devSpace', 'ports', p[2]!, 'portMappings', ...p.slice(4).map((s) => (s === 'port' ? 'localPort' : s))]
        : p;
    const result = validateWith(DevspaceConfigSchema, upgraded, 'devspace.yaml', locator, new Set(), {
      origin,
      suffix: ' (after upgrading v1alpha1 to v1beta2)',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      {
        file: 'devspace.yaml',
        line: 6,
        column: 18,
        path: 'devSpace.ports[0].portMappings[0].localPort',
        message: 'expected a port number from 1 to 65535, found number 70000 (after upgrading v1alpha1 to v1beta2)',
      },
    ]);
  });
});
