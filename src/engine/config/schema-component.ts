import { z } from 'zod';
import { bool, count, freeMap, int, obj, port, str, strList, strMap } from './schema-common.js';

/**
 * `deployments[].component`: the values of DevSpace's component chart v0.0.3.
 * Kubernetes fragments (env, resources, probes, volume sources) stay free-form
 * maps because the chart passes them through to the pod spec unchanged.
 */

const VolumeMountVolumeSchema = obj({
  name: str('Name of a volume in `volumes`.').optional(),
  subPath: str('Sub path inside the volume.').optional(),
  readOnly: bool('Mount read-only. Default false.').optional(),
});

const VolumeMountSchema = obj({
  containerPath: str('Mount path inside the container.').optional(),
  volume: VolumeMountVolumeSchema.optional(),
});

/** One container of a component's pod. */
export const ContainerConfigSchema = obj({
  name: str('Container name. Default `container-<index>`.').optional(),
  image: str('Image, usually the `image` of an `images` entry; the tag is filled in at deploy time.').optional(),
  command: strList('Entrypoint override.').optional(),
  args: strList('Arguments.').optional(),
  env: z.array(freeMap()).describe('Environment variables, as in a Kubernetes container spec.').optional(),
  volumeMounts: z.array(VolumeMountSchema).optional(),
  resources: freeMap('Kubernetes resource requests and limits.').optional(),
  livenessProbe: freeMap('Kubernetes liveness probe.').optional(),
  readinessProbe: freeMap('Kubernetes readiness probe.').optional(),
});

const AutoScalingSchema = obj({
  horizontal: obj({
    maxReplicas: int('Upper bound of replicas.').optional(),
    averageCPU: str('Target average CPU, e.g. `800m`.').optional(),
    averageMemory: str('Target average memory, e.g. `1Gi`.').optional(),
  }).optional(),
}).describe('Horizontal pod autoscaling: a HorizontalPodAutoscaler between `replicas` and `maxReplicas`.');

const RollingUpdateSchema = obj({
  enabled: bool().optional(),
  maxSurge: str('Number or percentage, e.g. `25%`.').optional(),
  maxUnavailable: str('Number or percentage, e.g. `25%`.').optional(),
  partition: int('StatefulSet partition.').optional(),
});

const VolumeSchema = obj({
  name: str().optional(),
  size: str('Size of a persistent volume, e.g. `5Gi`.').optional(),
  configMap: freeMap('ConfigMap volume source.').optional(),
  secret: freeMap('Secret volume source.').optional(),
  labels: strMap().optional(),
  annotations: strMap().optional(),
});

const ServicePortSchema = obj({
  port: port('Service port.').optional(),
  containerPort: port('Container port. Default: `port`.').optional(),
  protocol: str('`TCP` or `UDP`. Default TCP.').optional(),
});

const ServiceSchema = obj({
  name: str().optional(),
  type: str('Service type, e.g. `ClusterIP` or `NodePort`.').optional(),
  ports: z.array(ServicePortSchema).optional(),
  externalIPs: strList().optional(),
  labels: strMap().optional(),
  annotations: strMap().optional(),
});

const IngressRuleSchema = obj({
  host: str().optional(),
  servicePort: port().optional(),
  path: str().optional(),
  tls: str().optional(),
});

const IngressSchema = obj({
  name: str().optional(),
  tls: str().optional(),
  labels: strMap().optional(),
  annotations: strMap().optional(),
  rules: z.array(IngressRuleSchema).optional(),
}).describe('An Ingress to the component\'s Service (`tls` and `rules[].tls` name TLS Secrets).');

const ComponentOptionsSchema = obj({
  wait: bool('Wait until the pods are ready. Default false.').optional(),
  rollback: bool('Roll back a failed release. Default false.').optional(),
  force: bool('Force resource updates. Default false.').optional(),
  timeout: count('Timeout in seconds.').optional(),
  tillerNamespace: str('Helm v2 Tiller namespace (not supported: there is no Tiller).').optional(),
});

/** `deployments[].component`: a deployment described by component chart values. */
export const ComponentConfigSchema = obj({
  containers: z.array(ContainerConfigSchema).optional(),
  replicas: count('Number of pods. Default 1.').optional(),
  autoScaling: AutoScalingSchema.optional(),
  rollingUpdate: RollingUpdateSchema.optional(),
  labels: strMap('Pod labels.').optional(),
  annotations: strMap('Pod annotations.').optional(),
  volumes: z.array(VolumeSchema).optional(),
  service: ServiceSchema.optional(),
  serviceName: str('Headless service name for a StatefulSet.').optional(),
  ingress: IngressSchema.optional(),
  podManagementPolicy: str('`OrderedReady` or `Parallel` (StatefulSet).').optional(),
  pullSecrets: strList('Image pull secret names.').optional(),
  options: ComponentOptionsSchema.optional(),
}).describe('A deployment described by the values of the DevSpace component chart.');
