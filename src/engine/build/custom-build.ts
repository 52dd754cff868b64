import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import { LineBatcher, LineSplitter } from './progress.js';
import type { CustomBuildConfig } from './types.js';

/** Output lines kept for `build:failed`. */
const FAILED_OUTPUT_LINES = 200;
/** How long an aborted command gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 5000;

/** The argument list of a custom build: `[imageFlag, ref]` or `[ref]`, then the configured flags. */
export function customBuildArgs(config: CustomBuildConfig, ref: string): string[] {
  const image = config.imageFlag ? [config.imageFlag, ref] : [ref];
  return [...image, ...(config.flags ?? [])];
}

/**
 * Run a `build.custom` command without a shell (so image names and flags
 * are never re-parsed), in the project root, streaming stdout and stderr as
 * `build:log` lines. A command with a `/` is resolved against the project
 * root; a bare name is looked up on PATH.
 */
export async function customBuild(req: {
  events: DevEngineEmitter;
  key: string;
  ref: string;
  config: CustomBuildConfig;
  projectRoot: string;
  signal?: AbortSignal;
}): Promise<void> {
  const { events, key, ref, config, projectRoot, signal } = req;
  const command = config.command.includes('/') ? resolve(projectRoot, config.command) : config.command;
  const args = customBuildArgs(config, ref);
  const batcher = new LineBatcher((lines) => events.send('build:log', { image: key, lines }));
  const tail: string[] = [];
  const onLines = (lines: string[]): void => {
    batcher.add(...lines);
    tail.push(...lines);
    if (tail.length > FAILED_OUTPUT_LINES) tail.splice(0, tail.length - FAILED_OUTPUT_LINES);
  };
  const exit = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((done) => {
    // Own process group, so an abort also stops what the command started (e.g. `docker build`).
    const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = (): void => {
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const out = new LineSplitter();
    const err = new LineSplitter();
    child.stdout.setEncoding('utf8').on('data', (d: string) => onLines(out.push(d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => onLines(err.push(d)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      done({ code: null, error });
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      onLines([...out.flush(), ...err.flush()]);
      done({ code });
    });
  });
  batcher.flush();
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
  if (exit.error || exit.code !== 0) {
    const why = exit.error
      ? exit.error.code === 'ENOENT'
        ? `command ${config.command} not found`
        : `command ${config.command} could not start (${exit.error.code ?? exit.error.message})`
      : `command ${config.command} exited with code ${exit.code ?? 'unknown'}`;
    const last = tail.filter((l) => l.trim() !== '').at(-1);
    events.send('build:failed', { image: key, message: why, output: tail });
    throw new UserError(`build of image "${key}" failed: ${why}${last && !exit.error ? ` (${last.trim()})` : ''}`);
  }
}
