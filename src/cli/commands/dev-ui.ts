import { createInterface } from 'node:readline/promises';
import type { DevEngineEmitter } from '../../engine/events.js';
import type { CliIO } from '../program.js';

/** Whatever shows progress for one `devspace dev` run. */
export interface Presenter {
  /** Leave the screen in a normal state; resolves once it has (bounded). */
  close(): Promise<void>;
  /** A crash of the dashboard itself, reported after teardown. */
  readonly failure: unknown;
}

/** Plain line output for CI, pipes and `--no-tui`. */
export async function startPlain(events: DevEngineEmitter, io: CliIO): Promise<Presenter> {
  const { attachPlainReporter } = await import('../../plain/line-reporter.js');
  const color = io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const detach = attachPlainReporter(events, io.stdout, { color });
  return { close: async () => detach(), failure: undefined };
}

/**
 * The Ink dashboard, imported only now so other commands never load React.
 * Quitting it (or it crashing) calls `onQuit`, which stops the engine.
 */
export async function startDashboard(
  events: DevEngineEmitter,
  header: { project: string; context: string; namespace: string },
  onQuit: () => void,
): Promise<Presenter> {
  const { runDashboard } = await import('../../ui/render.js');
  const ui = new AbortController();
  let failure: unknown;
  const done = runDashboard({ events, header, actions: { quit: onQuit }, signal: ui.signal }).then(onQuit, (err: unknown) => {
    failure = err;
    onQuit();
  });
  return {
    async close() {
      ui.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
      clearTimeout(timer);
    },
    get failure() {
      return failure;
    },
  };
}

/** Until the dashboard takes over, warnings (e.g. a stale lock taken over) go to stderr. */
export function printWarningsUntilUi(events: DevEngineEmitter, stderr: NodeJS.WriteStream): () => void {
  const onWarning = (w: { scope: string; message: string; hint?: string }): void => {
    stderr.write(`warning: ${w.message}${w.hint ? ` (${w.hint})` : ''}\n`);
  };
  events.on('engine:warning', onWarning);
  return () => events.off('engine:warning', onWarning);
}

/**
 * Ask for a `${VAR}` value devspace.yaml needs. Ctrl-C at the prompt is
 * re-raised as SIGINT so the normal trap (teardown, lock release, 130) runs.
 */
export function promptFor(io: CliIO, signal: AbortSignal): (name: string) => Promise<string> {
  return async (name) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    try {
      return await rl.question(`value for \${${name}}: `, { signal });
    } finally {
      rl.close();
    }
  };
}
