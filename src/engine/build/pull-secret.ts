import { UserError } from '../errors.js';
import { hostOf } from './image-ref.js';
import type { RegistryCredentials } from './registry-auth.js';

/** A `kubernetes.io/dockerconfigjson` Secret as a plain object, ready for server-side apply. */
export interface PullSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  type: 'kubernetes.io/dockerconfigjson';
  data: { '.dockerconfigjson': string };
}

/** `devspace-auth-<registry host>`, lower-cased with everything outside `[a-z0-9-]` turned into `-`. */
export function pullSecretName(registry: string): string {
  const host = hostOf(registry).toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `devspace-auth-${host}`.replace(/-+$/, '').slice(0, 253);
}

/**
 * The image pull secret for one registry (`images.*.createPullSecret`). The
 * kubelet only understands user name and password, so credentials that are
 * just an identity token cannot become a pull secret.
 */
export function createPullSecret(creds: RegistryCredentials, namespace?: string): PullSecret {
  if (!creds.username || !creds.password) {
    throw new UserError(
      `cannot create a pull secret for registry ${creds.registry}: its credentials have no user name and password`,
      1,
      creds.identitytoken
        ? 'the stored credential is an identity token; create the secret with a registry access token'
        : undefined,
    );
  }
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  const dockerConfig = {
    auths: { [creds.serveraddress]: { username: creds.username, password: creds.password, auth } },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: pullSecretName(creds.registry),
      ...(namespace ? { namespace } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'devspace' },
    },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString('base64') },
  };
}
