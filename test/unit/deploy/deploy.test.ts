import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { deployAll } from '../../../src/engine/deploy/deploy.js';
import { purgeAll } from '../../../src/engine/deploy/purge.js';
import { readDeployRecords } from '../../../src/engine/deploy/state.js';
import type { KubeObject } from '../../../src/engine/deploy/types.js';
import { FakeCluster, rolledOut } from '../../fixtures/deploy/fake-cluster.js';
import { built, fakeKube, recordingEmitter, tempProject } from '../../fixtures/deploy/project.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: 127.0.0.1:5000/app:latest
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;
const EXTRA = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: web-reader, namespace: ignored}
rules: []
`;

const config: DevspaceConfig = {
  version: 'v1beta2',
  images: { app: { image: '127.0.0.1:5000/app' } },
  deployments: [{ name: 'web', kubectl: { manifests: ['kube/*.yaml'] } }],
};

let project: Awaited<ReturnType<typeof tempProject>>;
let cluster: FakeCluster;

beforeEach(async () => {
  project = await tempProject({ 'kube/web.yaml': WEB, 'kube/extra.yaml': EXTRA });
  // Another stage's key in the shared cache file must survive deploy writes.
  await project.write('.devspace/cache.json', JSON.stringify({ images: { app: { builds: [] } } }));
  cluster = new FakeCluster();
  // The "controller": every Deployment read reports a finished rollout.
  cluster.onRead = (ref, obj) => {
    if (ref.kind === 'Deployment' && obj) rolledOut(obj, ((obj.spec as { replicas?: number }).replicas ?? 1));
  };
});
afterEach(() => project.dispose());

const applies = () => cluster.log.filter((l) => l.startsWith('apply '));

describe('deployAll (kubectl)', () => {
  it('creates the namespace, applies in dependency order with namespaces filled in and the built image, records it', async () => {
    const { events, seen } = recordingEmitter();
    const out = await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events, cluster, builtImages: built('app', '127.0.0.1:5000/app', 'ds-1') });
    expect(out).toEqual([expect.objectContaining({ deployment: 'web', status: 'deployed' })]);
    expect(applies()).toEqual([
      'apply Namespace/-/dev',
      'apply ConfigMap/dev/settings',
      'apply ClusterRole/-/web-reader',
      'apply Service/dev/web',
      'apply Deployment/dev/web',
    ]);
    const dep = cluster.get('apps/v1', 'Deployment', 'web', 'dev')!;
    expect((dep.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image).toBe('127.0.0.1:5000/app:ds-1');
    expect(seen.map((e) => e.type)).toEqual(['deploy:start', 'engine:info', 'deploy:applied', 'deploy:rollout', 'deploy:done']);
    const applied = seen.find((e) => e.type === 'deploy:applied')!.payload as { objects: { action: string }[] };
    expect(applied.objects.map((o) => o.action)).toEqual(['created', 'created', 'created', 'created']);

    const cache = JSON.parse(await readFile(path.join(project.root, '.devspace/cache.json'), 'utf8'));
    expect(cache.images).toEqual({ app: { builds: [] } });
    const [record] = await readDeployRecords(project.root);
    expect(record).toMatchObject({ name: 'web', type: 'kubectl', context: 'test', namespace: 'dev' });
    expect(record!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record!.objects.map((o) => `${o.kind}/${o.namespace ?? '-'}/${o.name}`)).toEqual([
      'ConfigMap/dev/settings', 'ClusterRole/-/web-reader', 'Service/dev/web', 'Deployment/dev/web',
    ]);
  });

  it('skips an unchanged deployment, redeploys on -d, on a new image and when an object went missing', async () => {
    const kube = fakeKube();
    const first = built('app', '127.0.0.1:5000/app', 'ds-1');
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster, builtImages: first });

    cluster.log.length = 0;
    const again = recordingEmitter();
    expect(await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: again.events, cluster, builtImages: first })).toEqual([
      expect.objectContaining({ status: 'skipped' }),
    ]);
    expect(applies()).toEqual([]);
    expect(again.seen.map((e) => e.type)).toEqual(['deploy:start', 'deploy:skipped']);

    const forced = recordingEmitter();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: forced.events, cluster, builtImages: first, force: true });
    const actions = (forced.seen.find((e) => e.type === 'deploy:applied')!.payload as { objects: { action: string }[] }).objects.map((o) => o.action);
    expect(actions).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);

    cluster.log.length = 0;
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster, builtImages: built('app', '127.0.0.1:5000/app', 'ds-2') });
    expect(applies()).toContain('apply Deployment/dev/web');

    // Same tag, rebuilt image (new id): still a change.
    cluster.log.length = 0;
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster, builtImages: built('app', '127.0.0.1:5000/app', 'ds-2', 'sha256:other') });
    expect(applies()).toContain('apply Deployment/dev/web');

    await cluster.delete({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'dev' });
    cluster.log.length = 0;
    const healed = recordingEmitter();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: healed.events, cluster, builtImages: built('app', '127.0.0.1:5000/app', 'ds-2', 'sha256:other') });
    expect(applies()).toContain('apply Service/dev/web');
    expect(healed.seen.some((e) => e.type === 'engine:info' && e.payload.message === 'Service/web is gone from the cluster; deploying again')).toBe(true);
  });

  it('removes objects an earlier deploy made that are no longer in the manifests', async () => {
    const kube = fakeKube();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster });
    await rm(path.join(project.root, 'kube/extra.yaml'));
    const { events, seen } = recordingEmitter();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events, cluster });
    expect(cluster.get('v1', 'ConfigMap', 'settings', 'dev')).toBeUndefined();
    expect(cluster.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'web-reader')).toBeUndefined();
    const objects = (seen.find((e) => e.type === 'deploy:applied')!.payload as { objects: { kind: string; action: string }[] }).objects;
    expect(objects.filter((o) => o.action === 'deleted').map((o) => o.kind)).toEqual(['ClusterRole', 'ConfigMap']);
  });

  it('reports an API rejection as deploy:failed and a one-line UserError naming the object and file', async () => {
    cluster.failApply = (o) => (o.kind === 'Deployment' ? { code: 422, message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1' } : undefined);
    const { events, seen } = recordingEmitter();
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events, cluster })).rejects.toMatchObject({
      message: 'deployment web: cannot apply Deployment/web in namespace dev (from kube/web.yaml (document 1)): Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1',
      exitCode: 1,
    });
    expect(seen.at(-1)).toMatchObject({ type: 'deploy:failed', payload: { deployment: 'web' } });
  });

  it('applies a CRD before its custom resources, which get the namespace once the kind is served', async () => {
    await project.write('kube/crd.yaml', `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, scope: Namespaced, names: {kind: Widget, plural: widgets}, versions: [{name: v1, served: true, storage: true}]}
`);
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events: recordingEmitter().events, cluster });
    expect(applies().filter((l) => /Widget|CustomResource/.test(l))).toEqual([
      'apply CustomResourceDefinition/-/widgets.example.com',
      'apply Widget/dev/w1',
    ]);
  });

  it('says which file holds a kind the cluster does not know', async () => {
    await project.write('kube/typo.yaml', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n');
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events: recordingEmitter().events, cluster })).rejects.toMatchObject({
      message: 'deployment web: kube/typo.yaml: the cluster does not know Deploymnet in apps/v1',
      hint: 'check apiVersion and kind, or install its CRD first',
    });
  });

  it('stops waiting on abort without reporting the deployment as failed', async () => {
    cluster.onRead = undefined; // nothing ever rolls out
    const ctl = new AbortController();
    const { events, seen } = recordingEmitter();
    events.on('deploy:rollout', () => ctl.abort(new DOMException('stopped', 'AbortError')));
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events, cluster, signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.some((e) => e.type === 'deploy:failed')).toBe(false);
    // What was applied is still recorded, so purge can remove it.
    expect((await readDeployRecords(project.root))[0]!.objects).toHaveLength(4);
  });

  it('rejects unknown names in --deployments as a usage error', async () => {
    await expect(deployAll({ root: project.root, rolloutSettleMs: 0, config, kube: fakeKube(), events: recordingEmitter().events, cluster, only: ['api'] })).rejects.toMatchObject({
      message: 'unknown deployment api',
      hint: 'devspace.yaml has: web',
      exitCode: 2,
    });
  });
});

describe('deployAll (component)', () => {
  it('renders the component with the built image and applies it into the deployment namespace', async () => {
    const cfg: DevspaceConfig = {
      version: 'v1beta2',
      images: { app: { image: '127.0.0.1:5000/app' } },
      deployments: [{ name: 'api', namespace: 'other', component: { containers: [{ image: '127.0.0.1:5000/app' }], service: { ports: [{ port: 8080 }] } } }],
    };
    await deployAll({ root: project.root, rolloutSettleMs: 0, config: cfg, kube: fakeKube(), events: recordingEmitter().events, cluster, builtImages: built('app', '127.0.0.1:5000/app', 'ds-9') });
    expect(applies()).toEqual(['apply Namespace/-/other', 'apply Service/other/api', 'apply Deployment/other/api']);
    const dep = cluster.get('apps/v1', 'Deployment', 'api', 'other') as KubeObject;
    expect(JSON.stringify(dep.spec)).toContain('"image":"127.0.0.1:5000/app:ds-9"');
  });
});

describe('purgeAll', () => {
  it('deletes exactly what was recorded, in reverse order, waits until it is gone and forgets the record', async () => {
    const kube = fakeKube();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster });
    // The manifests change after the deploy; purge still removes what was applied.
    await writeFile(path.join(project.root, 'kube/web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}\n');
    await rm(path.join(project.root, 'kube/extra.yaml'));
    cluster.deleteDelayReads = 2;
    cluster.log.length = 0;
    const { events, seen } = recordingEmitter();
    const out = await purgeAll({ root: project.root, config, kube, events, cluster });
    expect(cluster.log.filter((l) => l.startsWith('delete '))).toEqual([
      'delete Deployment/dev/web', 'delete Service/dev/web', 'delete ClusterRole/-/web-reader', 'delete ConfigMap/dev/settings',
    ]);
    expect([...cluster.objects.keys()]).toEqual(['v1|Namespace||dev']);
    expect(out[0]!.deleted).toHaveLength(4);
    expect(seen.at(-1)).toMatchObject({ type: 'purge:done', payload: { deployment: 'web' } });
    expect(await readDeployRecords(project.root)).toEqual([]);
  });

  it('without a record, deletes what the manifests describe (missing objects are fine)', async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'dev' } });
    const out = await purgeAll({ root: project.root, config, kube: fakeKube(), events: recordingEmitter().events, cluster });
    expect(out[0]!.deleted.map((r) => `${r.kind}/${r.name}`)).toEqual(['Service/web']);
    expect(cluster.get('v1', 'Service', 'web', 'dev')).toBeUndefined();
  });

  it('also purges recorded deployments that were removed from devspace.yaml', async () => {
    const kube = fakeKube();
    await deployAll({ root: project.root, rolloutSettleMs: 0, config, kube, events: recordingEmitter().events, cluster });
    const { events, seen } = recordingEmitter();
    await purgeAll({ root: project.root, config: { deployments: [] }, kube, events, cluster });
    expect(cluster.get('apps/v1', 'Deployment', 'web', 'dev')).toBeUndefined();
    expect(seen.some((e) => e.type === 'engine:info' && e.payload.message.includes('no longer in devspace.yaml'))).toBe(true);
  });
});
