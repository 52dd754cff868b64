import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { readStatus, removeImages, runCli, type Run } from './helpers.js';

// `devspace build`, `deploy` and `purge` through the built CLI, as a user runs them.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const image = `${REGISTRY}/ds-e2e-cli-${uid()}`;

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

const devspace = (args: string[], cwd = project.root): Promise<Run> => runCli(args, cwd);

const DEVSPACE_YAML = `version: v1beta2
images:
  app:
    image: ${image}
deployments:
- name: web
  kubectl:
    manifests: ["kube/*.yaml"]
- name: api
  component:
    containers:
    - image: ${image}
      readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
    service:
      ports: [{port: 80, containerPort: 8080}]
`;
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: web, image: "${image}:latest", readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}}
`;

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-cli');
  project = await tempProject({
    'devspace.yaml': DEVSPACE_YAML,
    Dockerfile: `FROM ${BASE_IMAGE}\nRUN mkdir -p /www && echo cli > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
    'kube/web.yaml': WEB,
  });
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  await removeImages(image);
});

describe('devspace build / deploy / purge (built CLI)', () => {
  it('deploy builds, pushes and deploys both deployments until Ready (exit 0)', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^push\s+app\s+done/m);
    expect(r.stdout).toMatch(/^deploy\s+web\s+ready in/m);
    expect(r.stdout).toMatch(/^deploy\s+api\s+ready in/m);

    const tags = await fetch(`http://${REGISTRY}/v2/${image.slice(REGISTRY.length + 1)}/tags/list`).then((x) => x.json() as Promise<{ tags: string[] }>);
    expect(tags.tags).toHaveLength(1);
    const ref = `${image}:${tags.tags[0]}`;
    for (const name of ['web', 'api']) {
      const d = await apps.readNamespacedDeployment({ name, namespace: ns.name });
      expect(d.spec!.template.spec!.containers[0]!.image).toBe(ref);
      expect(d.status!.readyReplicas).toBe(d.spec!.replicas);
    }
  });

  it('a second deploy skips what did not change; -d deploys again', async () => {
    const again = await devspace(['deploy', '-n', ns.name]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^build\s+app\s+skipped/m);
    expect(again.stdout).toMatch(/^deploy\s+web\s+skipped: nothing changed/m);
    expect(again.stdout).toMatch(/^deploy\s+api\s+skipped: nothing changed/m);

    const forced = await devspace(['deploy', '-n', ns.name, '-d']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^deploy\s+web\s+applied 1 objects \(1 unchanged\)/m);
    expect(forced.stdout).toMatch(/^deploy\s+api\s+ready in/m);
  });

  it('build works on its own and says when nothing changed', async () => {
    const r = await devspace(['build', '--skip-push']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^build\s+app\s+skipped/m);
    expect(r.stdout).toMatch(/^push\s+app\s+skipped: --skip-push/m);
  });

  it('usage mistakes exit 2 with one line', async () => {
    const r = await devspace(['purge', '-n', ns.name, '--deployments', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown deployment nope\nhint: devspace.yaml has: web, api\n');

    const broken = await tempProject({ 'devspace.yaml': 'version: v1beta2\ndeployments:\n- name: x\n  kubectl:\n    manifests: [k8s/*.yaml]\n' });
    try {
      const d = await devspace(['deploy', '-n', ns.name], broken.root);
      expect(d.code).toBe(2);
      expect(d.stderr).toBe('error: deployment x: deployments[0].kubectl.manifests[0]: k8s/*.yaml matches no .yaml, .yml or .json files\n');
    } finally {
      await broken.dispose();
    }
  });

  it('purge deletes both deployments in reverse order and waits until they are gone (exit 0)', async () => {
    const r = await devspace(['purge', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const order = [...r.stdout.matchAll(/^deploy\s+(\w+)\s+purged (\d+) objects/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(order).toEqual(['api:2', 'web:1']);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'web', ns.name)).toBe(404);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'api', ns.name)).toBe(404);
    expect(await readStatus(kc, 'v1', 'Service', 'api', ns.name)).toBe(404);
    expect((await core.listNamespacedPod({ namespace: ns.name })).items).toEqual([]);

    const twice = await devspace(['purge', '-n', ns.name]);
    expect(twice.code).toBe(0);
  });
});
