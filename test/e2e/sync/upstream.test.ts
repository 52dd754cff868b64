import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { startSync } from '../../../src/engine/sync/index.js';
import type { SyncHandle } from '../../../src/engine/sync/types.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, localTree, recorder, remoteTree, runningPod, settle, sh, tempDir } from './support.js';

// Local → container: every kind of change, editor saves, and a 2,000-file burst, always ending identical.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let local: string;
let handle: SyncHandle;
const rec = recorder();
const p = (rel: string): string => path.join(local, rel);
const same = () => settle(async () => [localTree(local), await remoteTree(kc, ref, '/app')]);

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-up');
  await createSleeper(kc, ns.name, 'up');
  ref = await runningPod(kc, ns.name, 'up');
  local = tempDir();
  fs.writeFileSync(p('seed.txt'), 'seed\n');
  handle = await startSync(kc, { id: 'sync:up', localPath: local, containerPath: '/app', target: { namespace: ns.name, labelSelector: { app: 'up' } } }, { events: rec.events });
  await handle.initialSync;
});

afterAll(async () => {
  await handle?.stop();
  await ns?.dispose();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

describe('upstream sync', () => {
  it('creates, edits and deletes files and folders, including empty folders', async () => {
    fs.mkdirSync(p('src/lib'), { recursive: true });
    fs.writeFileSync(p('src/lib/a.ts'), 'export const a = 1;\n');
    fs.mkdirSync(p('empty/inner'), { recursive: true });
    fs.writeFileSync(p('seed.txt'), 'seed edited\n');
    let [here, there] = await same();
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/src/lib/a.ts /app/seed.txt; test -d /app/empty/inner && echo empty-ok')).out).toBe('export const a = 1;\nseed edited\nempty-ok\n');

    fs.rmSync(p('seed.txt'));
    fs.rmSync(p('empty'), { recursive: true });
    [here, there] = await same();
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'ls /app')).out).toBe('src\n');
  });

  it('renames files and folders', async () => {
    fs.writeFileSync(p('old-name.txt'), 'renamed content\n');
    fs.mkdirSync(p('olddir/deep'), { recursive: true });
    fs.writeFileSync(p('olddir/deep/f.txt'), 'deep file\n');
    await same();
    fs.renameSync(p('old-name.txt'), p('new-name.txt'));
    fs.renameSync(p('olddir'), p('newdir'));
    const [here, there] = await same();
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/new-name.txt /app/newdir/deep/f.txt; ls /app | sort')).out).toBe('renamed content\ndeep file\nnew-name.txt\nnewdir\nsrc\n');
  });

  it('carries the exec bit and symlinks inside the tree', async () => {
    fs.writeFileSync(p('run.sh'), '#!/bin/sh\necho ran\n');
    fs.chmodSync(p('run.sh'), 0o755);
    fs.symlinkSync('src/lib/a.ts', p('link-to-a'));
    fs.symlinkSync('src', p('link-to-dir'));
    const [here, there] = await same();
    expect(here).toEqual(there);
    expect((await sh(kc, ref, '/app/run.sh; readlink /app/link-to-a; cat /app/link-to-a; stat -c %a /app/run.sh')).out).toBe('ran\nsrc/lib/a.ts\nexport const a = 1;\n755\n');

    fs.chmodSync(p('run.sh'), 0o644);
    await settle(async () => [['644\n'], [(await sh(kc, ref, 'stat -c %a /app/run.sh')).out]]);
    expect((await sh(kc, ref, 'stat -c %a /app/run.sh')).out).toBe('644\n');
    fs.rmSync(p('link-to-dir'));
    fs.symlinkSync('new-name.txt', p('link-to-dir'));
    const [h2, t2] = await same();
    expect(h2).toEqual(t2);
    expect((await sh(kc, ref, 'readlink /app/link-to-dir; cat /app/link-to-dir')).out).toBe('new-name.txt\nrenamed content\n');
  });

  it('ends with the new content after an editor-style save (write a temp file, rename over)', async () => {
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(p('.edit.swp'), `version ${i}\n`);
      fs.renameSync(p('.edit.swp'), p('edited.txt'));
    }
    const [here, there] = await same();
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/edited.txt; ls -a /app | grep -c swp')).out).toBe('version 4\n0\n');
  });

  it('ends identical after a 2,000-file burst of creates, rewrites and deletes', async () => {
    // Like a git checkout: new folders appear with files already inside, others are rewritten or removed.
    for (let d = 0; d < 20; d++) {
      fs.mkdirSync(p(`burst/d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) fs.writeFileSync(p(`burst/d${d}/f${f}.txt`), `d${d} f${f} first\n`);
    }
    for (let d = 0; d < 20; d += 2) for (let f = 0; f < 100; f += 3) fs.writeFileSync(p(`burst/d${d}/f${f}.txt`), `d${d} f${f} second ${'x'.repeat(f)}\n`);
    for (let d = 1; d < 20; d += 4) fs.rmSync(p(`burst/d${d}`), { recursive: true });
    for (let f = 0; f < 50; f++) fs.rmSync(p(`burst/d0/f${f * 2 + 1}.txt`));
    const [here, there] = await same();
    expect(here.filter((l) => l.startsWith('f burst/')).length).toBe(1500 - 50);
    expect(here).toEqual(there);
    expect((await sh(kc, ref, 'cat /app/burst/d2/f3.txt; ls /app/burst/d0 | wc -l; ls /app/burst | wc -l')).out).toBe(`d2 f3 second xxx\n50\n15\n`);
  });

  it('streams a file bigger than the in-memory limit and it arrives intact', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    fs.writeFileSync(p('big.bin'), big);
    const [here, there] = await same();
    expect(here).toEqual(there);
    const want = createHash('sha256').update(big).digest('hex');
    expect((await sh(kc, ref, 'sha256sum /app/big.bin')).out.split(' ')[0]).toBe(want);
  });

  it('reported each batch with direction, files, bytes and time', () => {
    const up = rec.of('sync:batch').filter((b) => b.direction === 'up');
    expect(up.length).toBeGreaterThan(5);
    for (const b of up) {
      expect(b.id).toBe('sync:up');
      expect(b.changed.length + b.deleted.length).toBeGreaterThan(0);
      expect(b.ms).toBeGreaterThanOrEqual(0);
    }
    expect(up.some((b) => b.deleted.includes('seed.txt'))).toBe(true);
    expect(up.some((b) => b.changed.includes('src/lib/a.ts') && b.bytes > 0)).toBe(true);
    // No echo: nothing we uploaded came back down.
    expect(rec.of('sync:batch').filter((b) => b.direction === 'down')).toEqual([]);
    expect(rec.of('sync:state').filter((s) => s.state === 'error' || s.state === 'reconnecting')).toEqual([]);
  });
});
