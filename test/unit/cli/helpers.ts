import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, two levels above this folder's parent. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bin = path.join(repo, 'bin', 'devspace.js');
const entry = path.join(repo, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * These tests run the built CLI, as users do. `npm test` builds first; when
 * run alone and dist is missing or older than src, build it once here.
 */
export function ensureBuilt(): void {
  const src = path.join(repo, 'src');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(src)) return;
  // Test files run in parallel workers: one builds, the others wait for it.
  const lock = path.join(tmpdir(), `devspace-test-build-${createHash('sha1').update(repo).digest('hex').slice(0, 8)}`);
  // A lock left by a killed run must not stall every later one.
  if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + 120_000;
    while (existsSync(lock) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (!existsSync(entry)) throw new Error(`dist/cli/main.js is missing; run \`npm run build\` in ${repo} first`);
    return;
  }
  try {
    build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(entry)) throw new Error(`dist/cli/main.js is missing; run \`npm run build\` in ${repo} first`);
}

function build(): void {
  try {
    execFileSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repo,
      stdio: 'pipe',
    });
  } catch {
    // tsc still emits when other modules have type errors; the caller checks for the entry.
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node bin/devspace.js ...args` and collect its output (never rejects). */
export function devspace(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: opts.cwd ?? repo,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...opts.env },
        timeout: opts.timeoutMs ?? 15_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** True when output contains a stack frame, which a user mistake must never show. */
export function hasStack(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text);
}
