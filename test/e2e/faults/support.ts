import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { bin, repo } from '../../unit/cli/helpers.js';
import { freePort, uid, waitFor } from '../support/testbed.js';

export { freePort };

/**
 * Shared pieces of the fault tests: a throwaway copy of examples/quickstart,
 * the built CLI run as `devspace dev` in plain mode (CI=true) with its output
 * collected, Ctrl-C with the time to exit measured, and looks into the pod
 * and the local tree to prove nothing was left behind or lost.
 */

export const SELECTOR = 'app.kubernetes.io/component=quickstart';

/** A copy of examples/quickstart with its own forwarded port. */
export interface Project {
  dir: string;
  port: number;
  /** Rewrite devspace.yaml through `edit` (applied to the current text). */
  config(edit: (text: string) => string): Promise<void>;
  dispose(): Promise<void>;
}

/** Copy the example and forward a free local port to its 8080. */
export async function quickstartProject(prefix: string): Promise<Project> {
  const dir = await mkdtemp(path.join(tmpdir(), `devspace-${prefix}-`));
  await cp(path.join(repo, 'examples', 'quickstart'), dir, { recursive: true, filter: (src) => !src.includes('.devspace') });
  const port = await freePort();
  const file = path.join(dir, 'devspace.yaml');
  const forward = '    forward:\n    - port: 8080\n';
  const text = await readFile(file, 'utf8');
  if (!text.includes(forward)) throw new Error('examples/quickstart/devspace.yaml changed: no `forward: - port: 8080` to rewrite');
  await writeFile(file, text.replace(forward, `    forward:\n    - port: ${port}\n      remotePort: 8080\n`));
  return {
    dir,
    port,
    async config(edit) {
      const before = await readFile(file, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error('the devspace.yaml edit changed nothing (the example changed?)');
      await writeFile(file, after);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Replace the dev entrypoint override of the example. */
export function withEntrypoint(entrypoint: string[]): (text: string) => string {
  return (text) => text.replace(/entrypoint: \[.*\]/, `entrypoint: ${JSON.stringify(entrypoint)}`);
}

/** One running `devspace dev --no-tui`, as CI runs it. */
export interface DevRun {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stdout(): string;
  exit: Promise<number | null>;
  /** Resolve once the output matches `re` (or fail with the output so far). */
  waitFor(re: RegExp, what: string, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function startDev(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): DevRun {
  const child = spawn(process.execPath, [bin, 'dev', '--no-tui', ...args], {
    cwd: dir,
    env: { ...process.env, KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG, CI: 'true', NO_COLOR: '1', ...env },
  });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (c) => ((out += c), (stdout += c)));
  child.stderr.on('data', (c) => (out += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    exit,
    async waitFor(re, what, timeoutMs = 120_000) {
      // Not the shared waitFor: an exit must fail at once, and the message needs the output as it is then.
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        const why = exited ? `devspace dev exited (${child.exitCode ?? child.signalCode})` : Date.now() > end ? `timed out after ${timeoutMs} ms` : undefined;
        if (why) throw new Error(`${why} waiting for ${what}\n--- output ---\n${out.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** SIGINT, as Ctrl-C sends it; resolves with the exit code and the milliseconds from signal to exit. */
export async function interrupt(dev: DevRun, stage: string): Promise<{ code: number | null; ms: number }> {
  const started = process.hrtime.bigint();
  dev.child.kill('SIGINT');
  // A dev that ignores Ctrl-C would hang the suite: give up (and say so) after a minute.
  const guard = setTimeout(() => dev.child.kill('SIGKILL'), 60_000);
  const code = await dev.exit;
  clearTimeout(guard);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`SIGINT → exit during ${stage}: ${ms.toFixed(0)} ms (exit code ${code})`);
  return { code, ms };
}

/** True once nothing accepts connections on 127.0.0.1:`port`. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(true));
  });
}

/** GET through the forwarded port; undefined while nothing answers. */
export async function get(port: number, urlPath: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** The newest Ready, not terminating pod of the example (optionally other than `not`). */
export async function readyPod(kc: k8s.KubeConfig, namespace: string, not?: string): Promise<k8s.V1Pod> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return waitFor(
    async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: SELECTOR });
      return list.items
        .filter((p) => !p.metadata?.deletionTimestamp && p.metadata?.name !== not)
        .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .sort((a, b) => new Date(b.metadata!.creationTimestamp!).getTime() - new Date(a.metadata!.creationTimestamp!).getTime())[0];
    },
    120_000,
    `a ready pod ${SELECTOR} in ${namespace}${not ? ` other than ${not}` : ''}`,
  );
}

/** Run a shell snippet in the pod's container-0; resolves with stdout and the exit code. */
export async function sh(kc: k8s.KubeConfig, namespace: string, pod: string, script: string): Promise<{ out: string; code: number }> {
  let out = '';
  const sink = new Writable({
    write(c, _e, cb) {
      out += c;
      cb();
    },
  });
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc).exec(namespace, pod, 'container-0', ['sh', '-c', script], sink, sink, null, false, resolve).catch(reject);
  });
  const code = status.status === 'Success' ? 0 : Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? 1);
  return { out, code };
}

/**
 * Processes devspace left in the container: its sync sessions (`sh -c …
 * devspace-sync`) and any `tar`. Everything else (PID 1, the app, this very
 * `ps`) is the container's own.
 */
export async function leftoverSessions(kc: k8s.KubeConfig, namespace: string, pod: string): Promise<string[]> {
  const marker = `ps-${uid()}`;
  const { out } = await sh(kc, namespace, pod, `: ${marker}; ps -o pid,args`);
  return out
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() && !l.includes(marker) && !/^\s*\d+\s+ps -o/.test(l))
    .filter((l) => /devspace-sync|\btar\b/.test(l))
    .map((l) => l.trim().slice(0, 120));
}

/** sha256 of every file under `dir`, by relative path (`.devspace` skipped: devspace's own state). */
export function treeChecksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === '.devspace') continue;
      const full = path.join(dir, r);
      if (statSync(full).isDirectory()) walk(r);
      else out.set(r, createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** True when `text` holds an ANSI/VT escape sequence (plain mode must print none). */
export function hasEscapes(text: string): boolean {
  return text.includes('\x1b');
}

/** A loopback TCP proxy that holds every connection `delayMs` before piping it to `target`. */
export interface SlowProxy {
  port: number;
  /** Connections accepted so far, and those still open. */
  readonly accepted: number;
  readonly open: number;
  close(): Promise<void>;
}

/**
 * Put a slow network in front of the registry: the Docker Engine's push
 * connects, then waits `delayMs` before a byte reaches the registry, so a
 * Ctrl-C is sure to land while the push is in flight.
 */
export async function slowProxy(target: { host: string; port: number }, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    sockets.add(client);
    clients.add(client);
    client.on('close', () => (sockets.delete(client), clients.delete(client)));
    client.on('error', () => undefined);
    client.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (client.destroyed) return;
      const upstream = net.connect(target.port, target.host);
      sockets.add(upstream);
      upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    get open() {
      return clients.size;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
