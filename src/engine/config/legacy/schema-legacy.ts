import { z } from 'zod';
import { bool, count, freeMap, int, name, obj, port, record, str, strList, strMap } from '../schema-common.js';

/**
 * devspace.yaml versions v1alpha2, v1alpha3, v1alpha4 and v1beta1, as DevSpace v3.5 still read them
 * (`pkg/devspace/config/versions/<version>/schema.go`). They share one layout and differ in a few keys,
 * so one builder makes all four. Keys that the upgrade to v1beta2 needs are required here, so that a
 * missing one is reported in the file's own terms.
 */

/** The versions this module describes, oldest first. */
export const LAYOUT_VERSIONS = ['v1alpha2', 'v1alpha3', 'v1alpha4', 'v1beta1'] as const;
/** One of LAYOUT_VERSIONS. */
export type LayoutVersion = (typeof LAYOUT_VERSIONS)[number];

/** Whether `version` has what `from` introduced. */
export function since(version: LayoutVersion, from: LayoutVersion): boolean {
  return LAYOUT_VERSIONS.indexOf(version) >= LAYOUT_VERSIONS.indexOf(from);
}

/** Keys that exist only from version `from` on. */
function from(version: LayoutVersion, first: LayoutVersion, shape: z.ZodRawShape): z.ZodRawShape {
  return since(version, first) ? shape : {};
}

const BuildOptions = obj({ target: str().optional(), network: str().optional(), buildArgs: strMap().optional() });

function images(v: LayoutVersion) {
  const paths: z.ZodRawShape = since(v, 'v1alpha3')
    ? { context: str().optional(), dockerfile: str().optional() }
    : { contextPath: str().optional(), dockerfilePath: str().optional() };
  const kaniko = obj({
    cache: bool().optional(),
    ...from(v, 'v1alpha3', { snapshotMode: str().optional() }),
    ...from(v, 'v1beta1', { flags: strList().optional() }),
    namespace: str().optional(),
    pullSecret: str().optional(),
  });
  const image = obj({
    image: name(),
    tag: str().optional(),
    createPullSecret: bool().optional(),
    insecure: bool().optional(),
    skipPush: bool().optional(),
    build: obj({
      disabled: bool().optional(),
      ...paths,
      kaniko: kaniko.optional(),
      docker: obj({ preferMinikube: bool().optional() }).optional(),
      options: BuildOptions.optional(),
    }).optional(),
  });
  return record(image);
}

/** `deployments[].component` of v1alpha4 and v1beta1: the component chart values before v1beta2 added more. */
const Component = obj({
  containers: z.array(obj({
    name: str().optional(),
    image: str().optional(),
    command: strList().optional(),
    args: strList().optional(),
    env: z.array(freeMap()).optional(),
    volumeMounts: z.array(obj({
      containerPath: str().optional(),
      volume: obj({ name: str().optional(), subPath: str().optional(), readOnly: bool().optional() }).optional(),
    })).optional(),
    resources: freeMap().optional(),
    livenessProbe: freeMap().optional(),
    readinessProbe: freeMap().optional(),
  })).optional(),
  replicas: count().optional(),
  autoScaling: obj({
    horizontal: obj({ maxReplicas: int().optional(), averageCPU: str().optional(), averageMemory: str().optional() }).optional(),
  }).optional(),
  rollingUpdate: obj({
    enabled: bool().optional(),
    maxSurge: str().optional(),
    maxUnavailable: str().optional(),
    partition: int().optional(),
  }).optional(),
  volumes: z.array(obj({ name: str().optional(), size: str().optional(), configMap: freeMap().optional(), secret: freeMap().optional() })).optional(),
  service: obj({
    name: str().optional(),
    type: str().optional(),
    ports: z.array(obj({ port: port().optional(), containerPort: port().optional(), protocol: str().optional() })).optional(),
  }).optional(),
  serviceName: str().optional(),
  podManagementPolicy: str().optional(),
  pullSecrets: strList().optional(),
});

function helm(v: LayoutVersion) {
  const common = {
    wait: bool().optional(),
    timeout: count().optional(),
    tillerNamespace: str().optional(),
    ...from(v, 'v1alpha3', { force: bool().optional() }),
  };
  if (!since(v, 'v1alpha4')) {
    return obj({ chartPath: name(), ...common, overrides: strList().optional(), overrideValues: freeMap().optional() });
  }
  const chart = obj({
    name: name(),
    version: str().optional(),
    repo: str().optional(),
    username: str().optional(),
    password: str().optional(),
  });
  return obj({
    chart,
    ...common,
    rollback: bool().optional(),
    devSpaceValues: bool().optional(),
    valuesFiles: strList().optional(),
    values: freeMap().optional(),
  });
}

function deployments(v: LayoutVersion) {
  const kubectl = obj({
    cmdPath: str().optional(),
    manifests: strList(),
    ...from(v, 'v1beta1', { kustomize: bool().optional(), flags: strList().optional() }),
  });
  return z.array(obj({
    name: name(),
    namespace: str().optional(),
    ...from(v, 'v1alpha4', { component: Component.optional() }),
    helm: helm(v).optional(),
    kubectl: kubectl.optional(),
  }));
}

const Selection = { selector: str().optional(), namespace: str().optional(), labelSelector: strMap().optional() };

function dev(v: LayoutVersion) {
  const forward: z.ZodRawShape = since(v, 'v1beta1')
    ? { forward: z.array(obj({ port: port(), remotePort: port().optional(), bindAddress: str().optional() })) }
    : { portMappings: z.array(obj({ localPort: port(), remotePort: port().optional(), bindAddress: str().optional() })) };
  return obj({
    terminal: obj({
      disabled: bool().optional(),
      ...Selection,
      containerName: str().optional(),
      command: strList().optional(),
    }).optional(),
    autoReload: obj({ paths: strList().optional(), deployments: strList().optional(), images: strList().optional() }).optional(),
    overrideImages: z.array(obj({
      name: name(),
      entrypoint: strList().optional(),
      ...from(v, 'v1alpha3', { dockerfile: str().optional(), context: str().optional() }),
    })).optional(),
    selectors: z.array(obj({ name: name(), namespace: str().optional(), labelSelector: strMap().optional(), containerName: str().optional() })).optional(),
    ports: z.array(obj({ ...Selection, ...forward })).optional(),
    sync: z.array(obj({
      ...Selection,
      containerName: str().optional(),
      localSubPath: str().optional(),
      containerPath: str().optional(),
      ...from(v, 'v1beta1', { waitInitialSync: bool().optional() }),
      excludePaths: strList().optional(),
      downloadExcludePaths: strList().optional(),
      uploadExcludePaths: strList().optional(),
      bandwidthLimits: obj({ download: count().optional(), upload: count().optional() }).optional(),
    })).optional(),
  });
}

function cluster(v: LayoutVersion) {
  // v1alpha3 dropped the DevSpace Cloud provider key.
  const provider: z.ZodRawShape = since(v, 'v1alpha3') ? {} : { cloudProvider: str().optional() };
  return obj({
    ...provider,
    kubeContext: str().optional(),
    namespace: str().optional(),
    apiServer: str().optional(),
    caCert: str().optional(),
    user: obj({ clientCert: str().optional(), clientKey: str().optional(), token: str().optional() }).optional(),
  });
}

/** The strict schema of a whole file of version `v`. */
export function layoutSchema(v: LayoutVersion) {
  return obj({
    version: z.literal(v),
    images: images(v).optional(),
    deployments: deployments(v).optional(),
    dev: dev(v).optional(),
    cluster: cluster(v).optional(),
  });
}
