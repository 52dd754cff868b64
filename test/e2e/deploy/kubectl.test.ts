import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImages } from '../../../src/engine/build/types.js';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { deployAll, purgeAll } from '../../../src/engine/deploy/index.js';
import { tempProject } from '../../fixtures/deploy/project.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { deleteNamespace, readStatus, recorder, testTarget } from './helpers.js';

// kubectl-style deployments against the real cluster: glob, image replacement,
// server-side apply, rollout, skip/force, purge until 404, a namespace created on the fly.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const [baseRepo, baseTag] = BASE_IMAGE.split(/:(?=[^:/]+$)/) as [string, string];
// What the build step would have handed over: the manifests name the repository without tag.
const builtImages: BuiltImages = {
  web: { key: 'web', image: baseRepo, tag: baseTag, ref: BASE_IMAGE, rebuilt: false, local: true, skipPush: false, createPullSecret: false, builder: 'docker' },
};

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${baseRepo}
        command: [sh, -c, "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
`;
const CONFIG = `# a comment-only document first
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-settings}
data: {greeting: hello}
`;

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;
const extraNamespace = `e2e-deploy-new-${uid()}`;

const config = (): DevspaceConfig => ({
  version: 'v1beta2',
  images: { web: { image: baseRepo } },
  deployments: [{ name: 'web', kubectl: { manifests: ['kube/**'] } }],
});

beforeAll(async () => {
  ns = await tempNamespace(kc, 'e2e-deploy');
  project = await tempProject({ 'kube/deployment.yaml': DEPLOYMENT, 'kube/service.yaml': SERVICE, 'kube/config/settings.yml': CONFIG, 'kube/README.md': '# not a manifest' });
});

afterAll(async () => {
  await ns?.dispose();
  await deleteNamespace(kc, extraNamespace);
  await project?.dispose();
});

describe('kubectl deployments on the real cluster', () => {
  it('applies the globbed manifests server-side with the built image and waits until both replicas are Ready', async () => {
    const kube = await testTarget(ns.name);
    const rec = recorder();
    const out = await deployAll({ root: project.root, config: config(), kube, events: rec.events, builtImages });
    expect(out).toEqual([expect.objectContaining({ deployment: 'web', status: 'deployed' })]);

    expect(rec.of('deploy:applied')[0]!.objects.map((o) => `${o.kind}/${o.name} ${o.action}`)).toEqual([
      'ConfigMap/web-settings created', 'Service/web created', 'Deployment/web created',
    ]);
    const last = rec.of('deploy:rollout').at(-1)!;
    expect(last).toMatchObject({ workload: 'Deployment/web', ready: 2, desired: 2 });
    expect(rec.seen.at(-1)!.type).toBe('deploy:done');

    const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
    const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready).toHaveLength(2);
    for (const p of ready) expect(p.spec?.containers[0]?.image).toBe(BASE_IMAGE);

    // Server-side apply, as field manager devspace.
    const dep = await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
    expect(dep.metadata?.managedFields?.some((m) => m.manager === 'devspace' && m.operation === 'Apply')).toBe(true);
  });

  it('skips a second deploy when nothing changed, and -d applies again (all unchanged)', async () => {
    const kube = await testTarget(ns.name);
    const again = recorder();
    await deployAll({ root: project.root, config: config(), kube, events: again.events, builtImages });
    expect(again.seen.map((e) => e.type)).toEqual(['deploy:start', 'deploy:skipped']);

    const forced = recorder();
    await deployAll({ root: project.root, config: config(), kube, events: forced.events, builtImages, force: true });
    expect(forced.of('deploy:applied')[0]!.objects.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(forced.of('deploy:done')).toHaveLength(1);
  });

  it('rejects a misspelt field instead of silently dropping it (strict server-side validation)', async () => {
    const kube = await testTarget(ns.name);
    await project.write('typo/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndatta: {a: b}\n');
    const cfg: DevspaceConfig = { version: 'v1beta2', deployments: [{ name: 'typo', kubectl: { manifests: ['typo/cm.yaml'] } }] };
    await expect(deployAll({ root: project.root, config: cfg, kube, events: recorder().events })).rejects.toThrow(
      /^deployment typo: cannot apply ConfigMap\/typo in namespace e2e-deploy-\w+ \(from typo\/cm\.yaml\): .*\.?datta.*(field not declared in schema|unknown field)/,
    );
  });

  it('purge deletes everything it applied and returns only when it is gone', async () => {
    const kube = await testTarget(ns.name);
    const rec = recorder();
    const out = await purgeAll({ root: project.root, config: config(), kube, events: rec.events, only: ['web'] });
    expect(out[0]!.deleted.map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/web', 'Service/web', 'ConfigMap/web-settings']);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'web', ns.name)).toBe(404);
    expect(await readStatus(kc, 'v1', 'Service', 'web', ns.name)).toBe(404);
    expect(await readStatus(kc, 'v1', 'ConfigMap', 'web-settings', ns.name)).toBe(404);
    // Foreground deletion: the Deployment is gone only after its pods.
    const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
    expect(pods).toEqual([]);
    expect(rec.of('purge:done')[0]!.objects).toHaveLength(3);
  });

  it('creates a missing deployment namespace', async () => {
    const kube = await testTarget(ns.name);
    expect(await readStatus(kc, 'v1', 'Namespace', extraNamespace)).toBe(404);
    const cfg: DevspaceConfig = { version: 'v1beta2', deployments: [{ name: 'settings', namespace: extraNamespace, kubectl: { manifests: ['kube/config'] } }] };
    const rec = recorder();
    await deployAll({ root: project.root, config: cfg, kube, events: rec.events });
    expect(await readStatus(kc, 'v1', 'Namespace', extraNamespace)).toBe(200);
    expect(await readStatus(kc, 'v1', 'ConfigMap', 'web-settings', extraNamespace)).toBe(200);
    expect(rec.of('engine:info').map((i) => i.message)).toContain(`created namespace ${extraNamespace}`);
  });
});
