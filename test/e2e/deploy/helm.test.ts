import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, HELM_DIR, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { chartFiles, chartValues, helm } from './helm-chart.js';
import { readStatus, removeImages, run, runCli, type Run } from './helpers.js';

// Helm deployments with the real Helm 3 the test bed builds: a local chart gets the freshly built image
// through its values, is waited for, skipped when nothing changed, upgraded on a chart edit, and uninstalled.

const kc = testKubeConfig();
const apps = kc.makeApiClient(k8s.AppsV1Api);
const image = `${REGISTRY}/ds-e2e-helm-${uid()}`;
const env = { PATH: `${HELM_DIR}${path.delimiter}${process.env.PATH ?? ''}` };

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

const devspace = (args: string[]): Promise<Run> => runCli(args, project.root, env);
const helmCli = (args: string[]): Promise<Run> => run(helm(), [...args, '--namespace', ns.name], project.root, { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string });

beforeAll(async () => {
  helm(); // fails now, with the reason, when the test bed has no helm
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-helm');
  project = await tempProject({
    'devspace.yaml': `version: v1beta2\nimages:\n  app:\n    image: ${image}\ndeployments:\n- name: shop\n  helm:\n    chart:\n      name: ./chart\n    values:\n      message: from-devspace\n`,
    Dockerfile: `FROM ${BASE_IMAGE}\nRUN mkdir -p /www && echo helm > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
    ...chartFiles('chart', image, 1),
  });
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  await removeImages(image);
});

describe('helm deployments with the real helm', () => {
  it('installs the local chart with the built image in its values and waits until Ready', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+shop\s+ready in/m);
    const tags = await fetch(`http://${REGISTRY}/v2/${image.slice(REGISTRY.length + 1)}/tags/list`).then((x) => x.json() as Promise<{ tags: string[] }>);
    const d = await apps.readNamespacedDeployment({ name: 'shop', namespace: ns.name });
    const container = d.spec!.template.spec!.containers[0]!;
    expect(container.image).toBe(`${image}:${tags.tags[0]}`);
    // devspace.yaml's values win over the chart's own values.yaml.
    expect(container.env).toEqual([{ name: 'MESSAGE', value: 'from-devspace' }]);
    expect(d.status!.readyReplicas).toBe(1);
    const list = await helmCli(['list', '-o', 'json']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'shop', status: 'deployed', revision: '1' }]);
  });

  it('skips an unchanged release and upgrades it after a chart edit', async () => {
    const again = await devspace(['deploy', '-n', ns.name]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^deploy\s+shop\s+skipped: nothing changed/m);

    await project.write('chart/values.yaml', chartValues(image, 2));
    const edited = await devspace(['deploy', '-n', ns.name]);
    expect(edited.stderr).toBe('');
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/^deploy\s+shop\s+ready in/m);
    expect((await apps.readNamespacedDeployment({ name: 'shop', namespace: ns.name })).status!.readyReplicas).toBe(2);
    expect(JSON.parse((await helmCli(['list', '-o', 'json'])).stdout)).toMatchObject([{ name: 'shop', revision: '2' }]);
  });

  it('reports a template error from helm in one line, exit 1, and keeps the release as it was', async () => {
    await project.write('chart/templates/broken.yaml', 'kind: ConfigMap\nmetadata: {name: {{ .Values.nope.deeper }}}\n');
    try {
      const r = await devspace(['deploy', '-n', ns.name]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: deployment shop: helm upgrade of release shop failed: .*broken\.yaml.*nil pointer/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(JSON.parse((await helmCli(['list', '-o', 'json'])).stdout)).toMatchObject([{ name: 'shop', revision: '2', status: 'deployed' }]);
    } finally {
      await run('rm', ['-f', 'chart/templates/broken.yaml'], project.root);
    }
  });

  it('purge uninstalls the release and waits until its objects are gone', async () => {
    const r = await devspace(['purge', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+shop\s+purged \d+ objects/m);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'shop', ns.name)).toBe(404);
    expect(await readStatus(kc, 'v1', 'Service', 'shop', ns.name)).toBe(404);
    expect(JSON.parse((await helmCli(['list', '-o', 'json'])).stdout)).toEqual([]);
  });
});
