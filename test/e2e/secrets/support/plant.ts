import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { uid, waitFor } from '../../support/testbed.js';
import type { SecretBook } from './secret-book.js';

/**
 * Real credentials for the secrets tests: ServiceAccount tokens minted by
 * the test bed's API server, kubeconfig files using every auth method
 * client-node supports, and Docker configs with registry credentials.
 */

/** The test bed's admin kubeconfig as loaded by client-node. */
export function adminKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(process.env.DEVSPACE_TEST_KUBECONFIG as string);
  return kc;
}

/** A ServiceAccount with a token, and how to remove what was made for it. */
export interface ServiceAccountToken {
  name: string;
  token: string;
}

/**
 * Two ServiceAccounts in `namespace`: `dev` may do what devspace needs
 * (admin in the namespace, and reading namespaces, which deploy checks),
 * `nobody` may do nothing. Returns their tokens (TokenRequest, 1 h) and a
 * dispose for the cluster-scoped objects.
 */
export async function mintServiceAccounts(
  kc: k8s.KubeConfig,
  namespace: string,
): Promise<{ dev: ServiceAccountToken; nobody: ServiceAccountToken; dispose(): Promise<void> }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const clusterName = `devspace-secrets-e2e-${uid()}`;
  for (const name of ['dev', 'nobody']) await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'dev-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'dev', namespace }],
    },
  });
  await rbac.createClusterRole({
    body: { metadata: { name: clusterName }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: clusterName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: 'dev', namespace }],
    },
  });
  const token = async (name: string): Promise<ServiceAccountToken> => {
    const res = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { expirationSeconds: 3600, audiences: [] } } });
    return { name, token: res.status?.token as string };
  };
  const dev = await token('dev');
  const nobody = await token('nobody');
  // RBAC is cached by the authorizer for a moment: wait until the dev token may list pods.
  const probe = kubeConfigFrom(kc, { token: dev.token }, namespace);
  await waitFor(async () => (await probe.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace }), true), 30_000, 'the dev token to work');
  return {
    dev,
    nobody,
    async dispose() {
      await rbac.deleteClusterRoleBinding({ name: clusterName }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: clusterName }).catch(() => undefined);
    },
  };
}

/** The admin kubeconfig's cluster with another user (in memory). */
function kubeConfigFrom(admin: k8s.KubeConfig, user: Partial<k8s.User>, namespace: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(stringify(kubeconfigDoc(admin, user, namespace)));
  return kc;
}

/** A kubeconfig document: the test bed's cluster (or `server`), one user in kubeconfig YAML spelling, one context. */
export function kubeconfigDoc(
  admin: k8s.KubeConfig,
  user: Record<string, unknown>,
  namespace: string,
  cluster: Record<string, unknown> = {},
): Record<string, unknown> {
  const c = admin.getCurrentCluster() as k8s.Cluster;
  const caData = (admin.getCurrentCluster() as k8s.Cluster & { caData?: string }).caData;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testbed', cluster: { server: c.server, 'certificate-authority-data': caData, ...cluster } }],
    users: [{ name: 'planted', user }],
    contexts: [{ name: 'planted', context: { cluster: 'testbed', user: 'planted', namespace } }],
    'current-context': 'planted',
  };
}

/** Write a kubeconfig file (mode 600, like kubectl) and return its path. */
export async function writeKubeconfig(dir: string, name: string, doc: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.kubeconfig`);
  await writeFile(file, stringify(doc), { mode: 0o600 });
  return file;
}

/** A JWT-shaped token (header.payload.signature) whose signature is a planted secret; `exp` in the future. */
export function fakeJwt(signature: string, claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: 'https://idp.invalid', sub: 'planted', exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.${signature}`;
}

/**
 * An exec credential plugin (a Node script) printing `stdout` (an
 * ExecCredential, or anything else to simulate a broken plugin).
 */
export async function writeExecPlugin(dir: string, name: string, stdout: string, exitCode = 0, stderr = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.mjs`);
  const body = `process.stdout.write(${JSON.stringify(stdout)});\nprocess.stderr.write(${JSON.stringify(stderr)});\nprocess.exitCode = ${exitCode};\n`;
  await writeFile(file, `#!${process.execPath}\n${body}`);
  await chmod(file, 0o700);
  return file;
}

/** An ExecCredential carrying `token`. */
export function execCredential(token: string): string {
  return JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } });
}

/** One `auths` entry of a Docker config. */
export type AuthEntry = { auth?: string; username?: string; password?: string; identitytoken?: string };

/**
 * Write `<dir>/config.json` with `auths` and return `dir` (for
 * DOCKER_CONFIG). Credentials for other registries are planted too:
 * only the registry of the image may ever be used.
 */
export async function writeDockerConfig(dir: string, auths: Record<string, AuthEntry>, book: SecretBook, label: string): Promise<string> {
  const others: Record<string, AuthEntry> = {
    'registry.example.com': { username: 'robot', password: book.secret(`${label}: password of registry.example.com`) },
    'https://index.docker.io/v1/': { auth: basic(`hub-${uid()}`, book.secret(`${label}: Docker Hub password (auth field)`), book, `${label}: Docker Hub`) },
    'ghcr.example.org': { identitytoken: book.secret(`${label}: identity token of ghcr.example.org`) },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { ...others, ...auths } }, null, 2), { mode: 0o600 });
  return dir;
}

/** The `auth` field for `user:password`, with the pair registered as a secret (its base64 form is the field). */
export function basic(user: string, password: string, book: SecretBook, label: string): string {
  book.add(`${label}: user:password`, `${user}:${password}`, { slices: false });
  return Buffer.from(`${user}:${password}`).toString('base64');
}
