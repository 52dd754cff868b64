import { runHooks } from '../hooks.js';
import type { BuiltImages } from '../build/types.js';
import type { DeploymentConfig, DevspaceConfig } from '../config/index.js';
import { isAbortError, UserError } from '../errors.js';
import type { AppliedObject, DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import { applyObjects, ensureNamespace, placeObjects, sortForApply } from './apply.js';
import { apiErrorMessage, apiStatus, createCluster } from './cluster.js';
import { installRelease, requireHelm } from './helm.js';
import { ensurePullSecrets, type PullSecretImage } from './pull-secrets.js';
import { deployHash, deploymentType, imageRefsFor, renderDeployment, type ImageRefSet } from './render.js';
import { waitForRollout } from './rollout.js';
import { findRecord, readDeployRecords, updateDeployRecord } from './state.js';
import { describeRef, refOf, type Cluster, type DeployOutcome, type DeployRecord, type ObjectRef } from './types.js';

/** How long a rollout may take unless the deployment says otherwise (`options.timeout`, `helm.timeout`). */
export const DEFAULT_ROLLOUT_TIMEOUT_MS = 300_000;

/** Inputs of `deployAll`. */
export interface DeployAllOptions {
  /** Project root (holds devspace.yaml and .devspace/cache.json). */
  root: string;
  config: Pick<DevspaceConfig, 'deployments' | 'images' | 'hooks'>;
  kube: KubeTarget;
  events: DevEngineEmitter;
  /** What the build step produced; without it, the newest cached builds are used. */
  builtImages?: BuiltImages;
  /** `-d`: deploy even when nothing changed. */
  force?: boolean;
  /** Only these deployments (by name), still in config order. */
  only?: readonly string[];
  signal?: AbortSignal;
  /** Rollout timeout for deployments that set none (default 5 min). */
  rolloutTimeoutMs?: number;
  /** How long a finished rollout must hold before it counts (see `RolloutOptions.settleMs`). */
  rolloutSettleMs?: number;
  /** Environment for `helm` and credential helpers (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The cluster client; created from `kube` when omitted (tests pass a fake). */
  cluster?: Cluster;
}

/** The configured deployments, narrowed to `only`; an unknown name is a usage error. */
export function selectDeployments(all: readonly DeploymentConfig[], only: readonly string[] | undefined): { d: DeploymentConfig; index: number }[] {
  const indexed = all.map((d, index) => ({ d, index }));
  if (!only) return indexed;
  const names = all.map((d) => d.name);
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new UserError(`unknown deployment${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, 2, names.length ? `devspace.yaml has: ${names.join(', ')}` : 'devspace.yaml has no deployments');
  }
  return indexed.filter(({ d }) => only.includes(d.name));
}

/**
 * Deploy in config order: make sure the namespace (and pull secrets)
 * exist, render, skip when nothing changed since the last deploy, apply
 * server-side, remove objects an earlier deploy made that are gone from the
 * manifests, remember what was applied, and wait for the rollout. Stops at
 * the first failing deployment with a UserError naming it.
 */
export async function deployAll(opts: DeployAllOptions): Promise<DeployOutcome[]> {
  const selected = selectDeployments(opts.config.deployments ?? [], opts.only);
  if (selected.length === 0) return [];
  const cluster = opts.cluster ?? (await createCluster(opts.kube.kubeConfig));
  const images = await imageRefsFor(opts.root, opts.config, opts.builtImages);
  const pullSecretImages: PullSecretImage[] = Object.entries(opts.config.images ?? {})
    .filter(([, i]) => i.createPullSecret && i.image)
    .map(([key, i]) => ({ key, image: i.image! }));
  const ready = new Set<string>();
  const outcomes: DeployOutcome[] = [];
  const hookOpts = { root: opts.root, events: opts.events, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.env ? { env: opts.env } : {}) };
  const hooks = (when: 'before' | 'after', deployment?: string) =>
    runHooks(opts.config.hooks, { when, stage: 'deployments', ...(deployment ? { deployment } : {}) }, hookOpts);
  await hooks('before');
  for (const { d, index } of selected) {
    const namespace = d.namespace ?? opts.kube.namespace;
    const prepare = async (): Promise<void> => {
      if (ready.has(namespace)) return;
      if (await ensureNamespace(cluster, namespace, opts.signal)) {
        opts.events.send('engine:info', { scope: 'deploy', message: `created namespace ${namespace}` });
      }
      if (pullSecretImages.length) {
        await ensurePullSecrets(cluster, pullSecretImages, [namespace], { events: opts.events, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.env ? { env: opts.env } : {}) });
      }
      ready.add(namespace);
    };
    await hooks('before', d.name);
    outcomes.push(await deployOne(cluster, d, `deployments[${index}]`, namespace, images, prepare, opts));
    await hooks('after', d.name);
  }
  await hooks('after');
  return outcomes;
}

async function deployOne(
  cluster: Cluster,
  d: DeploymentConfig,
  where: string,
  namespace: string,
  images: ImageRefSet,
  prepare: () => Promise<void>,
  opts: DeployAllOptions,
): Promise<DeployOutcome> {
  const { events, kube, signal } = opts;
  const deployment = d.name;
  const type = deploymentType(d, where);
  const started = Date.now();
  events.send('deploy:start', { deployment, type, namespace });
  const key = { name: deployment, context: kube.context, namespace };
  try {
    const ignored = [d.kubectl?.cmdPath && !d.kubectl.kustomize ? 'cmdPath' : '', d.kubectl?.flags?.length ? 'flags' : ''].filter(Boolean);
    if (ignored.length) {
      const what = `${where}.kubectl ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored`;
      events.send('engine:warning', { scope: `deploy:${deployment}`, message: `${what}: manifests are applied through the API (server-side apply), not the kubectl binary` });
    }
    await prepare();
    const rendered = await renderDeployment(opts.root, d, where, images.refs, { ...(signal ? { signal } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const hash = deployHash({ deployment: d, rendered, namespace, context: kube.context, ...(kube.server ? { server: kube.server } : {}), ids: images.ids });
    const previous = findRecord(await readDeployRecords(opts.root), deployment, kube.context, namespace);
    if (!opts.force && previous?.hash === hash) {
      const missing = await firstMissing(cluster, previous.objects);
      if (!missing) {
        events.send('deploy:skipped', { deployment, reason: 'nothing changed since the last deploy (-d forces a deploy)' });
        return { deployment, status: 'skipped', objects: previous.objects };
      }
      events.send('engine:info', { scope: `deploy:${deployment}`, message: `${describeRef(missing)} is gone from the cluster; deploying again` });
    }

    let refs: ObjectRef[];
    let applied: AppliedObject[];
    if (rendered.helm) {
      const bin = await requireHelm(deployment, opts.env);
      const inv = { bin, kube, ...(opts.env ? { env: opts.env } : {}), ...(signal ? { signal } : {}) };
      const objects = await installRelease(deployment, namespace, rendered.helm.config, rendered.helm.values, rendered.helm.chartDir, inv);
      refs = (await placeObjects(cluster, objects, namespace)).map((o) => refOf(o.object));
      // Helm does not say per object what it changed.
      applied = refs.map((r) => ({ kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), action: 'configured' as const }));
    } else {
      const placed = sortForApply(await placeObjects(cluster, rendered.objects ?? [], namespace));
      ({ applied, refs } = await applyObjects(cluster, placed, namespace, signal));
      applied.push(...(await prune(cluster, previous, refs)));
    }
    events.send('deploy:applied', { deployment, objects: applied });

    // Remember the objects before waiting, so purge finds them even if the rollout fails;
    // the hash is kept only once the rollout succeeded, so a failed deploy is retried next time.
    const record = (h: string): DeployRecord => ({
      name: deployment, type, context: kube.context, ...(kube.server ? { server: kube.server } : {}),
      namespace, hash: h, objects: refs, deployedAt: new Date().toISOString(),
    });
    await updateDeployRecord(opts.root, key, record(''));
    const seconds = d.component?.options?.timeout ?? d.helm?.timeout;
    await waitForRollout(cluster, refs, {
      deployment, events, timeoutMs: seconds ? seconds * 1000 : (opts.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS),
      ...(opts.rolloutSettleMs !== undefined ? { settleMs: opts.rolloutSettleMs } : {}), ...(signal ? { signal } : {}),
    });
    await updateDeployRecord(opts.root, key, record(hash));
    events.send('deploy:done', { deployment, ms: Date.now() - started });
    return { deployment, status: 'deployed', objects: refs };
  } catch (err) {
    if (isAbortError(err) || signal?.aborted) throw err;
    const message = err instanceof UserError ? err.message : apiErrorMessage(err);
    let hint = err instanceof UserError ? err.hint : undefined;
    // e.g. a changed Deployment selector: only delete-and-recreate gets past it.
    if (!hint && !(err instanceof UserError) && apiStatus(err) === undefined) hint = `check that the cluster${kube.server ? ` at ${kube.server}` : ''} is reachable`;
    if (!hint && /field is immutable/.test(message)) hint = `that field cannot change in place; run \`devspace purge --deployments ${deployment}\` and deploy again`;
    events.send('deploy:failed', { deployment, message, ...(hint ? { hint } : {}) });
    const code = err instanceof UserError ? err.exitCode : 1;
    throw new UserError(`deployment ${deployment}: ${message}`, code, hint);
  }
}

/** The first tracked object that no longer exists, if any. */
async function firstMissing(cluster: Cluster, refs: readonly ObjectRef[]): Promise<ObjectRef | undefined> {
  const found = await Promise.all(refs.map((r) => cluster.read(r)));
  return refs[found.findIndex((o) => o === undefined)];
}

/** Delete what the previous deploy applied but this one no longer does (a manifest or object removed). */
async function prune(cluster: Cluster, previous: DeployRecord | undefined, now: readonly ObjectRef[]): Promise<AppliedObject[]> {
  // Group, not version: the same object moved to a newer apiVersion must not be deleted.
  const key = (r: ObjectRef) => `${r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : ''}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
  const keep = new Set(now.map(key));
  const stale = (previous?.objects ?? []).filter((r) => !keep.has(key(r))).reverse();
  const out: AppliedObject[] = [];
  for (const r of stale) {
    try {
      if (await cluster.delete(r)) out.push({ kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), action: 'deleted' });
    } catch (err) {
      throw new UserError(`cannot remove ${describeRef(r)}, which is no longer in the manifests: ${apiErrorMessage(err)}`, 1);
    }
  }
  return out;
}
