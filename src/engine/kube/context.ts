import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import { guardAuthentication, rememberUserSecrets, withoutUrlCredentials } from './credentials.js';

/** Where a resolved value came from, so messages can say which knob to turn. */
export type ContextSource = 'flag' | 'config' | 'current-context' | 'in-cluster';
export type NamespaceSource = 'flag' | 'config' | 'context' | 'default';

/** The cluster and namespace one `devspace` run talks to. */
export interface KubeTarget {
  /** Kubeconfig with `context` current and its namespace set to `namespace` (in memory only). */
  kubeConfig: KubeConfig;
  context: string;
  namespace: string;
  contextSource: ContextSource;
  namespaceSource: NamespaceSource;
  /** API server URL of the context's cluster, for messages. */
  server?: string;
  /** Kubeconfig files that were read, in merge order. */
  files: string[];
}

/** Inputs in precedence order: flags first, then the config's `cluster` block. */
export interface ResolveKubeOptions {
  /** `--kube-context`. */
  kubeContext?: string;
  /** `-n/--namespace`. */
  namespace?: string;
  /** `cluster` from devspace.yaml. */
  cluster?: { kubeContext?: string; namespace?: string };
  /** Environment to read KUBECONFIG/HOME from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const NO_KUBECONFIG_HINT = 'start the local test cluster with `npm run testbed:up`, or point KUBECONFIG at a kubeconfig file';
// RFC 1123 label, what the API server accepts as a namespace name.
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The kubeconfig files kubectl would read: `$KUBECONFIG` entries, else `~/.kube/config`. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '');
    return listed.filter((f) => existsSync(f));
  }
  const file = path.join(env.HOME || homedir(), '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/**
 * Load the kubeconfig (lazily importing the heavy client) and pick the
 * context and namespace: context = flag → `cluster.kubeContext` →
 * current-context; namespace = flag → `cluster.namespace` → the context's
 * namespace → `default`. Mistakes become UserErrors that list the choices.
 */
export async function resolveKubeTarget(opts: ResolveKubeOptions = {}): Promise<KubeTarget> {
  const env = opts.env ?? process.env;
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const files = kubeconfigFiles(env);
  if (files.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
      kc.loadFromCluster();
    } else {
      const where = env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG} names no existing file` : 'no ~/.kube/config and KUBECONFIG is not set';
      throw new UserError(`no kubeconfig found: ${where}`, 1, NO_KUBECONFIG_HINT);
    }
  } else {
    loadMerged(kc, files, () => new KubeConfig());
  }

  const names = kc.getContexts().map((c) => c.name);
  const [wanted, contextSource] = pickContext(opts, kc.getCurrentContext(), files.length === 0);
  if (!wanted) {
    throw new UserError('the kubeconfig has no current-context and none was given', 2, contextHint(names));
  }
  const context = kc.getContextObject(wanted);
  if (!context) {
    const via = contextSource === 'flag' ? '--kube-context' : contextSource === 'config' ? 'cluster.kubeContext in devspace.yaml' : 'current-context';
    // A flag or devspace.yaml naming a missing context is a usage mistake (2); a kubeconfig whose
    // own current-context points nowhere is a broken environment, like a missing kubeconfig (1).
    throw new UserError(`kube context "${wanted}" (from ${via}) does not exist in the kubeconfig`, contextSource === 'current-context' ? 1 : 2, contextHint(names));
  }

  const [namespace, namespaceSource] = pickNamespace(opts, context);
  if (!NAMESPACE_RE.test(namespace) || namespace.length > 63) {
    const via = namespaceSource === 'flag' ? '-n/--namespace' : namespaceSource === 'config' ? 'cluster.namespace' : `context "${wanted}"`;
    throw new UserError(`invalid namespace "${namespace}" (from ${via}): use lowercase letters, digits and '-'`, 2);
  }
  // Inject the namespace into the in-memory context so every API client defaults to it; server
  // addresses lose any `user:password@` (they appear in messages), which becomes Basic auth.
  const { clusters, users } = withoutUrlCredentials(kc.getClusters(), kc.getUsers(), { cluster: context.cluster, user: context.user });
  kc.loadFromOptions({
    clusters,
    users,
    contexts: kc.getContexts().map((c) => (c.name === wanted ? { ...c, namespace } : c)),
    currentContext: wanted,
  });
  // Whatever the credentials are, the output net knows them, and a failing plugin is one clean line.
  rememberUserSecrets(kc.getCurrentUser());
  guardAuthentication(kc, wanted);
  const server = kc.getCluster(context.cluster)?.server;
  return { kubeConfig: kc, context: wanted, namespace, contextSource, namespaceSource, files, ...(server ? { server } : {}) };
}

function pickContext(opts: ResolveKubeOptions, current: string, inCluster: boolean): [string | undefined, ContextSource] {
  if (opts.kubeContext) return [opts.kubeContext, 'flag'];
  if (opts.cluster?.kubeContext) return [opts.cluster.kubeContext, 'config'];
  return [current || undefined, inCluster ? 'in-cluster' : 'current-context'];
}

function pickNamespace(opts: ResolveKubeOptions, context: Context): [string, NamespaceSource] {
  if (opts.namespace) return [opts.namespace, 'flag'];
  if (opts.cluster?.namespace) return [opts.cluster.namespace, 'config'];
  if (context.namespace) return [context.namespace, 'context'];
  return ['default', 'default'];
}

function contextHint(names: string[]): string {
  return names.length ? `available contexts: ${names.join(', ')}` : 'the kubeconfig defines no contexts';
}

/**
 * Merge files the way kubectl does: the first file to name a cluster, user or
 * context wins, and the first current-context wins. (client-node's own merge
 * throws on duplicate names and lets later files win.)
 */
function loadMerged(kc: KubeConfig, files: string[], fresh: () => KubeConfig): void {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const one = fresh();
    try {
      one.loadFromFile(file);
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new UserError(`cannot read kubeconfig ${file}: ${msg}`, 1);
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ||= one.getCurrentContext() ?? '';
  }
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
}
