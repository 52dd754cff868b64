import type { ComponentConfig, ContainerConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { renderAutoscaler, renderIngress } from './component-extras.js';
import type { KubeObject } from './types.js';

/**
 * Render a `component` deployment natively into the objects DevSpace's
 * component chart would have produced, so no Helm is needed:
 *
 * - a Deployment, or a StatefulSet when a container mounts a persistent
 *   volume writable (each replica then gets its own claim through
 *   `volumeClaimTemplates`, which a Deployment cannot give; the chart does
 *   the same);
 * - a PersistentVolumeClaim per persistent volume that is only mounted
 *   read-only (shared by all replicas);
 * - a Service when `service.ports` is set, and the headless Service a
 *   StatefulSet needs (`serviceName`, default `<name>-headless`);
 * - an Ingress (`ingress`) and a HorizontalPodAutoscaler (`autoScaling`),
 *   see component-extras.ts.
 *
 * Pods carry `app.kubernetes.io/name: devspace-app` and
 * `app.kubernetes.io/component: <name>`; the selector uses only these two
 * (not the user's labels), because a selector cannot change after creation.
 * `where` (e.g. `deployments[0].component`) prefixes errors.
 */
export function renderComponent(name: string, spec: ComponentConfig, where: string): KubeObject[] {
  const containers = spec.containers ?? [];
  if (containers.length === 0) throw new UserError(`${where}.containers: a component needs at least one container`, 2);

  const base = { 'app.kubernetes.io/name': 'devspace-app', 'app.kubernetes.io/component': name };
  const ownLabels = (extra?: Record<string, string>): Record<string, string> => ({
    ...extra,
    ...base,
    'app.kubernetes.io/managed-by': 'devspace',
  });
  const annotations = spec.annotations && Object.keys(spec.annotations).length ? { annotations: { ...spec.annotations } } : {};

  const volumes = indexVolumes(spec, where);
  const writable = new Set<string>();
  const mounted = new Set<string>();
  containers.forEach((c, i) =>
    (c.volumeMounts ?? []).forEach((m, j) => {
      const at = `${where}.containers[${i}].volumeMounts[${j}]`;
      const vol = m.volume?.name;
      if (!m.containerPath) throw new UserError(`${at}.containerPath is required`, 2);
      if (!vol) throw new UserError(`${at}.volume.name is required`, 2);
      if (!volumes.has(vol)) throw new UserError(`${at}: no volume named "${vol}" in ${where}.volumes`, 2);
      mounted.add(vol);
      if (!m.volume?.readOnly && volumes.get(vol)!.persistent) writable.add(vol);
    }),
  );
  const stateful = writable.size > 0;

  const podVolumes: Record<string, unknown>[] = [];
  const claims: KubeObject[] = [];
  const claimTemplates: Record<string, unknown>[] = [];
  for (const [volName, v] of volumes) {
    if (!mounted.has(volName)) continue;
    const source = v.config;
    if (source.configMap) podVolumes.push({ name: volName, configMap: { ...source.configMap } });
    else if (source.secret) podVolumes.push({ name: volName, secret: { ...source.secret } });
    else {
      if (!source.size) throw new UserError(`${where}.volumes[${v.index}].size is required for a persistent volume (e.g. 1Gi)`, 2);
      const claim = {
        metadata: {
          name: volName,
          labels: ownLabels(source.labels),
          ...(source.annotations && Object.keys(source.annotations).length ? { annotations: { ...source.annotations } } : {}),
        },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: source.size } } },
      };
      if (writable.has(volName)) claimTemplates.push(claim);
      else {
        claims.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim });
        podVolumes.push({ name: volName, persistentVolumeClaim: { claimName: volName } });
      }
    }
  }

  const podSpec: Record<string, unknown> = {
    terminationGracePeriodSeconds: 5,
    ...(spec.pullSecrets?.length ? { imagePullSecrets: spec.pullSecrets.map((s) => ({ name: s })) } : {}),
    containers: containers.map((c, i) => renderContainer(c, i, `${where}.containers[${i}]`)),
    ...(podVolumes.length ? { volumes: podVolumes } : {}),
  };
  const template = { metadata: { labels: { ...spec.labels, ...base }, ...annotations }, spec: podSpec };
  const metadata = { name, labels: ownLabels(spec.labels), ...annotations };
  const selector = { matchLabels: { ...base } };
  // With an autoscaler, the replica count is its to change: applying one again would undo its work.
  const autoscaler = renderAutoscaler(name, stateful ? 'StatefulSet' : 'Deployment', spec, ownLabels, where);
  const replicas = autoscaler ? {} : { replicas: spec.replicas ?? 1 };
  const rolling = spec.rollingUpdate?.enabled === true;

  const objects: KubeObject[] = [...claims];
  const service = renderService(name, spec, ownLabels, base, where);
  if (service) objects.push(service);
  const ingress = renderIngress(name, spec, ownLabels, where);
  if (ingress) objects.push(ingress);
  if (autoscaler) objects.push(autoscaler);

  if (!stateful) {
    const strategy = rolling
      ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrPercent(spec.rollingUpdate?.maxSurge, '25%'), maxUnavailable: intOrPercent(spec.rollingUpdate?.maxUnavailable, '0%') } }
      : { type: 'Recreate' };
    objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { ...replicas, strategy, selector, template } });
    return objects;
  }

  const serviceName = spec.serviceName ?? `${name}-headless`;
  if (serviceName !== service?.metadata.name) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: serviceName, labels: ownLabels() },
      // A headless Service needs one port for DNS records of the pods to exist.
      spec: { clusterIP: 'None', ports: [{ name: 'web', port: 80 }], selector: { ...base } },
    });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata,
    spec: {
      ...replicas,
      serviceName,
      ...(spec.podManagementPolicy ? { podManagementPolicy: spec.podManagementPolicy } : {}),
      ...(rolling ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: spec.rollingUpdate?.partition ?? 0 } } } : {}),
      selector,
      template,
      volumeClaimTemplates: claimTemplates,
    },
  });
  return objects;
}

type VolumeConfig = NonNullable<ComponentConfig['volumes']>[number];

function indexVolumes(spec: ComponentConfig, where: string): Map<string, { index: number; persistent: boolean; config: VolumeConfig }> {
  const out = new Map<string, { index: number; persistent: boolean; config: VolumeConfig }>();
  (spec.volumes ?? []).forEach((v, index) => {
    if (!v.name) throw new UserError(`${where}.volumes[${index}].name is required`, 2);
    if (out.has(v.name)) throw new UserError(`${where}.volumes[${index}]: volume name "${v.name}" is used twice`, 2);
    out.set(v.name, { index, persistent: !v.configMap && !v.secret, config: v });
  });
  return out;
}

function renderContainer(c: ContainerConfig, index: number, where: string): Record<string, unknown> {
  if (!c.image) throw new UserError(`${where}.image is required`, 2);
  const mounts = (c.volumeMounts ?? []).map((m) => {
    const subPath = m.volume?.subPath?.replace(/^\/+|\/+$/g, '');
    return {
      mountPath: m.containerPath,
      name: m.volume?.name,
      ...(subPath ? { subPath } : {}),
      ...(m.volume?.readOnly ? { readOnly: true } : {}),
    };
  });
  return {
    name: c.name ?? `container-${index}`,
    image: c.image,
    ...(c.command?.length ? { command: [...c.command] } : {}),
    ...(c.args?.length ? { args: [...c.args] } : {}),
    ...(c.env?.length ? { env: c.env.map((e) => ({ ...e })) } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(c.resources ? { resources: renderResources(c.resources) } : {}),
    ...(c.livenessProbe ? { livenessProbe: structuredClone(c.livenessProbe) } : {}),
    ...(c.readinessProbe ? { readinessProbe: structuredClone(c.readinessProbe) } : {}),
  };
}

/**
 * Resources as the chart wrote them: `ephemeralStorage` becomes
 * `ephemeral-storage`, and a resource with only a limit gets a request of
 * "0", so a dev cluster does not reserve the whole limit (Kubernetes would
 * otherwise default the request to the limit).
 */
export function renderResources(resources: Record<string, unknown>): Record<string, unknown> {
  const rename = (m: unknown): Record<string, unknown> | undefined => {
    if (!m || typeof m !== 'object') return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) out[k === 'ephemeralStorage' ? 'ephemeral-storage' : k] = v;
    return out;
  };
  const limits = rename(resources.limits);
  const requests = rename(resources.requests) ?? (limits ? {} : undefined);
  if (limits && requests) {
    for (const k of ['cpu', 'memory', 'ephemeral-storage']) if (limits[k] !== undefined && requests[k] === undefined) requests[k] = '0';
  }
  const rest = Object.fromEntries(Object.entries(resources).filter(([k]) => k !== 'limits' && k !== 'requests'));
  return { ...rest, ...(limits ? { limits } : {}), ...(requests && Object.keys(requests).length ? { requests } : {}) };
}

function renderService(
  name: string,
  spec: ComponentConfig,
  ownLabels: (extra?: Record<string, string>) => Record<string, string>,
  base: Record<string, string>,
  where: string,
): KubeObject | undefined {
  const svc = spec.service;
  if (!svc?.ports?.length) return undefined;
  const ports = svc.ports.map((p, i) => {
    if (!p.port) throw new UserError(`${where}.service.ports[${i}].port is required`, 2);
    return { name: `port-${i}`, port: p.port, targetPort: p.containerPort ?? p.port, protocol: p.protocol ?? 'TCP' };
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: svc.name ?? name,
      labels: ownLabels(svc.labels),
      ...(svc.annotations && Object.keys(svc.annotations).length ? { annotations: { ...svc.annotations } } : {}),
    },
    spec: {
      type: svc.type ?? 'ClusterIP',
      ports,
      selector: { ...base },
      ...(svc.externalIPs?.length ? { externalIPs: [...svc.externalIPs] } : {}),
    },
  };
}

/** `"1"` → 1 (the API rejects a digit string), `"25%"` stays a percentage. */
function intOrPercent(value: string | number | undefined, fallback: string): string | number {
  if (value === undefined || value === '') return fallback;
  return typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : value;
}
