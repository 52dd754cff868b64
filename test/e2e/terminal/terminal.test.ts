import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { createTerminalStage, openTerminal } from '../../../src/engine/terminal/index.js';
import { bin, ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig, waitFor, waitForReadyPods } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

// `devspace enter` through the built CLI (plain pipes and a real
// pseudo-terminal) and the dev terminal stage, against a sleeping pod.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let project: string;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG, NO_COLOR: '1' });

function enter(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, 'enter', ...args], { cwd: project, env: env() }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'term');
  await createDeployment(kc, ns.name, 'shell', { containers: [{ name: 'app', image: BASE_IMAGE, command: ['sleep', '100000'] }] });
  project = mkdtempSync(path.join(tmpdir(), 'devspace-enter-'));
  writeFileSync(
    path.join(project, 'devspace.yaml'),
    ['version: v1beta2', 'cluster:', `  namespace: ${ns.name}`, 'dev:', '  selectors:', '  - name: shell', '    labelSelector:', '      app: shell', '  terminal:', '    selector: shell', ''].join('\n'),
  );
  await waitForReadyPods(kc, ns.name, 'app=shell', 1);
});

afterAll(async () => {
  await ns?.dispose();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('devspace enter (built CLI)', () => {
  it('runs a command and exits with its exit code', async () => {
    const r = await enter(['--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toMatch(/^Opening shell to pod:container shell-[a-z0-9-]+:app\n/);
    expect(r.stderr).toContain('oops\n');
  });

  it('passes piped stdin through, including its end', async () => {
    const r = await enter(['--', 'sh', '-c', 'wc -l; echo done'], 'a\nb\nc\n');
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ').trim()).toBe('3 done');
  });

  it('names a missing command in one line', async () => {
    const r = await enter(['--', 'no-such-command']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cannot run `no-such-command` in shell-[a-z0-9-]+:app: executable file not found/);
  });

  it('opens a TTY sized like the local terminal, follows resizes, and leaves the terminal cooked', async () => {
    // sh runs devspace, then prints the local tty mode: raw mode must be off again.
    const term = pty.spawn('/bin/sh', ['-c', `"${process.execPath}" "${bin}" enter; echo "devspace-exit=$?"; stty -a`], {
      name: 'xterm',
      cols: 100,
      rows: 30,
      cwd: project,
      env: env() as Record<string, string>,
    });
    let out = '';
    term.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    try {
      await waitFor(async () => out.includes('Opening shell to pod:container'), 60_000, 'the shell to open');
      // The runtime applies the size shortly after the shell starts; ask until it reports it.
      const ask = async (size: RegExp): Promise<boolean> => {
        term.write('stty size\r');
        await new Promise((r) => setTimeout(r, 300));
        return size.test(out);
      };
      await waitFor(() => ask(/\n30 100\r*\n/), 30_000, 'stty size 30 100');
      term.resize(120, 40);
      await waitFor(() => ask(/\n40 120\r*\n/), 30_000, 'stty size 40 120');
      term.write('exit 5\r');
      await exited;
      expect(out).toMatch(/devspace-exit=5/);
      // The local terminal is back in cooked mode with echo on.
      const mode = out.slice(out.indexOf('devspace-exit=5'));
      expect(mode).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(mode).toMatch(/(^|\s)echo(\s|$)/m);
    } finally {
      term.kill();
    }
  });
});

describe('the dev terminal stage', () => {
  it('runs dev.terminal.command, reports its states and hands the exit code on', async () => {
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG } });
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    let out = '';
    const stdin = new PassThrough();
    stdin.end();
    const io = { stdin, stdout: new Writable({ write(c, _e, cb) { out += c; cb(); } }), stderr: new PassThrough() };
    let exitCode: number | undefined;
    const ctx: EngineContext = {
      events,
      root: project,
      kube,
      options: {},
      config: {
        version: 'v1beta2',
        dev: { selectors: [{ name: 'shell', labelSelector: { app: 'shell' } }], terminal: { selector: 'shell', command: ['sh', '-c', 'echo from-stage; exit 4'] } },
      },
    };
    const ctl = new AbortController();
    const result = await createTerminalStage({ io, onExit: (c) => (exitCode = c) }).run(ctx, ctl.signal);
    try {
      await waitFor(async () => exitCode !== undefined, 30_000, 'the terminal to exit');
      expect(exitCode).toBe(4);
      expect(out).toBe('from-stage\n');
      const states = got.filter((e) => e.type === 'terminal:state').map((e) => e.payload as { state: string; exitCode?: number });
      expect(states.map((s) => s.state)).toEqual(['opening', 'open', 'closed']);
      expect(states.at(-1)?.exitCode).toBe(4);
    } finally {
      ctl.abort();
      await result?.stop?.();
    }
  });
});

describe('the dev terminal stage across a pod replacement', () => {
  it('opens a new shell in the replacement pod instead of ending dev', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG } });
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    let err = '';
    const stdin = new PassThrough();
    const io = { stdin, stdout: new PassThrough(), stderr: new Writable({ write(c, _e, cb) { err += c; cb(); } }) };
    let exitCode: number | undefined;
    const ctx: EngineContext = {
      events,
      root: project,
      kube,
      options: {},
      config: { version: 'v1beta2', dev: { selectors: [{ name: 'shell', labelSelector: { app: 'shell' } }], terminal: { selector: 'shell', command: ['sleep', '600'] } } },
    };
    const ctl = new AbortController();
    const result = await createTerminalStage({ io, onExit: (c) => (exitCode = c) }).run(ctx, ctl.signal);
    const opened = () => got.filter((e) => e.type === 'terminal:state' && (e.payload as { state: string }).state === 'open').map((e) => (e.payload as { target: { pod: string } }).target.pod);
    try {
      const [first] = opened();
      // Only a session that lived a few seconds earns an automatic reopen (no crash loops).
      await new Promise((r) => setTimeout(r, 5500));
      await core.deleteNamespacedPod({ name: first!, namespace: ns.name, gracePeriodSeconds: 0 });
      const second = await waitFor(async () => opened()[1], 120_000, 'a shell in the new pod');
      expect(second).not.toBe(first);
      expect(exitCode).toBeUndefined();
      expect(err).toContain(`[devspace] opening a new shell in ${second}:app`);
    } finally {
      ctl.abort();
      await result?.stop?.();
    }
  });
});

/** A stdin that claims to be a terminal and records raw-mode switches. */
function fakeTty(): PassThrough & { isTTY: boolean; isRaw: boolean; setRawMode(raw: boolean): void; modes: boolean[] } {
  const s = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, modes: [] as boolean[] });
  return Object.assign(s, {
    setRawMode(raw: boolean) {
      s.modes.push(raw);
      s.isRaw = raw;
    },
  });
}

/** A stdout with a size, like a terminal's. */
function sizedOut(): Writable & { columns: number; rows: number; text: () => string } {
  let text = '';
  const w = new Writable({ write(c, _e, cb) { text += c; cb(); } });
  return Object.assign(w, { columns: 90, rows: 25, text: () => text });
}

describe('openTerminal (library)', () => {
  const target = async () => {
    const [pod] = await waitForReadyPods(kc, ns.name, 'app=shell', 1);
    return { namespace: ns.name, pod: pod!.metadata!.name!, container: 'app' };
  };

  it('switches raw mode on for a TTY and off again after the command exits', async () => {
    const stdin = fakeTty();
    const stdout = sizedOut();
    // The runtime applies the first size frame shortly after the process starts (kubectl races the same way).
    const poll = 'for i in $(seq 50); do s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] && break; sleep 0.2; done; echo "$s"; exit 7';
    const code = await openTerminal(kc, await target(), ['sh', '-c', poll], { stdin, stdout, stderr: new PassThrough() }, new AbortController().signal);
    expect(code).toBe(7);
    expect(stdout.text()).toMatch(/^25 90\r?\n/);
    expect(stdin.modes).toEqual([true, false]);
  });

  it('restores raw mode when the session is aborted', async () => {
    const stdin = fakeTty();
    const ctl = new AbortController();
    const run = openTerminal(kc, await target(), ['sleep', '60'], { stdin, stdout: sizedOut(), stderr: new PassThrough() }, ctl.signal, {
      onOpen: () => setTimeout(() => ctl.abort(new DOMException('stop', 'AbortError')), 300),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(stdin.modes).toEqual([true, false]);
  });
});
