import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../src/engine/events.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, runningPod, sh, tempDir, waitFor } from './support.js';

// `devspace sync` through the built CLI, as a user runs it, until Ctrl-C.

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(REPO_ROOT, 'bin/devspace.js');
const kc = testKubeConfig();
const env = { ...process.env, NO_COLOR: '1', KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string };
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let local: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const build = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile('npm', ['run', 'build'], { cwd: REPO_ROOT }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr })),
  );
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.out}`);
  ns = await tempNamespace(kc, 'sync-cli');
  await createSleeper(kc, ns.name, 'cli');
  ref = await runningPod(kc, ns.name, 'cli');
  local = tempDir();
});

afterAll(async () => {
  await ns?.dispose();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

describe('devspace sync (built CLI)', () => {
  it('syncs both ways until SIGINT, then exits 130 after closing everything', async () => {
    fs.writeFileSync(path.join(local, 'hello.txt'), 'hello from the CLI\n');
    const child = spawn(
      process.execPath,
      [CLI, 'sync', '--pod', ref.pod, '-c', 'main', '-n', ns.name, '--container-path', '/app/cli', '--local-path', local, '-e', '*.tmp'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => /initial sync done/.test(stdout), 60_000, `the initial sync line (stdout: ${stdout}, stderr: ${stderr})`);
      expect((await sh(kc, ref, 'cat /app/cli/hello.txt')).out).toBe('hello from the CLI\n');

      await sh(kc, ref, 'echo "from the container" > /app/cli/back.txt');
      fs.writeFileSync(path.join(local, 'skip.tmp'), 'excluded\n');
      fs.writeFileSync(path.join(local, 'later.txt'), 'later\n');
      await waitFor(async () => fs.existsSync(path.join(local, 'back.txt')), 20_000, 'back.txt locally');
      await waitFor(async () => (await sh(kc, ref, 'cat /app/cli/later.txt')).out === 'later\n', 20_000, 'later.txt in the container');
      expect(fs.readFileSync(path.join(local, 'back.txt'), 'utf8')).toBe('from the container\n');
      expect((await sh(kc, ref, 'ls /app/cli | sort')).out).toBe('back.txt\nhello.txt\nlater.txt\n');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/watching/);
    expect(stdout).toMatch(/stopped/);
    // The in-container watcher notices the closed session and exits on its own.
    await waitFor(async () => !(await sh(kc, ref, 'ps')).out.includes('devspace-sync'), 20_000, 'no sync processes left in the container');
  });

  it('explains a missing pod in one line with exit code 1', async () => {
    const r = await run(['sync', '--pod', 'no-such-pod', '-n', ns.name, '--container-path', '/app', '--local-path', local]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/pod no-such-pod not found in namespace/);
  });

  it('rejects --pod together with -l as a usage error', async () => {
    const r = await run(['sync', '--pod', 'x', '-l', 'app=y', '--local-path', local]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/either --pod or -l/);
  });
});
