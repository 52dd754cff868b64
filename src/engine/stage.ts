import type { DevEngineEmitter } from './events.js';

/**
 * One step of the `devspace dev` pipeline (build, push, deploy, ports, sync,
 * terminal or logs) behind a small interface so the pipeline can be driven
 * with fakes in tests and real adapters in the CLI.
 */
export interface Stage<Ctx> {
  /** Stable name used in events and errors, e.g. `build`. */
  readonly name: string;
  /**
   * Do the work. Long-running stages (ports, sync, logs) return once they are
   * running and keep going in the background until `signal` aborts; they must
   * release every socket, stream and watcher when it does.
   */
  run(ctx: Ctx, signal: AbortSignal): Promise<StageResult | void>;
}

/** What a stage hands back: a teardown for what it left running. */
export interface StageResult {
  /** Close everything the stage opened; must be idempotent and must not throw. */
  stop?: () => Promise<void>;
}

export interface StageContext {
  events: DevEngineEmitter;
}
