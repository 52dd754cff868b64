import { render } from 'ink';
import type { DevEngineEmitter } from '../engine/events.js';
import type { DashboardActions, DashboardHeader } from './actions.js';
import { App } from './App.js';
import { createDashboardStore } from './store/dashboard-store.js';
import { startHeapNudge } from './heap-nudge.js';
import { createTerminalHost } from './terminal-host.js';
import { colorAllowed, createTheme } from './theme.js';

export type { DashboardActions, DashboardHeader } from './actions.js';

export interface RunDashboardOptions {
  events: DevEngineEmitter;
  header: DashboardHeader;
  actions: DashboardActions;
  /** Aborting closes the dashboard without calling `actions.quit` (the caller is already stopping). */
  signal?: AbortSignal;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Where NO_COLOR is read from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** At most 30 frames a second; engine events are batched at 50 ms anyway. */
const MAX_FPS = 30;

/**
 * Run the full-screen dashboard until the user quits (q, ctrl-c, SIGINT or
 * SIGTERM, which call `actions.quit`) or `signal` aborts. The terminal is
 * restored on every way out: cursor shown, raw mode off, alternate screen left.
 */
export async function runDashboard(opts: RunDashboardOptions): Promise<void> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  if (opts.signal?.aborted) return;
  const store = createDashboardStore({ events: opts.events });
  const host = createTerminalHost(stdin, stdout, { frameMs: Math.ceil(1000 / MAX_FPS) });
  const theme = createTheme({ color: colorAllowed(opts.env ?? process.env) });

  let finish!: (how: 'quit' | 'abort') => void;
  const done = new Promise<void>((resolve) => {
    let finished = false;
    finish = (how) => {
      if (finished) return;
      finished = true;
      if (how === 'quit') opts.actions.quit();
      resolve();
    };
  });
  const actions: DashboardActions = { ...opts.actions, quit: () => finish('quit') };
  const onSignal = () => finish('quit');
  const onAbort = () => finish('abort');
  // Runs before Node prints the crash, so the trace lands on the normal screen.
  const onCrash = () => host.restore();
  const onExit = () => host.restore();

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtExceptionMonitor', onCrash);
  process.on('exit', onExit);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  host.enter();
  const stopHeapNudge = startHeapNudge();
  const ink = render(<App store={store} header={opts.header} actions={actions} theme={theme} host={host} />, {
    stdout: host.output,
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
    // Ink's simple renderer: its frames are easy to read back, and host.output
    // (screen-output.ts) turns them into rewrites of the changed rows only. Ink's
    // own incremental mode moves the cursor one row short whenever a frame ends
    // in a newline, so every redraw landed one row lower.
    incrementalRendering: false,
  });
  try {
    await Promise.race([done, ink.waitUntilExit()]);
  } finally {
    stopHeapNudge();
    ink.unmount();
    await ink.waitUntilExit().catch(() => undefined);
    store.dispose();
    host.restore();
    host.dispose();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtExceptionMonitor', onCrash);
    process.off('exit', onExit);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
