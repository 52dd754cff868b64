import { isAbortError } from '../errors.js';
import type { DevEngineEmitter, Phase } from '../events.js';
import type { Stage, StageResult } from '../stage.js';
import { problemOf, tearDown, type Teardown } from './teardown.js';

/** Tuning for a pipeline; the defaults suit `devspace dev`. */
export interface PipelineOptions {
  /** Longest wait for one stage's `stop()`, in ms (default 2000). */
  teardownTimeoutMs?: number;
  /** Longest wait for the whole teardown, in ms (default: same as per stage). */
  teardownBudgetMs?: number;
  /** Which phase a stage belongs to, for `engine:phase` events. */
  phaseOf?: (stageName: string) => Phase;
}

export type PipelineState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** Stages run in order, with everything they leave running torn down in reverse. */
export interface DevPipeline<Ctx> {
  /**
   * Run every stage in order; resolves once the last one is running. On a
   * stage failure it tears down what started and rejects with that error; on
   * abort it tears down and rejects with an AbortError.
   */
  start(ctx: Ctx, signal?: AbortSignal): Promise<void>;
  /** Tear down every started stage in reverse; idempotent and never throws. */
  stop(): Promise<void>;
  readonly state: PipelineState;
}

/** Default phase for a stage name: build, push and deploy have their own; services are `dev`. */
export function defaultPhaseOf(stageName: string): Phase {
  if (stageName === 'build' || stageName === 'dependencies') return 'build';
  if (stageName === 'push') return 'push';
  if (stageName === 'deploy' || stageName === 'purge') return 'deploy';
  return 'dev';
}

function abortError(): Error {
  return new DOMException('the pipeline was stopped', 'AbortError');
}

/** Create the `devspace dev` pipeline over `stages`; nothing runs until `start`. */
export function createDevPipeline<Ctx>(
  stages: readonly Stage<Ctx>[],
  events: DevEngineEmitter,
  options: PipelineOptions = {},
): DevPipeline<Ctx> {
  const perStageMs = options.teardownTimeoutMs ?? 2000;
  const limits = { perStageMs, totalMs: options.teardownBudgetMs ?? perStageMs };
  const phaseOf = options.phaseOf ?? defaultPhaseOf;
  const started: Teardown[] = [];
  let state: PipelineState = 'idle';
  let phase: Phase | undefined;
  let stopping: Promise<void> | undefined;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));

  const setPhase = (next: Phase): void => {
    if (next === phase) return;
    phase = next;
    events.send('engine:phase', { phase: next, at: Date.now() });
  };

  const stop = (): Promise<void> => {
    if (stopping) return stopping;
    wake();
    if (state === 'idle') {
      state = 'stopped';
      return (stopping = Promise.resolve());
    }
    const failed = state === 'failed';
    state = 'stopping';
    stopping = (async () => {
      setPhase('stopping');
      await tearDown([...started].reverse(), limits, events);
      setPhase('stopped');
      state = failed ? 'failed' : 'stopped';
    })();
    return stopping;
  };

  const runStage = async (stage: Stage<Ctx>, ctx: Ctx): Promise<'done' | 'stopped'> => {
    setPhase(phaseOf(stage.name));
    const ctl = new AbortController();
    let run: Promise<StageResult | void>;
    try {
      run = Promise.resolve(stage.run(ctx, ctl.signal));
    } catch (err) {
      run = Promise.reject(err);
    }
    // Teardown waits for a run still in flight (after aborting it), then stops what it returned.
    const settled = run.then(
      (r) => r ?? undefined,
      () => undefined,
    );
    started.push({ name: stage.name, abort: () => ctl.abort(), stop: async () => (await settled)?.stop?.() });
    const outcome = await Promise.race([run.then(() => 'done' as const), stopRequested.then(() => 'stopped' as const)]);
    return stopping ? 'stopped' : outcome;
  };

  const start = async (ctx: Ctx, signal?: AbortSignal): Promise<void> => {
    if (state !== 'idle') throw new Error(`pipeline already ${state}`);
    if (signal?.aborted) {
      state = 'stopped';
      throw abortError();
    }
    state = 'starting';
    const onAbort = (): void => void stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (const stage of stages) {
        let outcome: 'done' | 'stopped';
        try {
          outcome = await runStage(stage, ctx);
        } catch (err) {
          if (stopping || isAbortError(err)) outcome = 'stopped';
          else {
            state = 'failed';
            events.send('engine:error', problemOf(stage.name, err));
            await stop();
            throw err;
          }
        }
        if (outcome === 'stopped') {
          await stop();
          throw abortError();
        }
      }
      if (stopping) {
        await stopping;
        throw abortError();
      }
      setPhase('dev');
      state = 'running';
    } finally {
      // After a successful start keep listening, so a later abort still tears down.
      if (state !== 'running') signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    start,
    stop,
    get state() {
      return state;
    },
  };
}

/** How `runPipeline` ends when nothing failed. */
export type PipelineOutcome = 'completed' | 'aborted';

/**
 * Run `stages` to completion: start them, then either wait for `signal` to
 * abort (`untilAborted`, the `dev` loop) or tear down at once (one-shot
 * commands such as `build`). Rejects only when a stage fails.
 */
export async function runPipeline<Ctx>(
  stages: readonly Stage<Ctx>[],
  ctx: Ctx,
  opts: PipelineOptions & { events: DevEngineEmitter; signal: AbortSignal; untilAborted?: boolean },
): Promise<PipelineOutcome> {
  const pipeline = createDevPipeline(stages, opts.events, opts);
  try {
    await pipeline.start(ctx, opts.signal);
  } catch (err) {
    if (isAbortError(err)) return 'aborted';
    throw err;
  }
  if (opts.untilAborted ?? true) {
    await waitForAbort(opts.signal);
    await pipeline.stop();
    return 'aborted';
  }
  await pipeline.stop();
  return 'completed';
}

/** Resolve once `signal` aborts (at once if it already has). */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
