import { z } from 'zod';
import { bool, count, freeMap, name, obj, port, record, str, strList, strMap } from '../schema-common.js';

/**
 * devspace.yaml (then `.devspace/config.yaml`) version v1alpha1, as DevSpace v3.5 still read it
 * (`pkg/devspace/config/versions/v1alpha1/schema.go`). Keys that the upgrade to v1beta2 needs are
 * required here, so that a missing one is reported in the file's own terms.
 */

/** The strict schema of a whole v1alpha1 file (built when called: most runs never need it). */
export function v1alpha1Schema() {
  const AutoReloadSwitch = obj({ disabled: bool().optional() });

  const Selection = {
    service: str().optional(),
    namespace: str().optional(),
    labelSelector: strMap().optional(),
  };

  const HelmConfig = obj({
    chartPath: name(),
    wait: bool().optional(),
    tillerNamespace: str().optional(),
    devOverwrite: str().optional(),
    override: str().optional(),
    overrideValues: freeMap().optional(),
  });

  const DeploymentConfig = obj({
    name: name(),
    namespace: str().optional(),
    autoReload: AutoReloadSwitch.optional(),
    helm: HelmConfig.optional(),
    kubectl: obj({ cmdPath: str().optional(), manifests: strList() }).optional(),
  });

  const Terminal = obj({
    disabled: bool().optional(),
    service: str().optional(),
    resourceType: str().optional(),
    labelSelector: strMap().optional(),
    namespace: str().optional(),
    containerName: str().optional(),
    command: strList().optional(),
  });

  const PortForwardingConfig = obj({
    ...Selection,
    resourceType: str().optional(),
    portMappings: z.array(obj({ localPort: port(), remotePort: port().optional(), bindAddress: str().optional() })),
  });

  const SyncConfig = obj({
    ...Selection,
    containerName: str().optional(),
    localSubPath: str().optional(),
    containerPath: str().optional(),
    excludePaths: strList().optional(),
    downloadExcludePaths: strList().optional(),
    uploadExcludePaths: strList().optional(),
    bandwidthLimits: obj({ download: count().optional(), upload: count().optional() }).optional(),
  });

  const ServiceConfig = obj({
    name: name(),
    namespace: str().optional(),
    resourceType: str().optional(),
    labelSelector: strMap().optional(),
    containerName: str().optional(),
  });

  const BuildOptions = obj({ buildArgs: strMap().optional(), target: str().optional(), network: str().optional() });

  const ImageConfig = obj({
    name: name(),
    tag: str().optional(),
    registry: str().optional(),
    createPullSecret: bool().optional(),
    skipPush: bool().optional(),
    autoReload: AutoReloadSwitch.optional(),
    build: obj({
      disabled: bool().optional(),
      contextPath: str().optional(),
      dockerfilePath: str().optional(),
      kaniko: obj({ cache: bool().optional(), namespace: str().optional(), pullSecret: str().optional() }).optional(),
      docker: obj({ preferMinikube: bool().optional() }).optional(),
      options: BuildOptions.optional(),
    }).optional(),
  });

  const RegistryConfig = obj({
    url: str().optional(),
    auth: obj({ username: str().optional(), password: str().optional() }).optional(),
    insecure: bool().optional(),
  });

  return obj({
    version: z.literal('v1alpha1'),
    devSpace: obj({
      terminal: Terminal.optional(),
      autoReload: obj({ paths: strList().optional() }).optional(),
      services: z.array(ServiceConfig).optional(),
      deployments: z.array(DeploymentConfig).optional(),
      ports: z.array(PortForwardingConfig).optional(),
      sync: z.array(SyncConfig).optional(),
    }).optional(),
    images: record(ImageConfig).optional(),
    registries: record(RegistryConfig).optional(),
    cluster: obj({
      cloudProvider: str().optional(),
      kubeContext: str().optional(),
      namespace: str().optional(),
      apiServer: str().optional(),
      caCert: str().optional(),
      user: obj({ clientCert: str().optional(), clientKey: str().optional(), token: str().optional() }).optional(),
    }).optional(),
    tiller: obj({ namespace: str().optional() }).optional(),
    internalRegistry: obj({ deploy: bool().optional(), namespace: str().optional() }).optional(),
  });
}
