import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pty from 'node-pty';
import { bin } from '../../../unit/cli/helpers.js';
import { describeLeaks, type Leak, type SecretBook } from './secret-book.js';

/**
 * Runs of the built CLI as a user makes them, with every debug switch on
 * (`--debug`, DEVSPACE_DEBUG=1) and plain output (CI=true), and a ledger of
 * what was scanned so the report can count it.
 */

/** One finished CLI run. */
export interface RunResult {
  label: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the run (SIGKILL) after this long; a hang is a failure of its own. */
  timeoutMs?: number;
  /**
   * For long-running commands (`dev`): polled with the output so far;
   * once it resolves true the run gets Ctrl-C (SIGINT) and is waited for.
   */
  until?: (output: () => string) => Promise<boolean>;
  /** Longest wait for `until`. */
  untilMs?: number;
}

/** Everything scanned in this process, for the counts in the report. */
export const ledger = { runs: 0, events: 0, files: 0, objects: 0, bytes: 0 };

/** The environment every scanned run gets: debug on everywhere, plain output, no colour. */
export function debugEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: 'true', DEVSPACE_DEBUG: '1', ...extra };
}

/** Run `devspace --debug <args>` and collect stdout and stderr. */
export function runCli(label: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const argv = ['--debug', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    let stopped = false;
    if (opts.until) {
      const until = opts.until;
      const end = Date.now() + (opts.untilMs ?? 180_000);
      void (async () => {
        while (!stopped && Date.now() < end) {
          if (await until(() => stdout + stderr).catch(() => false)) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        if (!stopped) child.kill('SIGINT');
      })();
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      stopped = true;
      clearTimeout(killer);
      ledger.runs++;
      ledger.bytes += stdout.length + stderr.length;
      // For a person reviewing the messages: DEVSPACE_SECRETS_DUMP=<file> appends every run's output.
      const dump = process.env.DEVSPACE_SECRETS_DUMP;
      if (dump) appendFileSync(dump, `\n===== ${label}: devspace ${argv.join(' ')} -> ${code ?? signal}\n--- stdout\n${stdout}--- stderr\n${stderr}`);
      resolve({ label, args: argv, code, signal, stdout, stderr });
    });
  });
}

/** Scan a run's output; the label says which run. */
export function scanRun(book: SecretBook, run: RunResult): Leak[] {
  return [
    ...book.scan(run.stdout, `${run.label} (stdout)`),
    ...book.scan(run.stderr, `${run.label} (stderr)`),
    // Terminal streams: also without escape sequences, which can split a value drawn in pieces.
    ...book.scan(stripAnsi(run.stdout), `${run.label} (stdout, escapes removed)`),
  ];
}

/** Scan every file under `dir` (the project's `.devspace`), recursively. */
export async function scanFiles(book: SecretBook, dir: string): Promise<Leak[]> {
  const leaks: Leak[] = [];
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return leaks;
  }
  for (const rel of entries) {
    const file = path.join(dir, rel);
    if (!(await stat(file)).isFile()) continue;
    ledger.files++;
    leaks.push(...book.scan(await readFile(file, 'utf8'), file));
  }
  return leaks;
}

/** A failure message for a run: the leaks, then the output for context (secrets masked by the scanner's context only). */
export function leakReport(leaks: readonly Leak[]): string {
  return leaks.length ? `secrets leaked:\n${describeLeaks(leaks)}` : '';
}

/** The output of a run for assertion messages, cut to its end. */
export function tail(run: RunResult, chars = 3000): string {
  const all = `${run.label}: exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  return all.length > chars ? `…${all.slice(-chars)}` : all;
}

/**
 * Run `devspace --debug <args>` on a pseudo-terminal (the dashboard, as a
 * person sees it, without CI), optionally typing `input` once `until`
 * holds, else Ctrl-C. stdout carries the whole terminal stream.
 */
export function runPty(label: string, args: string[], opts: RunOptions & { input?: string }): Promise<RunResult> {
  const argv = ['--debug', ...args];
  const { CI: _ci, ...env } = opts.env;
  return new Promise((resolve) => {
    const term = pty.spawn(process.execPath, [bin, ...argv], { name: 'xterm-256color', cols: 160, rows: 48, cwd: opts.cwd, env: env as Record<string, string> });
    let out = '';
    let done = false;
    term.onData((d) => (out += d));
    const killer = setTimeout(() => term.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    if (opts.until) {
      const until = opts.until;
      const end = Date.now() + (opts.untilMs ?? 180_000);
      void (async () => {
        while (!done && Date.now() < end) {
          if (await until(() => out).catch(() => false)) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        if (done) return;
        if (opts.input !== undefined) term.write(opts.input);
        else term.kill('SIGINT');
      })();
    }
    term.onExit(({ exitCode }) => {
      done = true;
      clearTimeout(killer);
      ledger.runs++;
      ledger.bytes += out.length;
      const dump = process.env.DEVSPACE_SECRETS_DUMP;
      if (dump) appendFileSync(dump, `\n===== ${label} (pty): devspace ${argv.join(' ')} -> ${exitCode}\n${stripAnsi(out)}\n`);
      resolve({ label, args: argv, code: exitCode, signal: null, stdout: out, stderr: '' });
    });
  });
}

/** Terminal output without escape sequences, so text drawn in pieces reads as written. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '');
}
