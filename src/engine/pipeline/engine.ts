import type { DevspaceConfig } from '../config/index.js';
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
   * follow the new pods by themselves). Failures become `engine:error`
   * events, not a stop; a request during a run is queued once.
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
  const pipeline = createDevPipeline(stages, events, opts.pipeline);
  const ctx: EngineContext = { events, root: opts.root, config: opts.config, kube: opts.kube, options };
  // Reruns stop with the engine, like the stages the pipeline owns.
  const life = new AbortController();
  let running: Promise<void> | undefined;
  let queued: { build?: boolean; deploy?: boolean } | undefined;
  const rerunOnce = async (force: { build?: boolean; deploy?: boolean }): Promise<void> => {
    const again: EngineContext = {
      ...ctx,
      options: { ...options, forceBuild: !!force.build, forceDeploy: !!(force.deploy || force.build) },
    };
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
    start: (signal) => pipeline.start(ctx, signal),
    stop: () => {
      life.abort();
      return pipeline.stop();
    },
  };
}
