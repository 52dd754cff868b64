import * as k8s from '@kubernetes/client-node';
import type { EngineEvent, EngineEventName, EngineEvents } from '../../../src/engine/events.js';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { resolveKubeTarget, type KubeTarget } from '../../../src/engine/kube/context.js';
import { waitFor } from '../support/testbed.js';

/** The test bed as a KubeTarget in `namespace`, resolved the way the CLI does it. */
export function testTarget(namespace: string): Promise<KubeTarget> {
  return resolveKubeTarget({ namespace, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string } });
}

/** An emitter plus everything it sent, with a typed filter. */
export function recorder(): { events: DevEngineEmitter; seen: EngineEvent[]; of: <K extends EngineEventName>(type: K) => EngineEvents[K][0][] } {
  const events = new DevEngineEmitter();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return {
    events,
    seen,
    of: <K extends EngineEventName>(type: K) => seen.filter((e) => e.type === type).map((e) => e.payload as EngineEvents[K][0]),
  };
}

/** The HTTP status a read of the object answers (200 or 404). */
export async function readStatus(kc: k8s.KubeConfig, apiVersion: string, kind: string, name: string, namespace?: string): Promise<number> {
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    await api.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    return 200;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** Delete a namespace and wait until it is gone (tests that create their own). */
export async function deleteNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => undefined);
  await waitFor(async () => (await readStatus(kc, 'v1', 'Namespace', name)) === 404, 120_000, `namespace ${name} to be deleted`).catch(() => undefined);
}

/** The error a promise rejects with; fails the test if it resolves. */
export function failure(p: Promise<unknown>): Promise<Error & { hint?: string; exitCode?: number }> {
  return p.then(
    () => {
      throw new Error('expected a failure, but it succeeded');
    },
    (err: unknown) => err as Error & { hint?: string; exitCode?: number },
  );
}
