import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { startSync } from '../../../src/engine/sync/index.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, localTree, recorder, runningPod, sh, tempDir, waitFor } from './support.js';

// A container that tries to write outside the local folder, and one whose folder empties or vanishes.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
const dirs: string[] = [];

/** A local sync root inside a parent holding a sentinel, so writes beside the root can be detected. */
function sandbox(): { parent: string; root: string } {
  const parent = tempDir('sync-safety-');
  dirs.push(parent);
  const root = path.join(parent, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(parent, 'sentinel.txt'), 'untouched\n');
  return { parent, root };
}

function assertNothingOutside(parent: string): void {
  expect(fs.readdirSync(parent).sort()).toEqual(['root', 'sentinel.txt']);
  expect(fs.readFileSync(path.join(parent, 'sentinel.txt'), 'utf8')).toBe('untouched\n');
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-safety');
  await createSleeper(kc, ns.name, 'safety');
  ref = await runningPod(kc, ns.name, 'safety');
});

afterAll(async () => {
  await ns?.dispose();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('a hostile container', () => {
  it('cannot write outside the local folder; every refused entry is reported', async () => {
    const { parent, root } = sandbox();
    // Present before sync starts (initial listing).
    await sh(kc, ref, [
      'mkdir -p /app/h/sub && cd /app/h',
      'echo ok > ok.txt',
      'ln -s /etc etc-link',
      'ln -s .. up',
      'ln -s ../../../.. sub/way-up',
      'ln -s ok.txt good-link',
      'printf x > "$(printf "new\\nline")"',
      'mkfifo fifo',
      'echo victim > victim.txt',
    ].join(' && '));
    const rec = recorder();
    const handle = await startSync(kc, { id: 'sync:hostile', localPath: root, containerPath: '/app/h', target: { namespace: ns.name, labelSelector: { app: 'safety' } } }, { events: rec.events });
    try {
      await handle.initialSync;
      // Created while watching: a swap of a synced file for a link to /etc/passwd, and more of the same.
      await sh(kc, ref, 'cd /app/h && rm victim.txt && ln -s /etc/passwd victim.txt && ln -s ../.. sub/up2 && mkfifo sub/fifo2 && printf y > "$(printf "late\\nname")" && echo after > after.txt');
      // Names that try to forge protocol lines, and a folder whose name has a newline.
      await sh(kc, ref, 'cd /app/h && printf z > "$(printf "forge\\n!GONE")" && printf z > "$(printf "x\\n!OK 1 0")" && mkdir "$(printf "nl\\ndir")" && echo c > "$(printf "nl\\ndir")/child"');
      await waitFor(async () => fs.existsSync(path.join(root, 'after.txt')), 20_000, 'after.txt locally');
      await waitFor(async () => rec.of('sync:refused').some((r) => r.path === 'victim.txt'), 20_000, 'the victim.txt refusal');

      assertNothingOutside(parent);
      const names = fs.readdirSync(root, { recursive: true }).map(String).sort();
      expect(names.filter((n) => n !== 'still.txt')).toEqual(['after.txt', 'good-link', 'ok.txt', 'sub', 'victim.txt']);
      expect(fs.readlinkSync(path.join(root, 'good-link'))).toBe('ok.txt');
      expect(fs.lstatSync(path.join(root, 'victim.txt')).isFile()).toBe(true);
      expect(fs.readFileSync(path.join(root, 'victim.txt'), 'utf8')).toBe('victim\n');
      expect(fs.readFileSync(path.join(root, 'after.txt'), 'utf8')).toBe('after\n');
      for (const n of names) {
        const full = path.join(root, n);
        if (fs.lstatSync(full).isFile()) expect(fs.readFileSync(full, 'utf8')).not.toMatch(/root:x:0:0/);
      }

      const reasons = new Map(rec.of('sync:refused').map((r) => [r.path, r.reason]));
      expect(reasons.get('etc-link')).toMatch(/outside/);
      expect(reasons.get('up')).toMatch(/outside/);
      expect(reasons.get('sub/way-up')).toMatch(/outside/);
      expect(reasons.get('new\nline')).toMatch(/newline/);
      expect(reasons.get('fifo')).toMatch(/FIFO/);
      expect(reasons.get('victim.txt')).toMatch(/outside/);
      // Reported by the watcher rather than the initial listing.
      await waitFor(async () => rec.of('sync:refused').some((r) => r.path === 'sub/fifo2'), 20_000, 'the late FIFO refusal');
      await waitFor(async () => rec.of('sync:refused').some((r) => r.path === 'late\nname' && /newline/.test(r.reason)), 20_000, 'the late newline refusal');
      expect(rec.of('sync:refused').find((r) => r.path === 'sub/up2')?.reason).toMatch(/outside/);
      await waitFor(async () => ['forge\n!GONE', 'x\n!OK 1 0', 'nl\ndir'].every((p) => rec.of('sync:refused').some((r) => r.path === p)), 20_000, 'the forged-name refusals');
      await sh(kc, ref, 'echo still > /app/h/still.txt');
      await waitFor(async () => fs.existsSync(path.join(root, 'still.txt')), 20_000, 'sync still running after forged names');
      expect(fs.readFileSync(path.join(root, 'still.txt'), 'utf8')).toBe('still\n');
      assertNothingOutside(parent);
      expect(rec.of('sync:state').filter((s) => s.state === 'error' || s.state === 'reconnecting')).toEqual([]);
    } finally {
      await handle.stop();
    }
  });
});

describe('a container folder that empties or disappears', () => {
  it('stops sync with an error and keeps every local file when the folder is emptied', async () => {
    const { root } = sandbox();
    await sh(kc, ref, 'mkdir -p /app/e/src && cd /app/e && echo a > a.txt && echo b > src/b.txt');
    fs.writeFileSync(path.join(root, 'mine.txt'), 'local work\n');
    const rec = recorder();
    const handle = await startSync(kc, { id: 'sync:empty', localPath: root, containerPath: '/app/e', target: { namespace: ns.name, labelSelector: { app: 'safety' } } }, { events: rec.events });
    await handle.initialSync;
    const before = localTree(root);
    expect(before).toHaveLength(4);
    await sh(kc, ref, 'rm -rf /app/e/* /app/e/.[!.]*');
    const result = await handle.done;
    expect(result.error).toMatch(/suddenly lost everything/);
    const last = rec.of('sync:state').at(-1)!;
    expect(last.state).toBe('error');
    expect(last.error).toMatch(/local files were kept/);
    expect(localTree(root)).toEqual(before);
    expect(fs.readFileSync(path.join(root, 'mine.txt'), 'utf8')).toBe('local work\n');
    expect(fs.readFileSync(path.join(root, 'src/b.txt'), 'utf8')).toBe('b\n');
    expect((await sh(kc, ref, 'ls -A /app/e')).out).toBe('');
  });

  it('stops sync with an error and keeps every local file when the folder is removed', async () => {
    const { root } = sandbox();
    await sh(kc, ref, 'mkdir -p /app/g && echo g > /app/g/g.txt');
    const rec = recorder();
    const handle = await startSync(kc, { id: 'sync:gone', localPath: root, containerPath: '/app/g', target: { namespace: ns.name, labelSelector: { app: 'safety' } } }, { events: rec.events });
    await handle.initialSync;
    await sh(kc, ref, 'rm -rf /app/g');
    const result = await handle.done;
    expect(result.error).toMatch(/deleted or replaced/);
    expect(rec.of('sync:state').at(-1)).toMatchObject({ state: 'error' });
    expect(fs.readFileSync(path.join(root, 'g.txt'), 'utf8')).toBe('g\n');
    expect((await sh(kc, ref, 'test -e /app/g || echo gone')).out).toBe('gone\n');
  });
});
