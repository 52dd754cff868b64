import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { startSync } from '../../../src/engine/sync/index.js';
import { bin, ensureBuilt, hasStack } from '../../unit/cli/helpers.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { recorder, sh, tempDir, waitFor } from '../sync/support.js';
import { CRAFTED, hostileCases, hostileEntries, type HostileCase } from './cases.js';
import { deploy, hostileTarImage, podOf, removeLocalImage } from './images.js';

// A container whose `tar` lies: sync's fetch gets crafted archives (../, absolute paths,
// symlink-then-write, hard links out, devices, FIFOs, 1 TiB headers, endless streams, pax and
// GNU name overrides, NULs, newlines...). Nothing may land outside the local folder, every
// hostile entry is refused by name, good entries still arrive and sync keeps running.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let parent: string;
let canary: string;
let cases: HostileCase[];
let image: string | undefined;
const SENTINEL = 'untouched\n';

/** Every path under `dir` (symlinks not followed). */
function walk(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

function assertNothingOutside(): void {
  expect(fs.readFileSync(path.join(parent, 'sentinel.txt'), 'utf8')).toBe(SENTINEL);
  expect(fs.readdirSync(canary)).toEqual([]);
  const roots = cases.map((c) => c.name);
  expect(fs.readdirSync(parent).filter((n) => !roots.includes(n)).sort()).toEqual(['canary', 'sentinel.txt']);
  for (const name of fs.readdirSync(parent)) if (roots.includes(name)) expect(fs.readdirSync(path.join(parent, name)).sort()).toEqual(['root']);
}

beforeAll(async () => {
  ensureBuilt();
  parent = tempDir('hostile-tar-');
  canary = path.join(parent, 'canary');
  fs.mkdirSync(canary);
  fs.writeFileSync(path.join(parent, 'sentinel.txt'), SENTINEL);
  cases = hostileCases(canary);
  image = await hostileTarImage(Object.fromEntries(cases.map((c) => [c.name, c.answer])));
  ns = await tempNamespace(kc, 'hostile-tar');
  await deploy(kc, ns.name, 'liar', [{ name: 'main', image, command: ['sleep', '100000'], workingDir: '/app' }]);
  ref = await podOf(kc, ns.name, 'liar', 'main');
});

afterAll(async () => {
  await ns?.dispose();
  if (parent) fs.rmSync(parent, { recursive: true, force: true });
  // The crafted answers name this run's canary folder, so the image is new every run.
  if (image) await removeLocalImage(image);
});

describe('a container whose tar lies', () => {
  it('is really lying: the crafted answer replaces the first archive made in a case folder', async () => {
    const { out } = await sh(kc, ref, 'mkdir -p /app/probe && ls /hostile && head -c 4 /bin/tar');
    expect(out).toContain('mixed.tar');
    expect(out).toMatch(/#!\/b$/);
  });

  it.each(['mixed', 'huge', 'huge256', 'truncated', 'garbage', 'zeros', 'flood'])('%s: refuses every hostile entry, keeps the good ones and stays alive', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const root = path.join(parent, name, 'root');
    fs.mkdirSync(root, { recursive: true });
    for (const [rel, content] of Object.entries(c.local ?? {})) fs.writeFileSync(path.join(root, rel), content);
    const setup = await sh(kc, ref, `mkdir -p /app/${name} && cd /app/${name} && ${c.setup}`);
    expect(setup.code, setup.out).toBe(0);
    const freeBefore = fs.statfsSync(parent);
    const rec = recorder();
    const handle = await startSync(kc, { id: `sync:${name}`, localPath: root, containerPath: `/app/${name}`, target: { namespace: ns.name, labelSelector: { app: 'liar' } } }, { events: rec.events });
    try {
      await handle.initialSync;
      const refusedReason = (entry: string): string | undefined => rec.of('sync:refused').find((r) => r.path === entry)?.reason;
      for (const e of c.expect) {
        const local = path.join(root, ...e.entry.split('/'));
        if ('refused' in e) {
          await waitFor(async () => refusedReason(e.entry), 30_000, `the refusal of ${JSON.stringify(e.entry)}; got ${JSON.stringify(rec.of('sync:refused'))}`);
          expect(refusedReason(e.entry), e.entry).toMatch(e.refused);
        } else if ('link' in e) {
          await waitFor(async () => fs.lstatSync(local, { throwIfNoEntry: false })?.isSymbolicLink(), 30_000, `the symlink ${e.entry}`);
          expect(fs.readlinkSync(local)).toBe(e.link);
        } else {
          await waitFor(async () => fs.existsSync(local) && fs.readFileSync(local, 'utf8') === e.file, 30_000, `${e.entry} with ${JSON.stringify(e.file)} locally`);
          expect(fs.lstatSync(local).isFile()).toBe(true);
          if (e.mode !== undefined) expect(fs.statSync(local).mode & 0o7777).toBe(e.mode);
        }
      }
      for (const w of c.warns ?? []) {
        await waitFor(async () => rec.of('engine:warning').some((m) => w.test(m.message)), 30_000, `a warning matching ${w}; got ${JSON.stringify(rec.of('engine:warning'))}`);
      }
      // Still syncing in both directions after the lies.
      await sh(kc, ref, `echo alive > /app/${name}/alive.txt`);
      await waitFor(async () => fs.existsSync(path.join(root, 'alive.txt')), 30_000, 'alive.txt from the container');
      fs.writeFileSync(path.join(root, 'up.txt'), 'up\n');
      await waitFor(async () => (await sh(kc, ref, `cat /app/${name}/up.txt`)).out === 'up\n', 30_000, 'up.txt in the container');

      assertNothingOutside();
      const names = walk(root);
      expect(names.filter((n) => n.includes('.devspace-sync-'))).toEqual([]);
      const wanted = new Set([...c.expect.filter((e) => !('refused' in e)).map((e) => e.entry), ...Object.keys(c.local ?? {}), 'alive.txt', 'up.txt']);
      // Anything else came later from the real tar (the lie is told once): it must be the container's real file.
      for (const n of names.filter((x) => !fs.lstatSync(path.join(root, x)).isDirectory() && !wanted.has(x))) {
        expect(fs.lstatSync(path.join(root, n)).isFile(), n).toBe(true);
        expect(fs.readFileSync(path.join(root, n), 'utf8'), n).toBe((await sh(kc, ref, `cat '/app/${name}/${n}'`)).out);
      }
      // The huge cases write nothing big: the local tree stays tiny and the disk is not consumed.
      const bytes = names.reduce((sum, n) => sum + fs.lstatSync(path.join(root, n)).size, 0);
      expect(bytes).toBeLessThan(1024 * 1024);
      const freeAfter = fs.statfsSync(parent);
      expect((freeBefore.bavail - freeAfter.bavail) * freeAfter.bsize).toBeLessThan(1024 ** 3);
      expect(rec.of('sync:state').filter((s) => s.state === 'error' || s.state === 'reconnecting')).toEqual([]);
      // The lying tar's endless stream ends with the fetch that was given up; nothing keeps sending.
      await waitFor(async () => !(await sh(kc, ref, 'ps')).out.includes('/dev/zero'), 60_000, 'no zero stream left running in the container');
      console.log(`${name}: ${hostileEntries(c).length} hostile entries; refused ${rec.of('sync:refused').length}; warnings: ${rec.of('engine:warning').map((w) => w.message).join(' | ')}`);
    } catch (err) {
      console.log(`events of ${name}:`, JSON.stringify(rec.all.filter((e) => e.type !== 'sync:batch')).slice(0, 8000));
      throw err;
    } finally {
      await handle.stop();
    }
  });

  it('devspace sync (built CLI) prints one warning line per refused entry and keeps syncing until Ctrl-C', async () => {
    const c = cases.find((x) => x.name === 'cli')!;
    const root = path.join(parent, 'cli', 'root');
    fs.mkdirSync(root, { recursive: true });
    expect((await sh(kc, ref, `mkdir -p /app/cli && cd /app/cli && ${c.setup}`)).code).toBe(0);
    const child = spawn(process.execPath, [bin, 'sync', '--pod', ref.pod, '-c', 'main', '-n', ns.name, '--container-path', '/app/cli', '--local-path', root], {
      env: { ...process.env, NO_COLOR: '1', KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => /initial sync done/.test(stdout), 60_000, `the initial sync line (stdout: ${stdout}, stderr: ${stderr})`);
      expect(fs.readFileSync(path.join(root, 'good.txt'), 'utf8')).toBe(CRAFTED);
      for (const e of c.expect) {
        if (!('refused' in e)) continue;
        const first = e.entry.split('\n')[0]!;
        expect(stdout, e.entry).toMatch(new RegExp(`refused ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      }
      expect(stdout).toMatch(/refused big\.bin: announces 1\.0 TiB, more than the .* free on the local disk/);
      await sh(kc, ref, 'echo alive > /app/cli/alive.txt');
      await waitFor(async () => fs.existsSync(path.join(root, 'alive.txt')), 30_000, 'alive.txt through the CLI');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    expect(stderr).toBe('');
    expect(hasStack(stdout)).toBe(false);
    expect(stdout).not.toMatch(/reconnecting/);
    assertNothingOutside();
    console.log(`devspace sync output:\n${stdout}`);
  });
});
