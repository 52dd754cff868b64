import type { DevspaceConfig } from '../config/index.js';
import { isAbortError } from '../errors.js';
import { DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import type { Stage } from '../stage.js';
import { buildDevStages, type DevOptions, type EngineContext, type StageImplementations } from './dev-stages.js';
import { createDevPipeline, defaultPhaseOf, type PipelineOptions, type PipelineState } from './pipeline.js';
import { problemOf } from './teardown.js';

/** Everything the engine needs; no UI, so scripts and tests can drive it directly. */
export interface CreateEngineOptions {
  /** Project root (the folder holding devspace.yaml). */
  root: string;
  config: DevspaceConfig;
  kube: KubeTarget;
  options?: DevOptions;
  /** Replace the whole stage list (tests, custom workflows). */
  stages?: Stage<EngineContext>[];
  /** Or keep the default plan and plug in the implementations that exist. */
  implementations?: StageImplementations;
  /** Bring your own emitter, e.g. to subscribe before config loading starts. */
  events?: DevEngineEmitter;
  pipeline?: PipelineOptions;
}

/** The `devspace dev` engine as a library: start it, watch `events`, stop it. */
export interface Engine {
  readonly events: DevEngineEmitter;
  readonly state: PipelineState;
  /** Run every stage; resolves once all are running, rejects with the first failure (after teardown). */
  start(signal?: AbortSignal): Promise<void>;
  /** Tear everything down in reverse; idempotent, never throws, bounded in time. */
  stop(): Promise<void>;
  /**
   * Run build, push and deploy again while the services keep running (they
   * follow the new pods by themselves). After a failed `start` it runs the
   * whole start again instead (build to logs, on the signal `start` got), so
   * a fixed Dockerfile brings the app up. Failures become `engine:error`
   * events, not a stop; a request during a run (or a start) is queued once.
   */
  rerun(force: { build?: boolean; deploy?: boolean }): Promise<void>;
}

// The stages that produce a new version; everything after them follows pods.
const RERUN_STAGES = new Set(['build', 'push', 'deploy']);

/** Assemble an engine over the given (or default) stages. */
export function createEngine(opts: CreateEngineOptions): Engine {
  const events = opts.events ?? new DevEngineEmitter();
  const options = opts.options ?? {};
  const stages = opts.stages ?? buildDevStages(opts.config, options, opts.implementations);
  // One pipeline per start: a failed start has torn its own down, so trying again starts afresh.
  let pipeline = createDevPipeline(stages, events, opts.pipeline);
  const ctx: EngineContext = { events, root: opts.root, config: opts.config, kube: opts.kube, options };
  // Reruns stop with the engine, like the stages the pipeline owns.
  const life = new AbortController();
  let running: Promise<void> | undefined;
  let queued: { build?: boolean; deploy?: boolean } | undefined;
  // The start in flight (a rerun waits for it), whether it failed, and the signal it was given.
  let starting: Promise<void> | undefined;
  let startFailed = false;
  let startSignal: AbortSignal | undefined;
  const begin = (c: EngineContext, signal?: AbortSignal): Promise<void> => {
    startSignal = signal;
    startFailed = false;
    const run = pipeline.start(c, signal).catch((err: unknown) => {
      if (!isAbortError(err)) startFailed = true;
      throw err;
    });
    starting = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const rerunOnce = async (force: { build?: boolean; deploy?: boolean }): Promise<void> => {
    const again: EngineContext = {
      ...ctx,
      options: { ...options, forceBuild: !!force.build, forceDeploy: !!(force.deploy || force.build) },
    };
    await starting;
    if (life.signal.aborted) return;
    if (startFailed) {
      // Its teardown may still be running; nothing of it is torn down twice, the new pipeline owns the new run.
      await pipeline.stop();
      if (life.signal.aborted || startSignal?.aborted) return;
      pipeline = createDevPipeline(stages, events, opts.pipeline);
      // The pipeline reported the failure as `engine:error`; the engine stays ready for another try.
      await begin(again, startSignal).catch(() => undefined);
      return;
    }
    for (const stage of stages.filter((s) => RERUN_STAGES.has(s.name))) {
      events.send('engine:phase', { phase: defaultPhaseOf(stage.name), at: Date.now() });
      try {
        await stage.run(again, life.signal);
      } catch (err) {
        if (life.signal.aborted) return;
        events.send('engine:error', problemOf(stage.name, err));
        break;
      }
    }
    events.send('engine:phase', { phase: 'dev', at: Date.now() });
  };
  const rerun = (force: { build?: boolean; deploy?: boolean }): Promise<void> => {
    if (running) {
      queued = { build: queued?.build || force.build, deploy: queued?.deploy || force.deploy };
      return running;
    }
    running = (async () => {
      let next: typeof queued = force;
      while (next && !life.signal.aborted) {
        queued = undefined;
        await rerunOnce(next);
        next = queued;
      }
    })().finally(() => (running = undefined));
    return running;
  };
  return {
    rerun,
    events,
    get state() {
      return pipeline.state;
    },
    start: (signal) => begin(ctx, signal),
    stop: () => {
      life.abort();
      return pipeline.stop();
    },
  };
}
