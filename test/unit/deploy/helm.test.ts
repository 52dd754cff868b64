import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { deployAll } from '../../../src/engine/deploy/deploy.js';
import { HELM_INSTALL_HINT, mergeValues } from '../../../src/engine/deploy/helm.js';
import { purgeAll } from '../../../src/engine/deploy/purge.js';
import { readDeployRecords } from '../../../src/engine/deploy/state.js';
import { FakeCluster, rolledOut } from '../../fixtures/deploy/fake-cluster.js';
import { built, fakeKube, recordingEmitter, tempProject } from '../../fixtures/deploy/project.js';

const FAKE_HELM = fileURLToPath(new URL('../../fixtures/deploy/fake-helm.sh', import.meta.url));

const MANIFEST = `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: shop}
spec: {ports: [{port: 80}]}
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec: {replicas: 1, selector: {matchLabels: {app: shop}}, template: {metadata: {labels: {app: shop}}, spec: {containers: [{name: c, image: x}]}}}
`;

const config = (helm: Record<string, unknown> = {}): DevspaceConfig => ({
  version: 'v1beta2',
  images: { app: { image: '127.0.0.1:5000/shop' } },
  deployments: [{
    name: 'shop',
    helm: {
      chart: { name: './chart' },
      values: { image: { repository: '127.0.0.1:5000/shop' }, replicas: 2 },
      valuesFiles: ['values-dev.yaml'],
      wait: true,
      timeout: 120,
      ...helm,
    },
  }],
});

let project: Awaited<ReturnType<typeof tempProject>>;
let env: NodeJS.ProcessEnv;
let cluster: FakeCluster;

beforeEach(async () => {
  project = await tempProject({
    'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
    'chart/values.yaml': 'image: {repository: 127.0.0.1:5000/shop, pullPolicy: IfNotPresent}\nreplicas: 1\nlist: [a, b]\n',
    'values-dev.yaml': 'list: [c]\nextra: 127.0.0.1:5000/shop:old\n',
    'manifest.yaml': MANIFEST,
  });
  const bin = path.join(project.root, 'bin');
  await mkdir(bin);
  await copyFile(FAKE_HELM, path.join(bin, 'helm'));
  await chmod(path.join(bin, 'helm'), 0o755);
  env = {
    PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin`,
    HELM_LOG: path.join(project.root, 'helm.log'),
    HELM_VALUES_COPY: path.join(project.root, 'values-sent.yaml'),
    HELM_MANIFEST: path.join(project.root, 'manifest.yaml'),
  };
  cluster = new FakeCluster();
  cluster.onRead = (ref, obj) => ref.kind === 'Deployment' && obj && rolledOut(obj, 1);
  // Helm itself would create the objects; the fake stands in for that.
  await cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'dev' } });
  await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace: 'dev' }, spec: { replicas: 1 } });
});
afterEach(() => project.dispose());

const helmCalls = async (): Promise<string[]> => (await readFile(env.HELM_LOG!, 'utf8')).trim().split('\n');

describe('helm deployments', () => {
  it('fails with a clear error when helm is not on PATH', async () => {
    const { events, seen } = recordingEmitter();
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, config: config(), kube: fakeKube(), events, cluster, env: { PATH: '/nonexistent' } })).rejects.toMatchObject({
      message: 'deployment shop: shop is a Helm deployment, which needs the `helm` binary, and it is not on PATH',
      hint: HELM_INSTALL_HINT,
      exitCode: 1,
    });
    expect(seen.at(-1)).toMatchObject({ type: 'deploy:failed', payload: { hint: HELM_INSTALL_HINT } });
  });

  it('runs helm upgrade --install with merged values carrying the built image, then tracks the release objects', async () => {
    const { events, seen } = recordingEmitter();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config: config(), kube: fakeKube(), events, cluster, env, builtImages: built('app', '127.0.0.1:5000/shop', 'ds-7') });
    const [upgrade, get] = await helmCalls();
    expect(upgrade).toMatch(
      new RegExp(`^upgrade --install shop ${project.root}/chart --namespace dev --values \\S+/values\\.yaml --wait --timeout 120s$`),
    );
    expect(get).toBe('get manifest shop --namespace dev');
    const sent = parse(await readFile(env.HELM_VALUES_COPY!, 'utf8'));
    expect(sent).toEqual({
      image: { repository: '127.0.0.1:5000/shop:ds-7', pullPolicy: 'IfNotPresent' },
      replicas: 2,
      list: ['c'],
      extra: '127.0.0.1:5000/shop:ds-7',
    });
    const applied = seen.find((e) => e.type === 'deploy:applied')!.payload as { objects: { kind: string; namespace?: string }[] };
    expect(applied.objects.map((o) => `${o.kind}/${o.namespace}`)).toEqual(['Service/dev', 'Deployment/dev']);
    expect(seen.some((e) => e.type === 'deploy:done')).toBe(true);
    const [record] = await readDeployRecords(project.root);
    expect(record).toMatchObject({ type: 'helm', objects: [{ kind: 'Service', name: 'shop' }, { kind: 'Deployment', name: 'shop' }] });
  });

  it('passes repository charts, force and rollback (as --atomic)', async () => {
    const cfg = config({ chart: { name: 'shop', repo: 'https://charts.example.com', version: '1.2.3' }, force: true, rollback: true, wait: false, timeout: undefined });
    await deployAll({ root: project.root, rolloutSettleMs: 0, config: cfg, kube: fakeKube(), events: recordingEmitter().events, cluster, env });
    const [upgrade] = await helmCalls();
    expect(upgrade).toMatch(/^upgrade --install shop shop --namespace dev --values \S+ --repo https:\/\/charts\.example\.com --version 1\.2\.3 --force --atomic$/);
  });

  it('gives repository credentials to helm in a private file, never as arguments, and keeps the password out of errors', async () => {
    const cfg = config({ chart: { name: 'shop', repo: 'https://charts.example.com', version: '1.2.3', username: 'me', password: 'hunter2' } });
    await deployAll({ root: project.root, rolloutSettleMs: 0, config: cfg, kube: fakeKube(), events: recordingEmitter().events, cluster, env });
    const [update, upgrade] = await helmCalls();
    expect(update).toMatch(/^repo update devspace-chart --fail-on-repo-update-fail --repository-config (\S+\/repositories\.yaml) --repository-cache \S+$/);
    expect(upgrade).toMatch(/^upgrade --install shop devspace-chart\/shop --namespace dev --values \S+ --repository-config \S+ --repository-cache \S+ --version 1\.2\.3 --wait/);
    expect(await readFile(env.HELM_LOG!, 'utf8')).not.toMatch(/hunter2|--password|--username/);

    env.HELM_FAIL = 'failed to fetch index with password hunter2';
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, force: true, config: cfg, kube: fakeKube(), events: recordingEmitter().events, cluster, env })).rejects.toThrow(
      'deployment shop: cannot read the chart repository https://charts.example.com: failed to fetch index with password ***',
    );
  });

  it('purge uninstalls the release and waits for its recorded objects', async () => {
    await deployAll({ root: project.root, rolloutSettleMs: 0, config: config(), kube: fakeKube(), events: recordingEmitter().events, cluster, env });
    // helm uninstall would delete them; the fake cluster needs a hand.
    await cluster.delete({ apiVersion: 'v1', kind: 'Service', name: 'shop', namespace: 'dev' });
    const out = await purgeAll({ root: project.root, config: config(), kube: fakeKube(), events: recordingEmitter().events, cluster, env });
    expect((await helmCalls()).at(-1)).toBe('uninstall shop --namespace dev');
    expect(out[0]!.deleted.map((r) => r.kind)).toEqual(['Deployment']);
    expect(cluster.get('apps/v1', 'Deployment', 'shop', 'dev')).toBeUndefined();
    expect(await readDeployRecords(project.root)).toEqual([]);
  });
});

describe('mergeValues', () => {
  it('merges maps and replaces lists and scalars', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: { e: 1 } })).toEqual({ a: { b: 1, c: [3] }, d: { e: 1 } });
  });
});
