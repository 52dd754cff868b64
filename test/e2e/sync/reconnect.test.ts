import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../../src/engine/sync/index.js';
import type { SyncHandle } from '../../../src/engine/sync/types.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, localTree, recorder, remoteTree, runningPod, settle, sh, tempDir, waitFor } from './support.js';
import { createDeployment } from '../support/workloads.js';

// The pod goes away (deleted, or replaced by a rollout): sync follows the replacement and loses nothing.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
let ns: { name: string; dispose(): Promise<void> };
let local: string;
let handle: SyncHandle;
const rec = recorder();
const p = (rel: string): string => path.join(local, rel);

/** Resolves with the pod of the next `watching` state after `count` of them were seen. */
async function nextWatching(count: number): Promise<string> {
  return waitFor(async () => {
    const watching = rec.of('sync:state').filter((s) => s.state === 'watching');
    return watching.length > count ? watching[count]!.pod : undefined;
  }, 150_000, `watching state #${count + 1}`);
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-reconnect');
  await createSleeper(kc, ns.name, 'rc');
  await runningPod(kc, ns.name, 'rc');
  local = tempDir();
  fs.mkdirSync(p('src'));
  fs.writeFileSync(p('a.txt'), 'first\n');
  fs.writeFileSync(p('src/b.txt'), 'b\n');
  handle = await startSync(kc, { id: 'sync:rc', localPath: local, containerPath: '/app', target: { namespace: ns.name, labelSelector: { app: 'rc' } } }, { events: rec.events });
  await handle.initialSync;
});

afterAll(async () => {
  await handle?.stop();
  await ns?.dispose();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

describe('reconnecting', () => {
  it('re-attaches to the replacement of a deleted pod, and a local edit made in the gap arrives', async () => {
    const first = (await nextWatching(0))!;
    const reconnectingBefore = rec.of('sync:state').filter((s) => s.state === 'reconnecting').length;
    // The default grace period: `sleep` ignores SIGTERM, so the old pod lingers for 30 s while terminating.
    await core.deleteNamespacedPod({ name: first, namespace: ns.name });
    await waitFor(async () => rec.of('sync:state').filter((s) => s.state === 'reconnecting').length > reconnectingBefore, 30_000, 'reconnecting');
    fs.writeFileSync(p('a.txt'), 'edited while disconnected\n');
    fs.writeFileSync(p('gap.txt'), 'created while disconnected\n');
    fs.rmSync(p('src/b.txt'));

    const second = await nextWatching(1);
    expect(second).not.toBe(first);
    const ref = { namespace: ns.name, pod: second!, container: 'main' };
    const [here, there] = await settle(async () => [localTree(local), await remoteTree(kc, ref, '/app')]);
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/a.txt /app/gap.txt; ls /app/src')).out).toBe('edited while disconnected\ncreated while disconnected\n');
    expect(fs.readFileSync(p('a.txt'), 'utf8')).toBe('edited while disconnected\n');
    // The reconnect reconciled with the initial-sync rules and said so.
    expect(rec.of('sync:initial-done').length).toBeGreaterThanOrEqual(2);

    // And sync carries on normally with the new pod.
    fs.writeFileSync(p('after.txt'), 'after reconnect\n');
    await waitFor(async () => (await sh(kc, ref, 'cat /app/after.txt')).out === 'after reconnect\n', 20_000, 'after.txt in the new pod');
  });

  it('re-attaches after the container crashes and restarts in the same pod', async () => {
    // A container that exits when told to; the kubelet restarts it with a fresh filesystem.
    await createDeployment(kc, ns.name, 'crash', {
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'main', image: BASE_IMAGE, command: ['sh', '-c', 'while [ ! -f /tmp/die ]; do sleep 0.2; done'], workingDir: '/app' }],
    });
    const ref = await runningPod(kc, ns.name, 'crash');
    const dir = tempDir();
    const crec = recorder();
    fs.writeFileSync(path.join(dir, 'kept.txt'), 'before the crash\n');
    const h = await startSync(kc, { id: 'sync:crash', localPath: dir, containerPath: '/app', target: { namespace: ns.name, labelSelector: { app: 'crash' } } }, { events: crec.events });
    try {
      await h.initialSync;
      await sh(kc, ref, 'touch /tmp/die');
      await waitFor(async () => crec.of('sync:state').some((s) => s.state === 'reconnecting'), 30_000, 'reconnecting after the crash');
      fs.writeFileSync(path.join(dir, 'during.txt'), 'written while the container restarted\n');
      await waitFor(async () => crec.of('sync:initial-done').length >= 2, 120_000, 'the reconciliation with the restarted container');
      const after = await runningPod(kc, ns.name, 'crash');
      expect(after.pod).toBe(ref.pod);
      const [here, there] = await settle(async () => [localTree(dir), await remoteTree(kc, after, '/app')]);
      expect(here).toEqual(there);
      expect((await sh(kc, after, 'cat /app/kept.txt /app/during.txt')).out).toBe('before the crash\nwritten while the container restarted\n');
      expect(crec.of('sync:state').some((s) => s.state === 'error')).toBe(false);
    } finally {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a rollout to the new pod', async () => {
    const before = rec.of('sync:state').filter((s) => s.state === 'watching').length;
    const old = rec.of('sync:state').filter((s) => s.state === 'watching').at(-1)!.pod;
    await apps.patchNamespacedDeployment(
      { name: 'rc', namespace: ns.name, body: [{ op: 'add', path: '/spec/template/metadata/annotations', value: { restartedAt: new Date().toISOString() } }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    const next = await nextWatching(before);
    expect(next).not.toBe(old);
    const ref = { namespace: ns.name, pod: next!, container: 'main' };
    fs.writeFileSync(p('rollout.txt'), 'after rollout\n');
    const [here, there] = await settle(async () => [localTree(local), await remoteTree(kc, ref, '/app')]);
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/rollout.txt /app/a.txt')).out).toBe('after rollout\nedited while disconnected\n');
    expect(rec.of('sync:state').some((s) => s.state === 'error')).toBe(false);
  });
});
