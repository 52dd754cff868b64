import { UserError } from '../errors.js';
import type { AppliedObject } from '../events.js';
import { sleep } from '../kube/target.js';
import { apiErrorMessage, apiStatus } from './cluster.js';
import { describeRef, refOf, type Cluster, type KubeObject, type ObjectRef, type SourcedObject } from './types.js';

/**
 * Apply order (Helm's install order, shortened): what others depend on
 * first, workloads last. Kinds not listed (custom resources) go after all
 * of these; purge deletes in exactly the reverse order.
 */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Objects in apply order (stable: file order within a kind). */
export function sortForApply<T extends { object: KubeObject }>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o.object.kind) - rank(b.o.object.kind) || a.i - b.i)
    .map(({ o }) => o);
}

/** An object ready to apply; `unresolved` marks a kind whose CRD arrives in the same apply. */
export interface PlacedObject extends SourcedObject {
  unresolved?: boolean;
}

/**
 * Fill in the namespace of namespaced kinds that name none, and drop it
 * from cluster-scoped ones. A kind the cluster does not know is an error,
 * unless a CustomResourceDefinition is part of the same apply.
 */
export async function placeObjects(cluster: Cluster, objects: readonly SourcedObject[], namespace: string): Promise<PlacedObject[]> {
  const bringsCrds = objects.some((o) => o.object.kind === 'CustomResourceDefinition');
  const scope = new Map<string, boolean | undefined>();
  const out: PlacedObject[] = [];
  for (const { object, source } of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (!scope.has(key)) scope.set(key, await cluster.isNamespaced(object.apiVersion, object.kind));
    const namespaced = scope.get(key);
    if (namespaced === undefined && !bringsCrds) {
      throw new UserError(`${source}: the cluster does not know ${object.kind} in ${object.apiVersion}`, 1, 'check apiVersion and kind, or install its CRD first');
    }
    out.push({ object: withNamespace(object, namespaced ?? true, namespace), source, ...(namespaced === undefined ? { unresolved: true } : {}) });
  }
  return out;
}

function withNamespace(object: KubeObject, namespaced: boolean, namespace: string): KubeObject {
  const metadata = { ...object.metadata };
  if (namespaced) metadata.namespace ??= namespace;
  else delete metadata.namespace;
  return { ...object, metadata };
}

/** Wait until a kind whose CRD was just applied is served, then place the object for real. */
async function resolveLate(cluster: Cluster, placed: PlacedObject, namespace: string, signal?: AbortSignal): Promise<KubeObject> {
  const { object, source } = placed;
  const end = Date.now() + 60_000;
  for (;;) {
    const namespaced = await cluster.isNamespaced(object.apiVersion, object.kind);
    if (namespaced !== undefined) return withNamespace(object, namespaced, object.metadata.namespace ?? namespace);
    if (Date.now() > end) throw new UserError(`${source}: the cluster does not serve ${object.kind} in ${object.apiVersion}, even after its CRD was applied`, 1);
    await sleep(1000, signal);
  }
}

/**
 * Create a namespace unless it exists; one being deleted is waited for
 * first (applying into it would fail). Returns true when it was created.
 */
export async function ensureNamespace(cluster: Cluster, name: string, signal?: AbortSignal, timeoutMs = 120_000): Promise<boolean> {
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name };
  const end = Date.now() + timeoutMs;
  for (;;) {
    const existing = await cluster.read(ref).catch((err: unknown) => {
      throw new UserError(`cannot read namespace ${name}: ${apiErrorMessage(err)}`, 1);
    });
    if (!existing) break;
    if (!(existing.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return false;
    if (Date.now() > end) throw new UserError(`namespace ${name} is still being deleted after ${Math.round(timeoutMs / 1000)} s`, 1);
    await sleep(1000, signal);
  }
  try {
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (apiStatus(err) !== 409) throw new UserError(`cannot create namespace ${name}: ${apiErrorMessage(err)}`, 1);
  }
  return true;
}

/**
 * Server-side apply each object in order. The action reported is
 * `created` (did not exist), `unchanged` (resourceVersion kept) or
 * `configured`. Fails on the first error with the API server's reason and
 * the file the object came from.
 */
export async function applyObjects(
  cluster: Cluster,
  objects: readonly PlacedObject[],
  namespace: string,
  signal?: AbortSignal,
): Promise<{ applied: AppliedObject[]; refs: ObjectRef[] }> {
  const applied: AppliedObject[] = [];
  const refs: ObjectRef[] = [];
  for (const placed of objects) {
    signal?.throwIfAborted();
    const { source } = placed;
    const object = placed.unresolved ? await resolveLate(cluster, placed, namespace, signal) : placed.object;
    const ref = refOf(object);
    try {
      const before = await cluster.read(ref);
      const after = await cluster.apply(object);
      const version = (o: KubeObject | undefined) => (o?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      const action = !before ? 'created' : version(before) === version(after) ? 'unchanged' : 'configured';
      applied.push({ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), action });
      refs.push(ref);
    } catch (err) {
      if (err instanceof UserError || signal?.aborted) throw err;
      const where = ref.namespace ? ` in namespace ${ref.namespace}` : '';
      throw new UserError(`cannot apply ${describeRef(ref)}${where} (from ${source}): ${apiErrorMessage(err)}`, 1);
    }
  }
  return { applied, refs };
}
