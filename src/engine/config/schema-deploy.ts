import { z } from 'zod';
import { ComponentConfigSchema } from './schema-component.js';
import { bool, count, freeMap, name, obj, str, strList } from './schema-common.js';

/** `deployments[].helm.chart`: where the chart comes from. */
export const ChartConfigSchema = obj({
  name: name('Local chart directory or chart name in `repo`.'),
  version: str('Chart version.').optional(),
  repo: str('Chart repository URL.').optional(),
  username: str('Chart repository user.').optional(),
  password: str('Chart repository password.').optional(),
});

/** `deployments[].helm`: deploy a Helm chart. */
export const HelmConfigSchema = obj({
  chart: ChartConfigSchema,
  wait: bool('Wait until the release is ready. Default false.').optional(),
  rollback: bool('Roll back a failed release. Default false.').optional(),
  force: bool('Force resource updates. Default false.').optional(),
  timeout: count('Timeout in seconds.').optional(),
  tillerNamespace: str('Helm v2 Tiller namespace (not supported: there is no Tiller).').optional(),
  devSpaceValues: bool('Replace image names in the values with the freshly built tags. Default true.').optional(),
  valuesFiles: strList('Values files, in order.').optional(),
  values: freeMap('Values, applied after `valuesFiles`.').optional(),
}).describe('Deploy a Helm chart.');

/** `deployments[].kubectl`: apply manifests with kubectl. */
export const KubectlConfigSchema = obj({
  cmdPath: str('kubectl binary. Default `kubectl`.').optional(),
  manifests: strList('Manifest files or directories; `*` characters are stripped (`kube/*` means `kube/`).'),
  kustomize: bool('Each manifests entry is a kustomization folder, rendered with `<cmdPath> kustomize`.').optional(),
  flags: strList('Extra arguments for `kubectl apply`.').optional(),
}).describe('Apply Kubernetes manifests.');

/** One entry of `deployments`; exactly one of `component`, `helm` or `kubectl` says how. */
export const DeploymentConfigSchema = obj({
  name: name('Deployment name; also the Helm release name.'),
  namespace: str('Namespace. Default: the default namespace.').optional(),
  component: ComponentConfigSchema.optional(),
  helm: HelmConfigSchema.optional(),
  kubectl: KubectlConfigSchema.optional(),
}).describe('A deployment: exactly one of `component`, `helm` or `kubectl`.');

/** `deployments`: deployed in order, purged in reverse. */
export const DeploymentsSchema = z
  .array(DeploymentConfigSchema)
  .describe('Deployments, deployed in this order and purged in reverse.');
