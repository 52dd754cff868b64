import type { ComponentConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import type { KubeObject } from './types.js';

type Labels = (extra?: Record<string, string>) => Record<string, string>;

/**
 * `component.ingress` as a networking.k8s.io/v1 Ingress to the component's
 * Service: one rule per entry (`path` default `/`, `servicePort` default
 * the Service's first port), TLS from `ingress.tls` (every host) and each
 * rule's `tls` (its host), both naming a Secret, as the component chart did.
 */
export function renderIngress(name: string, spec: ComponentConfig, labels: Labels, where: string): KubeObject | undefined {
  const ingress = spec.ingress;
  if (!ingress) return undefined;
  const ports = (spec.service?.ports ?? []).map((p) => p.port).filter((p): p is number => p !== undefined);
  if (ports.length === 0) throw new UserError(`${where}.ingress routes to the component's Service, so it needs ${where}.service.ports`, 2);
  const service = spec.service?.name ?? name;
  const rules = (ingress.rules ?? []).map((r, i) => {
    const port = r.servicePort ?? ports[0]!;
    if (!ports.includes(port)) throw new UserError(`${where}.ingress.rules[${i}].servicePort: ${port} is not one of ${where}.service.ports (${ports.join(', ')})`, 2);
    const path = r.path ?? '/';
    const http = { paths: [{ path, pathType: 'ImplementationSpecific', backend: { service: { name: service, port: { number: port } } } }] };
    return { ...(r.host ? { host: r.host } : {}), http };
  });
  if (rules.length === 0) throw new UserError(`${where}.ingress.rules: an ingress needs at least one rule`, 2);
  const hosts = (ingress.rules ?? []).map((r) => r.host).filter((h): h is string => !!h);
  const tls = new Map<string, Set<string>>();
  if (ingress.tls) tls.set(ingress.tls, new Set(hosts));
  for (const r of ingress.rules ?? []) if (r.tls && r.host) (tls.get(r.tls) ?? tls.set(r.tls, new Set()).get(r.tls)!).add(r.host);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: ingress.name ?? name,
      labels: labels(ingress.labels),
      ...(ingress.annotations && Object.keys(ingress.annotations).length ? { annotations: { ...ingress.annotations } } : {}),
    },
    spec: {
      rules,
      ...(tls.size ? { tls: [...tls].map(([secretName, h]) => ({ secretName, ...(h.size ? { hosts: [...h] } : {}) })) } : {}),
    },
  };
}

/**
 * `component.autoScaling.horizontal` as an autoscaling/v2 HorizontalPodAutoscaler
 * of the workload, between `replicas` (default 1) and `maxReplicas`, on
 * average CPU and/or memory per pod (without either, Kubernetes' default:
 * 80 % of the CPU request).
 */
export function renderAutoscaler(name: string, kind: 'Deployment' | 'StatefulSet', spec: ComponentConfig, labels: Labels, where: string): KubeObject | undefined {
  const h = spec.autoScaling?.horizontal;
  if (!h) return undefined;
  const min = spec.replicas ?? 1;
  if (h.maxReplicas === undefined) throw new UserError(`${where}.autoScaling.horizontal.maxReplicas is required`, 2);
  if (h.maxReplicas < Math.max(1, min)) throw new UserError(`${where}.autoScaling.horizontal.maxReplicas (${h.maxReplicas}) must be at least replicas (${Math.max(1, min)})`, 2);
  const metric = (resource: string, value: string | undefined) =>
    value ? [{ type: 'Resource', resource: { name: resource, target: { type: 'AverageValue', averageValue: value } } }] : [];
  const metrics = [...metric('cpu', h.averageCPU), ...metric('memory', h.averageMemory)];
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: labels() },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
      minReplicas: Math.max(1, min),
      maxReplicas: h.maxReplicas,
      ...(metrics.length ? { metrics } : {}),
    },
  };
}
