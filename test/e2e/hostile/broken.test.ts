import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { createDevPipeline } from '../../../src/engine/pipeline/pipeline.js';
import { startSync } from '../../../src/engine/sync/index.js';
import { createSyncStage } from '../../../src/engine/sync/stage.js';
import { createTerminalStage } from '../../../src/engine/terminal/index.js';
import { bin, devspace, ensureBuilt, hasStack } from '../../unit/cli/helpers.js';
import { REGISTRY, tempNamespace, testKubeConfig, waitFor } from '../support/testbed.js';
import { recorder, tempDir } from '../sync/support.js';
import { deploy, noShellImage, noTarImage, podOf } from './images.js';

// Containers sync and the terminal cannot work with: one without `tar`, one with nothing but a
// static binary (no shell at all), and the pause image. Each must get one clear line saying what
// the container lacks, exit code 1 from the CLI, no stack trace, no hang and no retry loop; in
// `dev` the sync error shows while everything else keeps running.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let project: string;
const env = (): NodeJS.ProcessEnv => ({ KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string });

beforeAll(async () => {
  ensureBuilt();
  const [noTar, noShell] = await Promise.all([noTarImage(), noShellImage()]);
  ns = await tempNamespace(kc, 'hostile-broken');
  await deploy(kc, ns.name, 'broken', [
    { name: 'no-tar', image: noTar, command: ['sleep', '100000'] },
    { name: 'no-shell', image: noShell },
    { name: 'pause', image: `${REGISTRY}/pause:3.10` },
  ]);
  await podOf(kc, ns.name, 'broken', 'no-tar');
  project = tempDir('hostile-broken-');
  fs.mkdirSync(path.join(project, 'src'));
  fs.writeFileSync(path.join(project, 'src', 'keep.txt'), 'local work\n');
});

afterAll(async () => {
  await ns?.dispose();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Reconnect attempts: a container that can never run sync must not be retried. */
function attempts(rec: ReturnType<typeof recorder>): number {
  return rec.of('sync:state').filter((s) => s.state === 'reconnecting').length;
}

describe('sync into a container that cannot run it (engine)', () => {
  it.each([
    ['no-tar', /^sync needs `tar` in container no-tar of pod \S+; the image has no tar$/],
    ['no-shell', /^sync needs a shell \(`sh`\) in container no-shell of pod \S+; the image has none$/],
    ['pause', /^sync needs a shell \(`sh`\) in container pause of pod \S+; the image has none$/],
  ])('%s: stops at once with one error naming what the container lacks', async (container, message) => {
    const local = tempDir('hostile-broken-sync-');
    fs.writeFileSync(path.join(local, 'mine.txt'), 'mine\n');
    const rec = recorder();
    const handle = await startSync(kc, { id: 'sync:broken', localPath: local, containerPath: '/app', target: { namespace: ns.name, labelSelector: { app: 'broken' }, container } }, { events: rec.events });
    const result = await handle.done;
    await expect(handle.initialSync).rejects.toThrow(message);
    expect(result.error).toMatch(message);
    const errors = rec.of('sync:state').filter((s) => s.state === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatch(message);
    expect(attempts(rec)).toBe(0);
    expect(fs.readFileSync(path.join(local, 'mine.txt'), 'utf8')).toBe('mine\n');
    expect(fs.readdirSync(local)).toEqual(['mine.txt']);
    fs.rmSync(local, { recursive: true, force: true });
  });
});

describe('devspace sync and devspace enter (built CLI)', () => {
  it.each([
    ['no-tar', /sync needs `tar` in container no-tar of pod \S+; the image has no tar/],
    ['no-shell', /sync needs a shell \(`sh`\) in container no-shell of pod \S+; the image has none/],
  ])('devspace sync -c %s exits 1 with one line', async (container, message) => {
    const local = tempDir('hostile-broken-cli-');
    const r = await devspace(['sync', '-l', 'app=broken', '-c', container, '-n', ns.name, '--container-path', '/app', '--local-path', local], { env: env(), timeoutMs: 90_000 });
    fs.rmSync(local, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(hasStack(r.stdout + r.stderr)).toBe(false);
    const all = `${r.stdout}${r.stderr}`;
    expect(all).toMatch(message);
    // One message: the error is said once, not once per layer.
    expect(all.split('\n').filter((l) => message.test(l))).toHaveLength(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['no-shell', /^error: devspace enter needs a shell in container no-shell of pod \S+; the image has no `sh` \(name a program it has: devspace enter -c no-shell -- <command>\)$/],
    ['pause', /^error: devspace enter needs a shell in container pause of pod \S+; the image has no `sh` \(name a program it has: devspace enter -c pause -- <command>\)$/],
  ])('devspace enter -c %s exits 1 with one line', async (container, message) => {
    const r = await devspace(['enter', '-l', 'app=broken', '-c', container, '-n', ns.name], { env: env(), timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(hasStack(r.stdout + r.stderr)).toBe(false);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('Opening shell to'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(message);
  });

  it('devspace enter with a command the image lacks names it; one that exists runs', async () => {
    const missing = await devspace(['enter', '-l', 'app=broken', '-c', 'no-shell', '-n', ns.name, '--', 'ls', '/'], { env: env(), timeoutMs: 60_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n').at(-1)).toMatch(/^error: cannot run `ls` in \S+:no-shell: executable file not found in \$PATH$/);
    const ok = await devspace(['enter', '-l', 'app=broken', '-c', 'no-shell', '-n', ns.name, '--', '/busybox', 'echo', 'hello'], { env: env(), timeoutMs: 60_000 });
    expect(ok.stdout).toBe('hello\n');
    expect(ok.code).toBe(0);
  });
});

describe('devspace dev with a broken container', () => {
  function engineContext(events: DevEngineEmitter, dev: EngineContext['config']['dev']): Promise<EngineContext> {
    return resolveKubeTarget({ namespace: ns.name, env: env() }).then((kube) => ({ events, root: project, config: { version: 'v1beta2', dev }, kube, options: {} }) as EngineContext);
  }

  it('the sync error shows in its pane while the dev terminal keeps running (engine)', async () => {
    const events = new DevEngineEmitter();
    const seen: EngineEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const stdin = new PassThrough();
    let out = '';
    const io = { stdin, stdout: new Writable({ write: (c, _e, cb) => ((out += c), cb()) }), stderr: new Writable({ write: (c, _e, cb) => ((out += c), cb()) }) };
    const ctx = await engineContext(events, {
      sync: [{ labelSelector: { app: 'broken' }, containerName: 'no-tar', localSubPath: './src', containerPath: '/app' }],
      terminal: { labelSelector: { app: 'broken' }, containerName: 'no-tar', command: ['sh', '-c', 'echo ready; read line; echo got-$line'] },
    });
    const pipeline = createDevPipeline([createSyncStage(), createTerminalStage({ io, command: ['sh', '-c', 'echo ready; read line; echo got-$line'] })], events);
    await pipeline.start(ctx);
    try {
      await waitFor(async () => seen.some((e) => e.type === 'sync:state' && e.payload.state === 'error'), 60_000, 'the sync error');
      const syncStates = seen.filter((e) => e.type === 'sync:state').map((e) => e.payload as { state: string; error?: string });
      expect(syncStates.filter((s) => s.state === 'error')).toHaveLength(1);
      expect(syncStates.at(-1)!.error).toMatch(/^sync needs `tar` in container no-tar of pod \S+; the image has no tar$/);
      expect(syncStates.some((s) => s.state === 'reconnecting')).toBe(false);
      // The terminal, opened after sync, still works.
      await waitFor(async () => out.includes('ready'), 30_000, 'the terminal');
      stdin.write('x\n');
      await waitFor(async () => out.includes('got-x'), 30_000, 'the terminal answering');
      expect(pipeline.state).toBe('running');
      expect(seen.filter((e) => e.type === 'engine:error')).toEqual([]);
      expect(fs.readFileSync(path.join(project, 'src', 'keep.txt'), 'utf8')).toBe('local work\n');
    } finally {
      stdin.end();
      await pipeline.stop();
    }
  });

  it('a dev terminal into a container without a shell fails with one clear error and exit code 1 (engine)', async () => {
    const events = new DevEngineEmitter();
    const seen: EngineEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    const ctx = await engineContext(events, { terminal: { labelSelector: { app: 'broken' }, containerName: 'no-shell' } });
    let exitCode: number | undefined;
    const pipeline = createDevPipeline([createTerminalStage({ io, onExit: (code) => (exitCode = code) })], events);
    // The exec connects (so the stage starts), then the container answers that it has no `sh`.
    await pipeline.start(ctx).catch(() => undefined);
    try {
      await waitFor(async () => exitCode !== undefined || seen.some((e) => e.type === 'engine:error'), 60_000, 'the terminal error');
      const errors = seen.filter((e) => e.type === 'engine:error').map((e) => e.payload as { scope: string; message: string });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.scope).toBe('terminal');
      expect(errors[0]!.message).toMatch(/^devspace dev needs a shell in container no-shell of pod \S+; the image has no `sh` \(set dev\.terminal\.command to a program it has\)$/);
      expect(exitCode).toBe(1);
      // No reopen loop: one attempt only.
      expect(seen.filter((e) => e.type === 'terminal:state' && e.payload.state === 'opening')).toHaveLength(1);
    } finally {
      await pipeline.stop();
    }
  });

  it('devspace dev --no-tui shows the sync error once and keeps running until Ctrl-C', async () => {
    fs.writeFileSync(
      path.join(project, 'devspace.yaml'),
      ['version: v1beta2', 'dev:', '  sync:', '  - labelSelector:', '      app: broken', '    containerName: no-tar', '    localSubPath: ./src', '    containerPath: /app', ''].join('\n'),
    );
    const child = spawn(process.execPath, [bin, 'dev', '--no-tui', '-n', ns.name], { cwd: project, env: { ...process.env, ...env(), NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => /sync needs `tar`/.test(output), 90_000, `the sync error line\n${output}`);
      // Still running a few seconds later: the logs stage carries on and sync does not retry.
      await new Promise((r) => setTimeout(r, 3000));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exit).toBe(130);
    expect(hasStack(output)).toBe(false);
    expect(output.split('\n').filter((l) => /sync needs `tar` in container no-tar of pod \S+; the image has no tar/.test(l))).toHaveLength(1);
    expect(output).not.toMatch(/reconnecting/);
    expect(fs.readFileSync(path.join(project, 'src', 'keep.txt'), 'utf8')).toBe('local work\n');
  });

  it('devspace dev in a terminal: the sync error and the missing shell are one line each, exit code 1', async () => {
    fs.writeFileSync(
      path.join(project, 'devspace.yaml'),
      [
        'version: v1beta2',
        'dev:',
        '  selectors:',
        '  - name: broken',
        '    labelSelector:',
        '      app: broken',
        '  sync:',
        '  - selector: broken',
        '    containerName: no-tar',
        '    localSubPath: ./src',
        '    containerPath: /app',
        '  terminal:',
        '    selector: broken',
        '    containerName: no-shell',
        '',
      ].join('\n'),
    );
    const term = pty.spawn('/bin/sh', ['-c', `"${process.execPath}" "${bin}" dev --no-tui -n ${ns.name}; echo "devspace-exit=$?"`], {
      name: 'xterm',
      cols: 250,
      rows: 40,
      cwd: project,
      env: { ...process.env, ...env(), NO_COLOR: '1' } as Record<string, string>,
    });
    let out = '';
    term.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await waitFor(async () => /devspace-exit=\d+/.test(out), 90_000, `devspace dev to end\n${out}`);
    await exited;
    const lines = out.split(/\r?\n/);
    expect(out).toMatch(/devspace-exit=1/);
    expect(hasStack(out)).toBe(false);
    // The terminal's failure ends dev; whether sync has said its own by then is a race (seen in CI under load),
    // but it never says it twice.
    expect(lines.filter((l) => /sync needs `tar` in container no-tar of pod \S+; the image has no tar/.test(l)).length).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => /devspace dev needs a shell in container no-shell of pod \S+; the image has no `sh`/.test(l))).toHaveLength(1);
    expect(out).not.toMatch(/reconnecting/);
  });
});
