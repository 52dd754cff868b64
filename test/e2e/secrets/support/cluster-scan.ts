import * as k8s from '@kubernetes/client-node';
import { ledger } from './runs.js';
import type { Leak, SecretBook } from './secret-book.js';

/**
 * Scan the Kubernetes objects in a namespace for planted secrets: labels,
 * annotations (a last-applied-configuration would carry a Secret's data),
 * specs, env, events. The pull secrets devspace creates on purpose are left
 * out, except their metadata.
 */
export async function scanNamespace(kc: k8s.KubeConfig, namespace: string, book: SecretBook, isPullSecret: (name: string) => boolean): Promise<{ leaks: Leak[]; kinds: Record<string, number> }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const lists: Record<string, { metadata?: { name?: string } }[]> = {
    Namespace: [await core.readNamespace({ name: namespace })],
    Pod: (await core.listNamespacedPod({ namespace })).items,
    Service: (await core.listNamespacedService({ namespace })).items,
    ConfigMap: (await core.listNamespacedConfigMap({ namespace })).items,
    ServiceAccount: (await core.listNamespacedServiceAccount({ namespace })).items,
    Event: (await core.listNamespacedEvent({ namespace })).items,
    Deployment: (await apps.listNamespacedDeployment({ namespace })).items,
    ReplicaSet: (await apps.listNamespacedReplicaSet({ namespace })).items,
    Secret: (await core.listNamespacedSecret({ namespace })).items.map((s) => (isPullSecret(s.metadata?.name ?? '') ? { ...s, data: {} } : s)),
  };
  const leaks: Leak[] = [];
  const kinds: Record<string, number> = {};
  for (const [kind, items] of Object.entries(lists)) {
    kinds[kind] = items.length;
    for (const item of items) {
      ledger.objects++;
      leaks.push(...book.scan(JSON.stringify(item), `${kind} ${namespace}/${item.metadata?.name ?? '?'}`));
    }
  }
  return { leaks, kinds };
}
