import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { startSync } from '../../../src/engine/sync/index.js';
import type { SyncSpec } from '../../../src/engine/sync/types.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, localTree, recorder, remoteTree, runningPod, sh, tempDir } from './support.js';

// Initial sync in both directions, conflict copies, counts, and a second start that moves nothing.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let local: string;
const OLD = 1_600_000_000; // 2020-09-13, clearly older than "now"

function spec(): SyncSpec {
  return { id: 'sync:initial', localPath: local, containerPath: '/app', target: { namespace: ns.name, labelSelector: { app: 'initial' } } };
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-initial');
  await createSleeper(kc, ns.name, 'initial');
  ref = await runningPod(kc, ns.name, 'initial');
  const now = Math.floor(Date.now() / 1000);
  const setup = await sh(kc, ref, [
    'mkdir -p /app/rdir && cd /app',
    'echo "from the container" > remote-only.txt',
    'echo nested > rdir/nested.txt',
    'echo "same bytes" > both-same.txt && touch -d @1500000000 both-same.txt',
    `echo "old container version" > local-newer.txt && touch -d @${OLD} local-newer.txt`,
    `echo "new container version" > remote-newer.txt && touch -d @${now} remote-newer.txt`,
  ].join(' && '));
  expect(setup.code).toBe(0);

  local = tempDir();
  fs.writeFileSync(path.join(local, 'local-only.txt'), 'from the laptop\n');
  fs.mkdirSync(path.join(local, 'ldir/empty'), { recursive: true });
  fs.writeFileSync(path.join(local, 'both-same.txt'), 'same bytes\n');
  fs.writeFileSync(path.join(local, 'local-newer.txt'), 'new local version\n');
  fs.writeFileSync(path.join(local, 'remote-newer.txt'), 'old local version\n');
  fs.utimesSync(path.join(local, 'remote-newer.txt'), OLD, OLD);
});

afterAll(async () => {
  await ns?.dispose();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

describe('initial sync', () => {
  it('copies both ways, keeps the losing side of each conflict as a copy, and reports the counts', async () => {
    const rec = recorder();
    const handle = await startSync(kc, spec(), { events: rec.events });
    try {
      const summary = await handle.initialSync;
      // up: local-only.txt, ldir, ldir/empty, local-newer.txt, the local conflict copy of remote-newer.txt
      // down: remote-only.txt, rdir, rdir/nested.txt, remote-newer.txt, the container conflict copy of local-newer.txt
      expect({ uploaded: summary.uploaded, downloaded: summary.downloaded, conflicts: summary.conflicts }).toEqual({ uploaded: 5, downloaded: 5, conflicts: 2 });
      const done = rec.of('sync:initial-done');
      expect(done).toHaveLength(1);
      expect(done[0]).toMatchObject({ id: 'sync:initial', uploaded: 5, downloaded: 5, conflicts: 2 });
      expect(rec.of('sync:state').map((s) => s.state)).toContain('watching');

      const [remote, here] = [await remoteTree(kc, ref, '/app'), localTree(local)];
      expect(here).toEqual(remote);
      const names = fs.readdirSync(local).sort();
      const containerCopy = names.find((n) => /^local-newer\.conflict-container-\d{8}-\d{6}\.txt$/.test(n));
      const localCopy = names.find((n) => /^remote-newer\.conflict-local-\d{8}-\d{6}\.txt$/.test(n));
      expect(containerCopy).toBeDefined();
      expect(localCopy).toBeDefined();

      const read = (rel: string): string => fs.readFileSync(path.join(local, rel), 'utf8');
      expect(read('local-newer.txt')).toBe('new local version\n');
      expect(read(containerCopy!)).toBe('old container version\n');
      expect(read('remote-newer.txt')).toBe('new container version\n');
      expect(read(localCopy!)).toBe('old local version\n');
      expect(read('remote-only.txt')).toBe('from the container\n');
      expect(read('rdir/nested.txt')).toBe('nested\n');
      expect(read('both-same.txt')).toBe('same bytes\n');
      expect(fs.statSync(path.join(local, 'ldir/empty')).isDirectory()).toBe(true);
      const inContainer = await sh(kc, ref, `cd /app && cat local-newer.txt ${containerCopy} remote-newer.txt ${localCopy} local-only.txt && test -d ldir/empty && echo dir-ok`);
      expect(inContainer.out).toBe('new local version\nold container version\nnew container version\nold local version\nfrom the laptop\ndir-ok\n');
    } finally {
      await handle.stop();
    }
    expect(rec.of('sync:state').at(-1)?.state).toBe('stopped');
  });

  it('moves no file content on a second start when nothing changed', async () => {
    const rec = recorder();
    const handle = await startSync(kc, spec(), { events: rec.events });
    try {
      const summary = await handle.initialSync;
      expect({ uploaded: summary.uploaded, downloaded: summary.downloaded, conflicts: summary.conflicts, bytes: summary.bytes }).toEqual({
        uploaded: 0,
        downloaded: 0,
        conflicts: 0,
        bytes: 0,
      });
      // Only the compressed listing crossed the wire.
      expect(summary.listingBytes).toBeGreaterThan(0);
      expect(summary.listingBytes).toBeLessThan(4096);
      expect(rec.of('sync:batch')).toEqual([]);
      expect(localTree(local)).toEqual(await remoteTree(kc, ref, '/app'));
      expect(fs.readFileSync(path.join(local, 'local-newer.txt'), 'utf8')).toBe('new local version\n');
    } finally {
      await handle.stop();
    }
  });
});
