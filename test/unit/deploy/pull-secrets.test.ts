import { describe, expect, it } from 'vitest';
import { addToServiceAccount, ensurePullSecrets } from '../../../src/engine/deploy/pull-secrets.js';
import { FakeCluster } from '../../fixtures/deploy/fake-cluster.js';
import { recordingEmitter } from '../../fixtures/deploy/project.js';

const creds = { registry: 'registry.example.com', serveraddress: 'registry.example.com', username: 'me', password: 's3cret-pw', source: 'config' as const };

describe('ensurePullSecrets', () => {
  it('creates the secret per namespace and merges it into the default service account once', async () => {
    const cluster = new FakeCluster();
    await cluster.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'a' }, imagePullSecrets: [{ name: 'theirs' }] });
    await cluster.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'b' } });
    const { events, seen } = recordingEmitter();
    const images = [{ key: 'api', image: 'registry.example.com/team/api' }, { key: 'worker', image: 'registry.example.com/team/worker' }];
    const names = await ensurePullSecrets(cluster, images, ['a', 'b'], { events, credentials: async () => creds });
    expect(names).toEqual(['devspace-auth-registry-example-com']);
    const secret = cluster.get('v1', 'Secret', 'devspace-auth-registry-example-com', 'a')!;
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(cluster.get('v1', 'ServiceAccount', 'default', 'a')!.imagePullSecrets).toEqual([{ name: 'theirs' }, { name: 'devspace-auth-registry-example-com' }]);
    expect(cluster.get('v1', 'ServiceAccount', 'default', 'b')!.imagePullSecrets).toEqual([{ name: 'devspace-auth-registry-example-com' }]);

    // Running again adds nothing twice.
    await ensurePullSecrets(cluster, images, ['a'], { events, credentials: async () => creds });
    expect(cluster.get('v1', 'ServiceAccount', 'default', 'a')!.imagePullSecrets).toHaveLength(2);
    expect(JSON.stringify(seen)).not.toContain('s3cret-pw');
    expect(JSON.stringify(seen)).not.toContain(Buffer.from('me:s3cret-pw').toString('base64'));
  });

  it('warns instead of failing when the registry has no usable credentials', async () => {
    const cluster = new FakeCluster();
    const { events, seen } = recordingEmitter();
    const none = await ensurePullSecrets(cluster, [{ key: 'api', image: '127.0.0.1:5000/api' }], ['a'], { events, credentials: async () => undefined });
    expect(none).toEqual([]);
    expect(seen[0]).toMatchObject({ type: 'engine:warning', payload: { message: expect.stringContaining('no credentials for registry 127.0.0.1:5000') } });
    const tokenOnly = { ...creds, username: undefined, password: undefined, identitytoken: 'tok' };
    await ensurePullSecrets(cluster, [{ key: 'api', image: 'registry.example.com/api' }], ['a'], { events, credentials: async () => tokenOnly });
    expect(seen.at(-1)).toMatchObject({ type: 'engine:warning', payload: { message: expect.stringContaining('cannot create a pull secret') } });
    expect(cluster.log).toEqual([]);
  });
});

describe('addToServiceAccount', () => {
  it('leaves the service account alone when the secret is already listed', async () => {
    const cluster = new FakeCluster();
    await cluster.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'a' }, imagePullSecrets: [{ name: 's' }] });
    cluster.log.length = 0;
    await addToServiceAccount(cluster, 'a', ['s']);
    expect(cluster.log).toEqual([]);
  });
});
