import { spawn } from 'node:child_process';
import type { DevspaceConfig } from './config/index.js';
import { isAbortError, UserError } from './errors.js';
import type { DevEngineEmitter } from './events.js';

type Hook = NonNullable<DevspaceConfig['hooks']>[number];

/** When a hook may fire: around all images, around all deployments, or around one deployment. */
export interface HookMoment {
  when: 'before' | 'after';
  stage: 'images' | 'deployments';
  /** A deployment's name; omitted for "all". */
  deployment?: string;
}

/** Where hooks run and report. */
export interface HookRunOptions {
  root: string;
  events: DevEngineEmitter;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

// Output lines of one hook passed on as events; the rest is counted, not shown.
const MAX_LINES = 200;

/**
 * Run the `hooks` that match a moment, in config order, in the project
 * root (v3.5: image hooks only for `all`; deployment hooks for `all` or a
 * deployment's name). Output goes to `engine:info` (scope `hook`); a hook
 * that fails or cannot start stops the run with one line saying which.
 */
export async function runHooks(hooks: DevspaceConfig['hooks'], moment: HookMoment, opts: HookRunOptions): Promise<void> {
  const target = moment.deployment ?? 'all';
  for (const [i, hook] of (hooks ?? []).entries()) {
    if (hook.when?.[moment.when]?.[moment.stage] !== target) continue;
    opts.signal?.throwIfAborted();
    await runOne(hook, `hooks[${i}]`, describe(moment), opts);
  }
}

function describe(m: HookMoment): string {
  const what = m.stage === 'images' ? 'building images' : m.deployment ? `deploying ${m.deployment}` : 'deploying';
  return `${m.when} ${what}`;
}

function runOne(hook: Hook, where: string, moment: string, opts: HookRunOptions): Promise<void> {
  const shown = [hook.command, ...(hook.args ?? [])].join(' ');
  opts.events.send('engine:info', { scope: 'hook', message: `${moment}: ${shown}` });
  return new Promise((resolve, reject) => {
    const child = spawn(hook.command, hook.args ?? [], {
      cwd: opts.root,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let lines = 0;
    let lastErr = '';
    const pass = (chunk: Buffer, isErr: boolean): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        if (isErr) lastErr = line.trim();
        if (++lines <= MAX_LINES) opts.events.send('engine:info', { scope: 'hook', message: line });
      }
    };
    child.stdout.on('data', (c: Buffer) => pass(c, false));
    child.stderr.on('data', (c: Buffer) => pass(c, true));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (isAbortError(err)) return reject(err);
      const why = err.code === 'ENOENT' ? `${hook.command} was not found` : err.message;
      reject(new UserError(`${where} (${moment}): cannot run \`${shown}\`: ${why}`, 1));
    });
    child.on('close', (code, signal) => {
      if (lines > MAX_LINES) opts.events.send('engine:info', { scope: 'hook', message: `(${lines - MAX_LINES} more lines not shown)` });
      if (code === 0) return resolve();
      const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
      reject(new UserError(`${where} (${moment}): \`${shown}\` ${how}${lastErr ? `: ${lastErr}` : ''}`, 1));
    });
  });
}
