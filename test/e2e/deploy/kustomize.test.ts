import { chmod } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { readStatus, removeImages, runCli, type Run } from './helpers.js';

// kubectl deployments with `kustomize: true`: an overlay rendered by the test bed's real kubectl
// (`kubectl kustomize`), the built image put in, applied, upgraded on an overlay edit and purged.

const kc = testKubeConfig();
const apps = kc.makeApiClient(k8s.AppsV1Api);
const image = `${REGISTRY}/ds-e2e-kustomize-${uid()}`;
const KUBECTL = '/var/lib/devspace-testbed/bin/localk8s';

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

const devspace = (args: string[]): Promise<Run> => runCli(args, project.root);
const overlay = (replicas: number): string =>
  ['resources: [../base]', 'namePrefix: dev-', 'labels:', '- pairs: {env: dev}', '  includeSelectors: true', 'replicas:', `- {name: web, count: ${replicas}}`, ''].join('\n');

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-kustomize');
  project = await tempProject({
    Dockerfile: `FROM ${BASE_IMAGE}\nRUN mkdir -p /www && echo kustomize > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
    'kube/base/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
    'kube/base/deployment.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  replicas: 1', '  selector: {matchLabels: {app: web}}', '  template:',
      '    metadata: {labels: {app: web}}', '    spec:', '      terminationGracePeriodSeconds: 1', '      containers:',
      `      - {name: web, image: ${image}, readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}}`, '',
    ].join('\n'),
    'kube/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n',
    'kube/overlay/kustomization.yaml': overlay(1),
    // The test bed's kubectl is a subcommand of its multi-call binary.
    'bin/kubectl': `#!/bin/sh\nexec ${KUBECTL} kubectl "$@"\n`,
  });
  await chmod(path.join(project.root, 'bin/kubectl'), 0o755);
  const config = [
    'version: v1beta2', 'images:', '  app:', `    image: ${image}`, 'deployments:', '- name: web', '  kubectl:',
    '    manifests: [kube/overlay/kustomization.yaml]', '    kustomize: true', `    cmdPath: ${path.join(project.root, 'bin/kubectl')}`, '',
  ];
  await project.write('devspace.yaml', config.join('\n'));
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  await removeImages(image);
});

describe('kustomize deployments with the real kubectl', () => {
  it('renders the overlay, puts the built image in, and waits until Ready', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+web\s+applied 2 objects \(2 created\)/m);
    expect(r.stdout).toMatch(/^deploy\s+web\s+ready in/m);
    const d = await apps.readNamespacedDeployment({ name: 'dev-web', namespace: ns.name });
    expect(d.metadata!.labels).toMatchObject({ env: 'dev' });
    expect(d.spec!.template.spec!.containers[0]!.image).toMatch(new RegExp(`^${image}:ds-`));
    expect(await readStatus(kc, 'v1', 'Service', 'dev-web', ns.name)).toBe(200);
  });

  it('skips an unchanged overlay and applies an edited one', async () => {
    const again = await devspace(['deploy', '-n', ns.name]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^deploy\s+web\s+skipped: nothing changed/m);
    await project.write('kube/overlay/kustomization.yaml', overlay(2));
    const edited = await devspace(['deploy', '-n', ns.name]);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/^deploy\s+web\s+ready in/m);
    expect((await apps.readNamespacedDeployment({ name: 'dev-web', namespace: ns.name })).status!.readyReplicas).toBe(2);
  });

  it('reports a broken kustomization in one line with exit code 2', async () => {
    await project.write('kube/overlay/kustomization.yaml', 'resources: [../base, missing.yaml]\n');
    try {
      const r = await devspace(['deploy', '-n', ns.name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: deployment web: deployments\[0\]\.kubectl\.manifests\[0\]: kustomize kube\/overlay failed: .*missing\.yaml/);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    } finally {
      await project.write('kube/overlay/kustomization.yaml', overlay(2));
    }
  });

  it('purge deletes what the overlay made', async () => {
    const r = await devspace(['purge', '-n', ns.name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+web\s+purged 2 objects/m);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'dev-web', ns.name)).toBe(404);
  });
});
