import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImages } from '../../../src/engine/build/types.js';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { deployAll, purgeAll } from '../../../src/engine/deploy/index.js';
import { tempProject } from '../../fixtures/deploy/project.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid, waitFor } from '../support/testbed.js';
import { failure, readStatus, recorder, testTarget } from './helpers.js';

// Component deployments rendered natively (no Helm) and the fail-fast rollout
// diagnosis, against the real cluster.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
const [baseRepo, baseTag] = BASE_IMAGE.split(/:(?=[^:/]+$)/) as [string, string];
const builtImages: BuiltImages = {
  app: { key: 'app', image: baseRepo, tag: baseTag, ref: BASE_IMAGE, rebuilt: false, local: true, skipPush: false, createPullSecret: false, builder: 'docker' },
};

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

beforeAll(async () => {
  ns = await tempNamespace(kc, 'e2e-component');
  project = await tempProject();
});
afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
});

describe('component deployments on the real cluster', () => {
  const config: DevspaceConfig = {
    version: 'v1beta2',
    images: { app: { image: baseRepo } },
    deployments: [{
      name: 'api',
      component: {
        replicas: 2,
        labels: { tier: 'web' },
        containers: [{
          // The tag is filled in from the build (any string value of a component is replaced).
          image: baseRepo,
          command: ['sh', '-c', 'mkdir -p /www && echo "from $HOSTNAME" > /www/index.html && exec httpd -f -p 8080 -h /www'],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        }],
        service: { ports: [{ port: 80, containerPort: 8080 }] },
      },
    }],
  };

  it('renders a Deployment and Service, waits until Ready, and the Service selects exactly those pods', async () => {
    const kube = await testTarget(ns.name);
    const rec = recorder();
    await deployAll({ root: project.root, config, kube, events: rec.events, builtImages });
    expect(rec.of('deploy:applied')[0]!.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Service/api', 'Deployment/api']);
    expect(rec.of('deploy:rollout').at(-1)).toMatchObject({ ready: 2, desired: 2 });

    const svc = await core.readNamespacedService({ name: 'api', namespace: ns.name });
    expect(svc.spec!.selector).toEqual({ 'app.kubernetes.io/name': 'devspace-app', 'app.kubernetes.io/component': 'api' });
    const selector = Object.entries(svc.spec!.selector!).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: selector })).items;
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.spec!.containers[0]!.name).toBe('container-0');
      expect(p.spec!.containers[0]!.image).toBe(BASE_IMAGE);
      expect(p.metadata!.labels!.tier).toBe('web');
    }
    // The endpoints controller agrees: both pods serve the Service.
    const ready = await waitFor(async () => {
      const slices = await discovery.listNamespacedEndpointSlice({ namespace: ns.name, labelSelector: 'kubernetes.io/service-name=api' });
      const n = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
      return n === 2 ? n : undefined;
    }, 60_000, 'two ready endpoints of service api');
    expect(ready).toBe(2);

    await purgeAll({ root: project.root, config, kube, events: recorder().events });
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'api', ns.name)).toBe(404);
    expect(await readStatus(kc, 'v1', 'Service', 'api', ns.name)).toBe(404);
  });

  it('runs a component with a writable volume as a StatefulSet with its own claim', async () => {
    const kube = await testTarget(ns.name);
    // The test bed has no storage provisioner: offer one hostPath volume bound to the claim the StatefulSet will make.
    const pv = `e2e-pv-${uid()}`;
    await core.createPersistentVolume({
      body: {
        metadata: { name: pv },
        spec: {
          capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', persistentVolumeReclaimPolicy: 'Retain',
          hostPath: { path: `/tmp/${pv}`, type: 'DirectoryOrCreate' }, claimRef: { namespace: ns.name, name: 'data-db-0' },
        },
      },
    });
    try {
      const cfg: DevspaceConfig = {
        version: 'v1beta2',
        deployments: [{
          name: 'db',
          component: {
            containers: [{
              image: BASE_IMAGE,
              command: ['sh', '-c', 'echo kept > /data/file && exec sleep 100000'],
              volumeMounts: [{ containerPath: '/data', volume: { name: 'data' } }],
            }],
            volumes: [{ name: 'data', size: '1Gi' }],
          },
        }],
      };
      const rec = recorder();
      await deployAll({ root: project.root, config: cfg, kube, events: rec.events });
      expect(rec.of('deploy:applied')[0]!.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Service/db-headless', 'StatefulSet/db']);
      expect(rec.of('deploy:rollout').at(-1)).toMatchObject({ workload: 'StatefulSet/db', ready: 1, desired: 1 });
      const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: ns.name });
      expect(claim.status?.phase).toBe('Bound');
      await purgeAll({ root: project.root, config: cfg, kube, events: recorder().events });
      expect(await readStatus(kc, 'apps/v1', 'StatefulSet', 'db', ns.name)).toBe(404);
      expect(await readStatus(kc, 'v1', 'Pod', 'db-0', ns.name)).toBe(404);
    } finally {
      await core.deleteNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: ns.name }).catch(() => undefined);
      await core.deletePersistentVolume({ name: pv }).catch(() => undefined);
    }
  });

  it('adds an Ingress and a HorizontalPodAutoscaler the API server accepts, and purges them', async () => {
    const kube = await testTarget(ns.name);
    const cfg: DevspaceConfig = {
      version: 'v1beta2',
      deployments: [{
        name: 'scaled',
        component: {
          replicas: 1,
          containers: [{ image: BASE_IMAGE, command: ['sh', '-c', 'exec sleep 100000'], resources: { requests: { cpu: '10m' } } }],
          service: { ports: [{ port: 80, containerPort: 8080 }] },
          ingress: { tls: 'scaled-cert', rules: [{ host: 'scaled.example.test', path: '/' }] },
          autoScaling: { horizontal: { maxReplicas: 3, averageCPU: '500m' } },
        },
      }],
    };
    const rec = recorder();
    await deployAll({ root: project.root, config: cfg, kube, events: rec.events });
    expect(rec.of('deploy:applied')[0]!.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Service/scaled', 'Deployment/scaled', 'HorizontalPodAutoscaler/scaled', 'Ingress/scaled']);
    const net = kc.makeApiClient(k8s.NetworkingV1Api);
    const ingress = await net.readNamespacedIngress({ name: 'scaled', namespace: ns.name });
    expect(ingress.spec!.rules![0]!.http!.paths[0]!.backend.service).toEqual({ name: 'scaled', port: { number: 80 } });
    expect(ingress.spec!.tls).toEqual([{ secretName: 'scaled-cert', hosts: ['scaled.example.test'] }]);
    const hpa = await kc.makeApiClient(k8s.AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ name: 'scaled', namespace: ns.name });
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'scaled' } });
    // Applying again leaves the replica count to the autoscaler (nothing of ours claims it).
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns.name, body: { spec: { replicas: 2 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await deployAll({ root: project.root, config: cfg, kube, events: recorder().events, force: true });
    expect((await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns.name })).spec!.replicas).toBe(2);
    await purgeAll({ root: project.root, config: cfg, kube, events: recorder().events });
    expect(await readStatus(kc, 'networking.k8s.io/v1', 'Ingress', 'scaled', ns.name)).toBe(404);
    expect(await readStatus(kc, 'autoscaling/v2', 'HorizontalPodAutoscaler', 'scaled', ns.name)).toBe(404);
  });

  it('fails fast on a crash-looping container, naming the pod status and exit code', async () => {
    const kube = await testTarget(ns.name);
    const cfg: DevspaceConfig = {
      version: 'v1beta2',
      deployments: [{ name: 'crasher', component: { containers: [{ image: BASE_IMAGE, command: ['sh', '-c', 'echo boom; exit 3'] }] } }],
    };
    const rec = recorder();
    const err = await failure(deployAll({ root: project.root, config: cfg, kube, events: rec.events, rolloutTimeoutMs: 150_000 }));
    expect(err.message).toMatch(/^deployment crasher: Deployment\/crasher: pod crasher-[a-z0-9]+-[a-z0-9]+ is CrashLoopBackOff: container container-0 exited with code 3 \(Error\), restarted \d+ times?$/);
    expect(err.hint).toBe(`run \`devspace analyze -n ${ns.name}\` for logs and events`);
    expect(rec.of('deploy:failed')[0]!.message).toMatch(/CrashLoopBackOff/);
    await purgeAll({ root: project.root, config: cfg, kube, events: recorder().events });
  });

  it('fails fast when the image does not exist in the registry', async () => {
    const kube = await testTarget(ns.name);
    const missing = `${REGISTRY}/ds-e2e-missing-${uid()}:1`;
    const cfg: DevspaceConfig = { version: 'v1beta2', deployments: [{ name: 'noimage', component: { containers: [{ image: missing }] } }] };
    const err = await failure(deployAll({ root: project.root, config: cfg, kube, events: recorder().events, rolloutTimeoutMs: 150_000 }));
    expect(err.message).toMatch(new RegExp(`^deployment noimage: Deployment/noimage: pod noimage-\\S+ is ImagePullBackOff: Back-off pulling image "${missing.replace(/[.:/]/g, '\\$&')}"`));
    await purgeAll({ root: project.root, config: cfg, kube, events: recorder().events });
  });
});
