import { randomBytes } from 'node:crypto';
import net from 'node:net';
import * as k8s from '@kubernetes/client-node';

/**
 * Shared helpers for end-to-end tests against the real test bed: the
 * kubeconfig it wrote, throwaway namespaces, and waiting on pods. Every e2e
 * test builds on these instead of talking to fakes.
 */

export const REGISTRY = '127.0.0.1:5000';
export const BASE_IMAGE = `${REGISTRY}/devspace-base:busybox`;
/** Where the test bed builds Helm (testbed/lib/install.sh `ensure_helm`); only Helm tests put it on PATH. */
export const HELM_DIR = '/var/lib/devspace-testbed/helm/bin';

/** The test bed's kubeconfig (global-setup has checked it exists). */
export function testKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(process.env.DEVSPACE_TEST_KUBECONFIG as string);
  return kc;
}

/** A short random suffix, so parallel or repeated runs never collide. */
export function uid(len = 6): string {
  return randomBytes(8).toString('hex').slice(0, len);
}

/** Create a namespace for one test file; `dispose` deletes it without waiting. */
export async function tempNamespace(kc: k8s.KubeConfig, prefix = 'e2e'): Promise<{ name: string; dispose(): Promise<void> }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${uid()}`;
  await core.createNamespace({ body: { metadata: { name, labels: { 'devspace.test/e2e': 'true' } } } });
  await waitFor(async () => {
    // Pods are refused until the service account controller made `default`.
    await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
    return true;
  }, 60_000, `service account default in ${name}`);
  return {
    name,
    async dispose() {
      await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** Poll `check` until it returns a truthy value (errors count as "not yet"). */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const why = last instanceof Error ? `: ${last.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}

/** Ready pods matching a label selector, once at least `count` are Ready. */
export async function waitForReadyPods(
  kc: k8s.KubeConfig,
  namespace: string,
  labelSelector: string,
  count: number,
  timeoutMs = 120_000,
): Promise<k8s.V1Pod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return waitFor(async () => {
    const list = await core.listNamespacedPod({ namespace, labelSelector });
    const ready = list.items.filter(
      (p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return ready.length >= count ? ready : undefined;
  }, timeoutMs, `${count} ready pod(s) with ${labelSelector} in ${namespace}`);
}

/** A loopback port nothing listens on right now, for a forward or a stand-in server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}
