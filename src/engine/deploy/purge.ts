import type { DeploymentConfig, DevspaceConfig } from '../config/index.js';
import { isAbortError, UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import { sleep } from '../kube/target.js';
import { placeObjects, sortForApply } from './apply.js';
import { apiErrorMessage, createCluster } from './cluster.js';
import { selectDeployments } from './deploy.js';
import { parseManifestText } from './manifests.js';
import { requireHelm, runHelm, uninstallRelease, type HelmInvocation } from './helm.js';
import { deploymentType, renderDeployment } from './render.js';
import { findRecord, readDeployRecords, updateDeployRecord } from './state.js';
import { describeRef, refOf, type Cluster, type DeployRecord, type ObjectRef, type PurgeOutcome } from './types.js';

/** How long purge waits for deleted objects (and their pods) to be gone. */
export const DEFAULT_PURGE_TIMEOUT_MS = 300_000;

/** Inputs of `purgeAll`. */
export interface PurgeAllOptions {
  root: string;
  config: Pick<DevspaceConfig, 'deployments'>;
  kube: KubeTarget;
  events: DevEngineEmitter;
  /** Only these deployments (by name). */
  only?: readonly string[];
  signal?: AbortSignal;
  /** How long to wait for objects to disappear (default 5 min). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cluster?: Cluster;
}

/**
 * Delete deployments in reverse config order and wait until every deleted
 * object is gone (foreground deletion, so a workload disappears only after
 * its pods). What gets deleted is what the last deploy recorded, even if the
 * manifests changed since; without a record the manifests are rendered
 * again. Without `only`, recorded deployments that were removed from
 * devspace.yaml are purged as well. A failure does not stop the others; it
 * is reported and purge then fails with all of them named.
 */
export async function purgeAll(opts: PurgeAllOptions): Promise<PurgeOutcome[]> {
  const { kube, events } = opts;
  const configured = opts.config.deployments ?? [];
  const selected = selectDeployments(configured, opts.only).reverse();
  const records = await readDeployRecords(opts.root);
  const orphans = opts.only
    ? []
    : records
        .filter((r) => r.context === kube.context && r.namespace === kube.namespace && !configured.some((d) => d.name === r.name))
        .sort((a, b) => b.deployedAt.localeCompare(a.deployedAt));
  if (selected.length === 0 && orphans.length === 0) return [];
  const cluster = opts.cluster ?? (await createCluster(kube.kubeConfig));

  const outcomes: PurgeOutcome[] = [];
  const failures: string[] = [];
  const attempt = async (name: string, run: () => Promise<ObjectRef[]>): Promise<void> => {
    try {
      const deleted = await run();
      events.send('purge:done', { deployment: name, objects: deleted.map((r) => ({ kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), action: 'deleted' as const })) });
      outcomes.push({ deployment: name, deleted });
    } catch (err) {
      if (isAbortError(err) || opts.signal?.aborted) throw err;
      const message = err instanceof UserError ? err.message : apiErrorMessage(err);
      events.send('engine:error', { scope: `purge:${name}`, message });
      failures.push(`${name} (${message})`);
    }
  };

  for (const { d, index } of selected) {
    const namespace = d.namespace ?? kube.namespace;
    const record = findRecord(records, d.name, kube.context, namespace);
    await attempt(d.name, () => purgeOne(cluster, d, `deployments[${index}]`, namespace, record, opts));
  }
  for (const record of orphans) {
    events.send('engine:info', { scope: `purge:${record.name}`, message: 'no longer in devspace.yaml; purging what it deployed' });
    await attempt(record.name, async () => {
      if (record.type === 'helm') await uninstallRelease(record.name, record.namespace, await helmInvocation(record.name, opts));
      return deleteAndWait(cluster, record, record.objects, opts);
    });
  }
  if (failures.length) throw new UserError(`purge failed for ${failures.join('; ')}`, 1);
  return outcomes;
}

async function helmInvocation(name: string, opts: PurgeAllOptions): Promise<HelmInvocation> {
  const bin = await requireHelm(name, opts.env);
  return { bin, kube: opts.kube, ...(opts.env ? { env: opts.env } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
}

async function purgeOne(
  cluster: Cluster,
  d: DeploymentConfig,
  where: string,
  namespace: string,
  record: DeployRecord | undefined,
  opts: PurgeAllOptions,
): Promise<ObjectRef[]> {
  const key = { name: d.name, context: opts.kube.context, namespace };
  if (deploymentType(d, where) === 'helm') {
    const inv = await helmInvocation(d.name, opts);
    let refs = record?.objects;
    if (!refs) {
      // Nothing recorded: ask the release what it holds before it is gone, so we can wait for it.
      const manifest = await runHelm(['get', 'manifest', d.name, '--namespace', namespace], inv, 'helm get manifest').catch(() => '');
      refs = (await placeObjects(cluster, parseManifestText(manifest, `helm release ${d.name}`), namespace)).map((o) => refOf(o.object));
    }
    await uninstallRelease(d.name, namespace, inv);
    return deleteAndWait(cluster, key, refs, opts);
  }
  let refs = record?.objects;
  if (!refs) {
    // No record (never deployed from here, or the cache was removed): delete what the manifests describe now.
    const rendered = await renderDeployment(opts.root, d, where, new Map(), { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.env ? { env: opts.env } : {}) });
    refs = sortForApply(await placeObjects(cluster, rendered.objects ?? [], namespace)).map((o) => refOf(o.object));
  }
  return deleteAndWait(cluster, key, refs, opts);
}

/** Delete in reverse apply order, wait until all are gone, then forget the record. Returns what existed. */
async function deleteAndWait(
  cluster: Cluster,
  key: { name: string; context: string; namespace: string },
  refs: readonly ObjectRef[],
  opts: PurgeAllOptions,
): Promise<ObjectRef[]> {
  const deleted: ObjectRef[] = [];
  for (const ref of [...refs].reverse()) {
    opts.signal?.throwIfAborted();
    try {
      if (await cluster.delete(ref)) deleted.push(ref);
    } catch (err) {
      throw new UserError(`cannot delete ${describeRef(ref)}: ${apiErrorMessage(err)}`, 1);
    }
  }
  if (deleted.length) {
    opts.events.send('engine:info', { scope: `purge:${key.name}`, message: `waiting for ${deleted.length} object${deleted.length === 1 ? '' : 's'} to be gone` });
  }
  await waitGone(cluster, deleted, opts.timeoutMs ?? DEFAULT_PURGE_TIMEOUT_MS, opts.signal);
  await updateDeployRecord(opts.root, key, undefined);
  return deleted;
}

/** Poll until every object answers 404; a timeout names what is left and its finalizers. */
export async function waitGone(cluster: Cluster, refs: readonly ObjectRef[], timeoutMs: number, signal?: AbortSignal, intervalMs = 500): Promise<void> {
  let left = [...refs];
  const end = Date.now() + timeoutMs;
  while (left.length) {
    const objects = await Promise.all(left.map((r) => cluster.read(r)));
    const still = left.map((r, i) => [r, objects[i]] as const).filter(([, o]) => o !== undefined);
    left = still.map(([r]) => r);
    if (!left.length) return;
    if (Date.now() >= end) {
      const [ref, obj] = still[0]!;
      const finalizers = (obj?.metadata as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      const more = left.length > 1 ? ` (and ${left.length - 1} more)` : '';
      throw new UserError(
        `${describeRef(ref)}${more} is still there ${Math.round(timeoutMs / 1000)} s after deletion${finalizers.length ? `; finalizers: ${finalizers.join(', ')}` : ''}`,
        1,
        'check what blocks it with `devspace analyze` or kubectl describe',
      );
    }
    await sleep(intervalMs, signal);
  }
}
