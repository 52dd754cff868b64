import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { DevEngineEmitter } from '../../engine/events.js';
import type { DashboardActions } from '../../ui/actions.js';
import type { CliIO } from '../program.js';

/** Whatever shows progress for one `devspace dev` run. */
export interface Presenter {
  /** Leave the screen in a normal state; resolves once it has (bounded). */
  close(): Promise<void>;
  /** A crash of the dashboard itself, reported after teardown. */
  readonly failure: unknown;
}

/**
 * Plain line output for CI, pipes and `--no-tui`. While the dev terminal has
 * the screen, lines are held back (capped) and printed when it closes, so
 * they neither garble the shell nor get lost.
 */
export async function startPlain(events: DevEngineEmitter, io: CliIO): Promise<Presenter> {
  const { attachPlainReporter } = await import('../../plain/line-reporter.js');
  const color = io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const held = new HeldOutput(io.stdout);
  // A typed listener, not `subscribe`: the first subscriber takes the emitter's backlog, and
  // that must be the reporter, or lines sent before now (a stale lock taken over) are lost.
  const onTerminal = (t: { state: string }): void => held.hold(t.state === 'open');
  events.on('terminal:state', onTerminal);
  const detach = attachPlainReporter(events, held, { color });
  return {
    close: async () => {
      detach();
      events.off('terminal:state', onTerminal);
      held.hold(false);
    },
    failure: undefined,
  };
}

const HELD_LIMIT = 2000;

/** A writable that passes through, or queues while a shell owns the terminal. */
class HeldOutput extends Writable {
  private queue: string[] = [];
  private dropped = 0;
  private holding = false;

  constructor(private readonly out: NodeJS.WritableStream) {
    super({ decodeStrings: false });
  }

  hold(on: boolean): void {
    if (on === this.holding) return;
    this.holding = on;
    if (on) return;
    if (this.dropped) this.out.write(`(${this.dropped} earlier lines not shown)\n`);
    for (const chunk of this.queue) this.out.write(chunk);
    this.queue = [];
    this.dropped = 0;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = chunk.toString();
    if (!this.holding) this.out.write(text);
    else {
      if (this.queue.length >= HELD_LIMIT) {
        this.queue.shift();
        this.dropped++;
      }
      this.queue.push(text);
    }
    done();
  }
}

/**
 * The Ink dashboard, imported only now so other commands never load React.
 * Quitting it (or it crashing) calls `onQuit`, which stops the engine.
 */
export async function startDashboard(
  events: DevEngineEmitter,
  header: { project: string; context: string; namespace: string },
  actions: DashboardActions,
): Promise<Presenter> {
  const { runDashboard } = await loadProductionReact(() => import('../../ui/render.js'));
  const ui = new AbortController();
  let failure: unknown;
  const onQuit = (): void => actions.quit();
  const done = runDashboard({ events, header, actions, signal: ui.signal }).then(onQuit, (err: unknown) => {
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

/**
 * React picks its build from NODE_ENV when first loaded. Its development
 * build (what an unset or `development` NODE_ENV gives) costs several times
 * the CPU and keeps a performance entry per render, so load the production
 * one, then put NODE_ENV back: the user's builds and hooks must see their own.
 * Nothing else runs while this loads (the engine starts after the dashboard).
 */
async function loadProductionReact<T>(load: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await load();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
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
