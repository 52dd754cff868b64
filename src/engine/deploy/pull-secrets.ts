import { createPullSecret, type PullSecret } from '../build/pull-secret.js';
import { registryOf } from '../build/image-ref.js';
import { resolveCredentials, type RegistryCredentials } from '../build/registry-auth.js';
import { UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import { sleep } from '../kube/target.js';
import { apiErrorMessage } from './cluster.js';
import type { Cluster, KubeObject } from './types.js';

/** An `images` entry with `createPullSecret: true`. */
export interface PullSecretImage {
  /** Image key in devspace.yaml, for messages. */
  key: string;
  /** Repository, e.g. `registry.example.com/team/api`. */
  image: string;
}

/** Where pull-secret warnings go, and how credentials are looked up. */
export interface PullSecretOptions {
  events: DevEngineEmitter;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Credential lookup (default: Docker config and credential helpers). */
  credentials?: (registry: string) => Promise<RegistryCredentials | undefined>;
}

/**
 * For images with `createPullSecret: true`: put a `devspace-auth-<registry>`
 * Secret built from the local Docker credentials into every namespace and
 * add it to the `imagePullSecrets` of that namespace's `default`
 * ServiceAccount (kept: whatever was there). A registry without usable
 * credentials is a warning, not a failure: public or unauthenticated
 * registries need no secret. Secret contents never reach events or errors.
 */
export async function ensurePullSecrets(
  cluster: Cluster,
  images: readonly PullSecretImage[],
  namespaces: readonly string[],
  opts: PullSecretOptions,
): Promise<string[]> {
  const warn = (message: string, hint?: string): void => opts.events.send('engine:warning', { scope: 'pull-secret', message, ...(hint ? { hint } : {}) });
  const lookup =
    opts.credentials ??
    ((registry: string) => resolveCredentials(registry, { ...(opts.env ? { env: opts.env } : {}), ...(opts.signal ? { signal: opts.signal } : {}), onWarning: (m) => warn(m) }));
  const byRegistry = new Map<string, string[]>();
  for (const img of images) byRegistry.set(registryOf(img.image), [...(byRegistry.get(registryOf(img.image)) ?? []), img.key]);

  const secrets: ((ns: string) => PullSecret)[] = [];
  for (const [registry, keys] of byRegistry) {
    const creds = await lookup(registry);
    if (!creds) {
      warn(`no credentials for registry ${registry} in the Docker config, so no pull secret for image ${keys.join(', ')}`, `run \`docker login ${registry}\` if the cluster needs them`);
      continue;
    }
    try {
      createPullSecret(creds); // validates once; fails for token-only credentials
      secrets.push((ns) => createPullSecret(creds, ns));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      warn(err.message, err.hint);
    }
  }
  if (secrets.length === 0) return [];

  const names: string[] = [];
  for (const ns of namespaces) {
    const own: string[] = [];
    for (const make of secrets) {
      const secret = make(ns);
      try {
        await cluster.apply(secret as unknown as KubeObject);
      } catch (err) {
        throw new UserError(`cannot create pull secret ${secret.metadata.name} in namespace ${ns}: ${apiErrorMessage(err)}`, 1);
      }
      own.push(secret.metadata.name);
    }
    await addToServiceAccount(cluster, ns, own, opts.signal);
    opts.events.send('engine:info', { scope: 'pull-secret', message: `${own.join(', ')} ready in namespace ${ns} (default service account)` });
    names.push(...own);
  }
  return [...new Set(names)];
}

/** Merge secret names into the `default` ServiceAccount's imagePullSecrets, without duplicates. */
export async function addToServiceAccount(cluster: Cluster, namespace: string, secretNames: readonly string[], signal?: AbortSignal): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace };
  // In a namespace created moments ago the controller may not have made `default` yet.
  let sa: KubeObject | undefined;
  for (let i = 0; i < 30 && !(sa = await cluster.read(ref)); i++) await sleep(1000, signal);
  const existing = ((sa?.imagePullSecrets as { name?: string }[] | undefined) ?? []).map((s) => s.name).filter((n): n is string => !!n);
  const missing = secretNames.filter((n) => !existing.includes(n));
  if (missing.length === 0) return;
  // Send the whole merged list, so entries others added survive however apply merges the list.
  const merged = [...existing, ...missing].map((name) => ({ name }));
  try {
    await cluster.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace }, imagePullSecrets: merged });
  } catch (err) {
    throw new UserError(`cannot add pull secrets to service account default in ${namespace}: ${apiErrorMessage(err)}`, 1);
  }
}
