// Cluster helpers for benchmarks: a throwaway namespace with one pod from the
// local base image, and waiting for it. Plain JS over @kubernetes/client-node.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';

export const BASE_IMAGE = '127.0.0.1:5000/devspace-base:busybox';
export const KUBECTL = '/var/lib/devspace-testbed/bin/localk8s';

export function kubeConfig(file) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export async function withNamespace(kc, prefix, fn) {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  try {
    await until(() => core.readNamespacedServiceAccount({ name: 'default', namespace: name }), 60_000);
    return await fn(name);
  } finally {
    await core.deleteNamespace({ name }).catch(() => undefined);
  }
}

/** A pod running `script` in sh, waited until Ready (readiness: tcp `port` when given). */
export async function runPod(kc, namespace, name, script, port) {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { bench: name } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{
          name: 'main', image: BASE_IMAGE, command: ['sh', '-c', script],
          ...(port ? { readinessProbe: { tcpSocket: { port }, periodSeconds: 1 } } : {}),
        }],
      },
    },
  });
  await until(async () => {
    const p = await core.readNamespacedPod({ name, namespace });
    if (!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) throw new Error('not ready');
  }, 120_000);
}

export async function until(fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
