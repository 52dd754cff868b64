import type { KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { apiErrorMessage, apiStatus } from '../kube/api-error.js';
import type { Cluster, KubeObject, ObjectRef } from './types.js';

export { apiErrorMessage, apiStatus };

/** The field manager devspace applies as, so `kubectl get --show-managed-fields` names us. */
export const FIELD_MANAGER = 'devspace';

/**
 * The cluster through client-node's KubernetesObjectApi (discovery, auth and
 * transport). Apply sends the object as JSON verbatim: the library's own
 * `patch()` first runs it through its typed serializer, which silently drops
 * every field it does not know (typos, and fields newer than the client), so
 * a manifest would be applied differently from what the user wrote. With
 * `fieldValidation=Strict` the API server rejects unknown fields instead,
 * as `kubectl apply` does.
 */
export async function createCluster(kc: KubeConfig): Promise<Cluster> {
  const k8s = await import('@kubernetes/client-node');

  class ObjectApi extends k8s.KubernetesObjectApi {
    static create(config: KubeConfig): ObjectApi {
      const api = config.makeApiClient(ObjectApi);
      api.setDefaultNamespace(config);
      return api;
    }

    async applyRaw(object: KubeObject): Promise<KubeObject> {
      const path = await this.specUriPath(object as KubernetesObject, 'patch');
      const req = this.configuration.baseServer.makeRequestContext(path, k8s.HttpMethod.PATCH);
      req.setHeaderParam('Accept', 'application/json');
      req.setHeaderParam('Content-Type', k8s.PatchStrategy.ServerSideApply);
      req.setQueryParam('fieldManager', FIELD_MANAGER);
      req.setQueryParam('force', 'true');
      req.setQueryParam('fieldValidation', 'Strict');
      req.setBody(JSON.stringify(object));
      return (await this.requestPromise(req)) as unknown as KubeObject;
    }

    async namespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
      try {
        return (await this.resource(apiVersion, kind))?.namespaced;
      } catch (err) {
        // An unknown group/version answers 404 on discovery: the kind does not exist.
        if (apiStatus(err) === 404) return undefined;
        throw err;
      }
    }
  }

  const api = ObjectApi.create(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const header = (ref: ObjectRef) => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  });
  return {
    apply: (object) => api.applyRaw(object),
    async read(ref) {
      try {
        return (await api.read(header(ref))) as unknown as KubeObject;
      } catch (err) {
        if (apiStatus(err) === 404) return undefined;
        throw err;
      }
    },
    async delete(ref) {
      try {
        await api.delete(header(ref), undefined, undefined, undefined, undefined, 'Foreground');
        return true;
      } catch (err) {
        if (apiStatus(err) === 404) return false;
        throw err;
      }
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const res = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      return res.items as unknown as KubeObject[];
    },
    async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
      return (await core.listNamespacedPod({ namespace, labelSelector })).items;
    },
    isNamespaced: (apiVersion, kind) => api.namespaced(apiVersion, kind),
  };
}
