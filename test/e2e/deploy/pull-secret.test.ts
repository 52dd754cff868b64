import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { deployAll } from '../../../src/engine/deploy/index.js';
import { tempProject } from '../../fixtures/deploy/project.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { recorder, testTarget } from './helpers.js';

// createPullSecret: the Secret from the local Docker credentials lands in the
// deployment namespace and in the default service account, once.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

beforeAll(async () => {
  ns = await tempNamespace(kc, 'e2e-pullsecret');
  const auth = Buffer.from('robot:pa55word').toString('base64');
  project = await tempProject({
    'docker/config.json': JSON.stringify({ auths: { 'registry.example.com': { auth } } }),
    'kube/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  });
});
afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
});

describe('pull secrets', () => {
  it('creates devspace-auth-<registry> and adds it to the default service account without duplicates', async () => {
    const config: DevspaceConfig = {
      version: 'v1beta2',
      images: { api: { image: 'registry.example.com/team/api', createPullSecret: true } },
      deployments: [{ name: 'cfg', kubectl: { manifests: ['kube/'] } }],
    };
    const kube = await testTarget(ns.name);
    const env = { ...process.env, DOCKER_CONFIG: `${project.root}/docker` };
    const rec = recorder();
    await deployAll({ root: project.root, config, kube, events: rec.events, env });
    await deployAll({ root: project.root, config, kube, events: recorder().events, env, force: true });

    const secret = await core.readNamespacedSecret({ name: 'devspace-auth-registry-example-com', namespace: ns.name });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const dockerConfig = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString());
    expect(dockerConfig.auths['registry.example.com'].username).toBe('robot');
    const sa = await core.readNamespacedServiceAccount({ name: 'default', namespace: ns.name });
    expect(sa.imagePullSecrets).toEqual([{ name: 'devspace-auth-registry-example-com' }]);
    expect(JSON.stringify(rec.seen)).not.toContain('pa55word');
  });
});
