import { describe, expect, it } from 'vitest';
import type { ComponentConfig } from '../../../src/engine/config/index.js';
import { renderComponent, renderResources } from '../../../src/engine/deploy/component.js';
import type { KubeObject } from '../../../src/engine/deploy/types.js';

const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);
type PodTemplate = { metadata: { labels: Record<string, string> }; spec: { containers: Record<string, unknown>[]; volumes?: unknown[] } };
const template = (o: KubeObject) => (o.spec as { template: PodTemplate }).template;

describe('renderComponent', () => {
  it('renders what `devspace init` writes into a Deployment and a Service', () => {
    const objs = renderComponent('api', { containers: [{ image: '127.0.0.1:5000/api:ds-1' }], service: { ports: [{ port: 3000 }] } }, 'deployments[0].component');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/api', 'Deployment/api']);
    const [svc, dep] = objs as [KubeObject, KubeObject];
    const pod = template(dep);
    expect(pod.spec.containers[0]!.name).toBe('container-0');
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'devspace-app', 'app.kubernetes.io/component': 'api' });
    // The Service must select exactly the pods.
    expect((svc.spec as { selector: unknown }).selector).toEqual(pod.metadata.labels);
    expect((dep.spec as { selector: unknown }).selector).toEqual({ matchLabels: pod.metadata.labels });
    expect(objs).toMatchSnapshot();
  });

  it('passes containers, labels, rolling update, config volumes, pull secrets and service settings through', () => {
    const spec: ComponentConfig = {
      replicas: 2,
      labels: { tier: 'backend' },
      annotations: { 'example.com/owner': 'team-a' },
      rollingUpdate: { enabled: true, maxSurge: '1', maxUnavailable: '25%' },
      pullSecrets: ['regcred'],
      containers: [
        {
          name: 'app',
          image: '127.0.0.1:5000/api:ds-1',
          command: ['node'],
          args: ['server.js'],
          env: [{ name: 'LOG_LEVEL', value: 'debug' }],
          resources: { limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '1Gi' }, requests: { cpu: '100m' } },
          readinessProbe: { httpGet: { path: '/health', port: 3000 } },
          livenessProbe: { tcpSocket: { port: 3000 } },
          volumeMounts: [
            { containerPath: '/etc/app', volume: { name: 'config', readOnly: true } },
            { containerPath: '/secrets', volume: { name: 'creds', subPath: '/tls/' } },
          ],
        },
        { image: 'busybox', args: ['sleep', '1000'] },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'app-config' } },
        { name: 'creds', secret: { secretName: 'app-creds' } },
        { name: 'unused', size: '1Gi' },
      ],
      service: { name: 'api-svc', type: 'NodePort', ports: [{ port: 80, containerPort: 3000 }, { port: 53, protocol: 'UDP' }], externalIPs: ['10.0.0.9'] },
    };
    const objs = renderComponent('api', spec, 'deployments[0].component');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/api-svc', 'Deployment/api']);
    const dep = byKind(objs, 'Deployment')[0]!;
    expect((dep.spec as { strategy: unknown }).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
    const pod = template(dep);
    expect(pod.metadata.labels.tier).toBe('backend');
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['app', 'container-1']);
    expect(pod.spec.containers[0]!.resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
      requests: { cpu: '100m', memory: '0', 'ephemeral-storage': '0' },
    });
    expect(objs).toMatchSnapshot();
  });

  it('uses a StatefulSet with claim templates for writable persistent volumes, a shared claim for read-only ones', () => {
    const spec: ComponentConfig = {
      replicas: 3,
      podManagementPolicy: 'Parallel',
      rollingUpdate: { enabled: true, partition: 1 },
      containers: [
        {
          image: 'postgres',
          volumeMounts: [
            { containerPath: '/var/lib/postgresql/data', volume: { name: 'data' } },
            { containerPath: '/seed', volume: { name: 'seed', readOnly: true } },
          ],
        },
      ],
      volumes: [
        { name: 'data', size: '5Gi', labels: { backup: 'daily' } },
        { name: 'seed', size: '1Gi' },
      ],
      service: { ports: [{ port: 5432 }] },
    };
    const objs = renderComponent('db', spec, 'deployments[1].component');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/seed', 'Service/db', 'Service/db-headless', 'StatefulSet/db',
    ]);
    const sts = byKind(objs, 'StatefulSet')[0]!;
    const s = sts.spec as { serviceName: string; volumeClaimTemplates: { metadata: { name: string } }[] };
    expect(s.serviceName).toBe('db-headless');
    expect(s.volumeClaimTemplates.map((t) => t.metadata.name)).toEqual(['data']);
    expect(template(sts).spec.volumes).toEqual([{ name: 'seed', persistentVolumeClaim: { claimName: 'seed' } }]);
    expect(objs).toMatchSnapshot();
  });

  it('does not add a second Service when serviceName is the component service', () => {
    const objs = renderComponent('db', {
      serviceName: 'db',
      containers: [{ image: 'postgres', volumeMounts: [{ containerPath: '/data', volume: { name: 'data' } }] }],
      volumes: [{ name: 'data', size: '1Gi' }],
      service: { ports: [{ port: 5432 }] },
    }, 'c');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/db', 'StatefulSet/db']);
  });

  it('reports mistakes at their config path', () => {
    expect(() => renderComponent('x', {}, 'deployments[0].component')).toThrow('deployments[0].component.containers: a component needs at least one container');
    expect(() => renderComponent('x', { containers: [{ name: 'a' }] }, 'c')).toThrow('c.containers[0].image is required');
    expect(() => renderComponent('x', { containers: [{ image: 'i', volumeMounts: [{ containerPath: '/d', volume: { name: 'nope' } }] }] }, 'c'))
      .toThrow('c.containers[0].volumeMounts[0]: no volume named "nope" in c.volumes');
    expect(() => renderComponent('x', { containers: [{ image: 'i', volumeMounts: [{ containerPath: '/d', volume: { name: 'd' } }] }], volumes: [{ name: 'd' }] }, 'c'))
      .toThrow('c.volumes[0].size is required for a persistent volume');
  });
});

describe('renderResources', () => {
  it('keeps requests as given and other keys as they are', () => {
    expect(renderResources({ requests: { cpu: '1' } })).toEqual({ requests: { cpu: '1' } });
    expect(renderResources({ limits: { 'nvidia.com/gpu': 1 } })).toEqual({ limits: { 'nvidia.com/gpu': 1 } });
  });
});
