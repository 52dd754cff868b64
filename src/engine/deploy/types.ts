import type { V1Pod } from '@kubernetes/client-node';

/** A Kubernetes object as plain data, the way manifests and the component renderer produce it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What identifies one object in the cluster; the deploy cache keeps these so purge deletes exactly them. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
}

/** An object to apply plus where it came from, so errors can point at the file. */
export interface SourcedObject {
  object: KubeObject;
  /** e.g. `kube/web.yaml (document 2)` or `component api`. */
  source: string;
}

/**
 * The few cluster operations deploy and purge need. The real one wraps
 * client-node (see cluster.ts); unit tests pass a small in-memory fake.
 */
export interface Cluster {
  /** Server-side apply as field manager `devspace` (forced); returns the stored object. */
  apply(object: KubeObject): Promise<KubeObject>;
  /** The object, or undefined when it does not exist (404). */
  read(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Delete with foreground propagation; false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** Objects of one kind in a namespace, optionally filtered by a label selector. */
  list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<KubeObject[]>;
  /** Pods matching a label selector. */
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** Whether a kind is namespaced; undefined when the cluster does not know the kind. */
  isNamespaced(apiVersion: string, kind: string): Promise<boolean | undefined>;
}

/** What the deploy cache remembers about one deployment in one cluster and namespace. */
export interface DeployRecord {
  /** Deployment name from devspace.yaml. */
  name: string;
  type: 'kubectl' | 'helm' | 'component';
  /** Kube context and API server the objects went to. */
  context: string;
  server?: string;
  /** The deployment's namespace (objects may name others). */
  namespace: string;
  /** Digest of everything that decides what gets applied; equal digest means nothing to do. */
  hash: string;
  /** What was applied, in apply order; purge deletes these in reverse. */
  objects: ObjectRef[];
  /** ISO time of the deploy. */
  deployedAt: string;
}

/** Outcome of one deployment for library callers. */
export interface DeployOutcome {
  deployment: string;
  status: 'deployed' | 'skipped';
  objects: ObjectRef[];
}

/** Outcome of purging one deployment. */
export interface PurgeOutcome {
  deployment: string;
  /** Objects that existed and were deleted. */
  deleted: ObjectRef[];
}

/** `Kind/name`, the way kubectl and messages name objects. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** The reference of an object. */
export function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind } = object;
  const { name, namespace } = object.metadata;
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}
