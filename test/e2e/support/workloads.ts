import * as k8s from '@kubernetes/client-node';

/** What `createDeployment` may change from its defaults. */
export interface DeploymentOptions {
  /** Pod labels and selector (default `{ app: name }`). */
  labels?: Record<string, string>;
  replicas?: number;
}

/**
 * A Deployment `name` running `pod`, so a deleted pod is replaced the way
 * users' workloads are. Pods get one second to stop unless the spec says
 * otherwise: the tests delete a lot of them.
 */
export async function createDeployment(kc: k8s.KubeConfig, namespace: string, name: string, pod: k8s.V1PodSpec, opts: DeploymentOptions = {}): Promise<void> {
  const labels = opts.labels ?? { app: name };
  await kc.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: opts.replicas ?? 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 1, ...pod } },
      },
    },
  });
}
