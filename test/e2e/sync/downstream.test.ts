import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { startSync } from '../../../src/engine/sync/index.js';
import type { SyncHandle } from '../../../src/engine/sync/types.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, localTree, recorder, remoteTree, runningPod, settle, sh, tempDir, waitFor } from './support.js';

// Container → local, and excludes in both directions.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let local: string;
let handle: SyncHandle;
const rec = recorder();
const p = (rel: string): string => path.join(local, rel);
const read = (rel: string): string | undefined => (fs.existsSync(p(rel)) ? fs.readFileSync(p(rel), 'utf8') : undefined);
// Generous bounds: speed is measured by the benchmark, not asserted here.
const WAIT = 20_000;
// What the excludes below keep apart; everything else must be identical on both sides.
const skip = (rel: string): boolean => /^(secrets|node_modules|dist)(\/|$)/.test(rel) || (rel.endsWith('.log') && rel !== 'keep.log');
async function bothSidesEqual(): Promise<void> {
  const [here, remote] = await settle(async () => [localTree(local, skip), (await remoteTree(kc, ref, '/app')).filter((l) => !skip(l.split(' ')[1]!))]);
  expect(here).toEqual(remote);
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-down');
  await createSleeper(kc, ns.name, 'down');
  ref = await runningPod(kc, ns.name, 'down');
  await sh(kc, ref, 'mkdir -p /app/node_modules/pkg /app/dist && echo dep > /app/node_modules/pkg/index.js && echo built > /app/dist/app.js');
  local = tempDir();
  fs.mkdirSync(p('secrets'));
  fs.writeFileSync(p('secrets/key.pem'), 'never leaves the laptop\n');
  fs.writeFileSync(p('notes.log'), 'local log\n');
  handle = await startSync(
    kc,
    {
      id: 'sync:down',
      localPath: local,
      containerPath: '/app',
      target: { namespace: ns.name, labelSelector: { app: 'down' } },
      excludePaths: ['node_modules/', '*.log', '!keep.log'],
      uploadExcludePaths: ['secrets/'],
      downloadExcludePaths: ['dist/'],
    },
    { events: rec.events },
  );
  await handle.initialSync;
});

afterAll(async () => {
  await handle?.stop();
  await ns?.dispose();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

describe('downstream sync', () => {
  it('brings files created in the container, in new folders too', async () => {
    await sh(kc, ref, 'mkdir -p /app/gen/deep && echo one > /app/created.txt && echo two > /app/gen/deep/x.txt');
    await waitFor(async () => read('gen/deep/x.txt') === 'two\n' && read('created.txt') === 'one\n', WAIT, 'container files locally');
    expect(read('created.txt')).toBe('one\n');
    expect(read('gen/deep/x.txt')).toBe('two\n');
    await bothSidesEqual();
    // No echo: what came down is not sent back up.
    const up = rec.of('sync:batch').filter((b) => b.direction === 'up').flatMap((b) => b.changed);
    expect(up).not.toContain('created.txt');
    expect(up).not.toContain('gen/deep/x.txt');
  });

  it('brings changes, including a same-size edit within the same second', async () => {
    await sh(kc, ref, 'echo 1111 > /app/same-size.txt');
    await waitFor(async () => read('same-size.txt') === '1111\n', WAIT, 'first version');
    await sh(kc, ref, 'echo 2222 > /app/same-size.txt; echo changed > /app/created.txt');
    await waitFor(async () => read('same-size.txt') === '2222\n' && read('created.txt') === 'changed\n', WAIT, 'changed versions');
    expect(read('same-size.txt')).toBe('2222\n');
    await bothSidesEqual();
  });

  it('brings files moved into the tree with an old mtime, and renames', async () => {
    await sh(kc, ref, 'echo moved > /tmp/m.txt && touch -d @1500000000 /tmp/m.txt && mv /tmp/m.txt /app/moved-in.txt && mv /app/gen /app/generated');
    await waitFor(async () => read('moved-in.txt') === 'moved\n' && read('generated/deep/x.txt') === 'two\n' && !fs.existsSync(p('gen')), WAIT, 'moved files');
    expect(fs.statSync(p('moved-in.txt')).mtimeMs).toBe(1_500_000_000_000);
    await bothSidesEqual();
  });

  it('brings a big file written in the container intact', async () => {
    await sh(kc, ref, 'dd if=/dev/urandom of=/tmp/big.bin bs=1048576 count=20 2>/dev/null && mv /tmp/big.bin /app/big.bin');
    const want = (await sh(kc, ref, 'sha256sum /app/big.bin')).out.split(' ')[0];
    await waitFor(async () => fs.existsSync(p('big.bin')) && createHash('sha256').update(fs.readFileSync(p('big.bin'))).digest('hex') === want, WAIT, 'big.bin locally');
    expect(fs.statSync(p('big.bin')).size).toBe(20 * 1024 * 1024);
    await bothSidesEqual();
  });

  it('deletes locally what the container deleted', async () => {
    await sh(kc, ref, 'rm /app/created.txt && rm -r /app/generated');
    await waitFor(async () => !fs.existsSync(p('created.txt')) && !fs.existsSync(p('generated')), WAIT, 'local deletes');
    expect(read('moved-in.txt')).toBe('moved\n');
    const down = rec.of('sync:batch').filter((b) => b.direction === 'down');
    expect(down.some((b) => b.deleted.includes('created.txt'))).toBe(true);
    await bothSidesEqual();
  });

  it('honours excludes both ways (gitignore rules with !, folder rules, one-way lists)', async () => {
    // excludePaths: never in either direction; `!keep.log` re-includes.
    await sh(kc, ref, 'echo remote log > /app/remote.log && echo kept > /app/keep.log && echo dep2 > /app/node_modules/pkg/more.js');
    // downloadExcludePaths: dist/ stays in the container.
    await sh(kc, ref, 'echo rebuilt > /app/dist/app.js');
    fs.writeFileSync(p('secrets/other.pem'), 'also private\n');
    fs.mkdirSync(p('dist'));
    fs.writeFileSync(p('dist/local.js'), 'uploaded one way\n');
    await waitFor(async () => read('keep.log') === 'kept\n', WAIT, 'keep.log locally');
    await waitFor(async () => (await sh(kc, ref, 'cat /app/dist/local.js')).out === 'uploaded one way\n', WAIT, 'dist/local.js in the container');

    expect(read('remote.log')).toBeUndefined();
    expect(read('notes.log')).toBe('local log\n');
    expect(fs.existsSync(p('node_modules'))).toBe(false);
    expect(fs.existsSync(p('dist/app.js'))).toBe(false);
    const there = await sh(kc, ref, 'ls /app/secrets 2>&1; cat /app/notes.log 2>&1; cat /app/dist/app.js');
    expect(there.out).toMatch(/No such file/);
    expect(there.out).not.toMatch(/never leaves|local log/);
    expect(there.out).toMatch(/rebuilt\n$/);

    // Everything that is not excluded is identical on both sides.
    await bothSidesEqual();
  });
});
