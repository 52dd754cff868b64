import { describe, expect, it } from 'vitest';
import type { ComponentConfig } from '../../../src/engine/config/index.js';
import { renderComponent } from '../../../src/engine/deploy/component.js';
import type { KubeObject } from '../../../src/engine/deploy/types.js';

const where = 'deployments[0].component';
const render = (spec: Partial<ComponentConfig>) => renderComponent('web', { containers: [{ image: 'img' }], ...spec } as ComponentConfig, where);
const find = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind)!;

describe('component ingress', () => {
  it('routes each rule to the Service, with TLS per host and for all hosts', () => {
    const objs = render({
      service: { name: 'front', ports: [{ port: 80, containerPort: 8080 }, { port: 9090 }] },
      ingress: {
        annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' },
        tls: 'all-hosts-cert',
        rules: [{ host: 'a.example.com' }, { host: 'b.example.com', path: '/api', servicePort: 9090, tls: 'b-cert' }],
      },
    });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/front', 'Ingress/web', 'Deployment/web']);
    const ingress = find(objs, 'Ingress');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/rewrite-target': '/' });
    expect(ingress.spec).toEqual({
      rules: [
        { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'front', port: { number: 80 } } } }] } },
        { host: 'b.example.com', http: { paths: [{ path: '/api', pathType: 'ImplementationSpecific', backend: { service: { name: 'front', port: { number: 9090 } } } }] } },
      ],
      tls: [{ secretName: 'all-hosts-cert', hosts: ['a.example.com', 'b.example.com'] }, { secretName: 'b-cert', hosts: ['b.example.com'] }],
    });
  });

  it('refuses an ingress without a Service to route to, or to a port the Service does not have', () => {
    expect(() => render({ ingress: { rules: [{ host: 'a' }] } })).toThrow(`${where}.ingress routes to the component's Service, so it needs ${where}.service.ports`);
    expect(() => render({ service: { ports: [{ port: 80 }] }, ingress: { rules: [{ servicePort: 81 }] } })).toThrow(
      `${where}.ingress.rules[0].servicePort: 81 is not one of ${where}.service.ports (80)`,
    );
    expect(() => render({ service: { ports: [{ port: 80 }] }, ingress: {} })).toThrow(`${where}.ingress.rules: an ingress needs at least one rule`);
  });
});

describe('component autoscaling', () => {
  it('scales the Deployment between replicas and maxReplicas, and leaves its replica count to the autoscaler', () => {
    const objs = render({ replicas: 2, autoScaling: { horizontal: { maxReplicas: 5, averageCPU: '800m', averageMemory: '1Gi' } } });
    const hpa = find(objs, 'HorizontalPodAutoscaler');
    expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', metadata: { name: 'web' } });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '800m' } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } },
      ],
    });
    expect((find(objs, 'Deployment').spec as { replicas?: number }).replicas).toBeUndefined();
    expect((find(render({ replicas: 2 }), 'Deployment').spec as { replicas?: number }).replicas).toBe(2);
  });

  it('targets the StatefulSet of a component with a writable volume', () => {
    const objs = render({
      containers: [{ image: 'img', volumeMounts: [{ containerPath: '/data', volume: { name: 'data' } }] }],
      volumes: [{ name: 'data', size: '1Gi' }],
      autoScaling: { horizontal: { maxReplicas: 3 } },
    });
    expect(find(objs, 'HorizontalPodAutoscaler').spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }, minReplicas: 1, maxReplicas: 3 });
  });

  it('needs maxReplicas, at least the replica count', () => {
    expect(() => render({ autoScaling: { horizontal: { averageCPU: '1' } } })).toThrow(`${where}.autoScaling.horizontal.maxReplicas is required`);
    expect(() => render({ replicas: 4, autoScaling: { horizontal: { maxReplicas: 2 } } })).toThrow(`${where}.autoScaling.horizontal.maxReplicas (2) must be at least replicas (4)`);
  });
});
