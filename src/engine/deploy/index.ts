/**
 * Deployments for `devspace dev` / `deploy` / `purge`: kubectl manifests and
 * natively rendered components applied with server-side apply, Helm charts
 * through the `helm` binary, rollout waiting with fail-fast diagnosis, and
 * exact purge from what was recorded. client-node is loaded on first use.
 */
export { deployAll, selectDeployments, DEFAULT_ROLLOUT_TIMEOUT_MS, type DeployAllOptions } from './deploy.js';
export { purgeAll, waitGone, DEFAULT_PURGE_TIMEOUT_MS, type PurgeAllOptions } from './purge.js';
export { createDeployStage, type DeployStageContext } from './stage.js';
export { renderComponent } from './component.js';
export { loadManifests, parseManifestText, resolveManifestFiles } from './manifests.js';
export { replaceImageRefs, builtRefFor, type ImageRefs, type ReplaceMode } from './image-refs.js';
export { waitForRollout, checkWorkload, selectorString } from './rollout.js';
export { createCluster, FIELD_MANAGER } from './cluster.js';
export { findHelm, HELM_INSTALL_HINT } from './helm.js';
export { readDeployRecords } from './state.js';
export type { Cluster, DeployOutcome, DeployRecord, KubeObject, ObjectRef, PurgeOutcome } from './types.js';
