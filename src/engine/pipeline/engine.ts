import type { DevspaceConfig } from '../config/index.js';
import { DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import type { Stage } from '../stage.js';
import { buildDevStages, type DevOptions, type EngineContext, type StageImplementations } from './dev-stages.js';
import { createDevPipeline, type PipelineOptions, type PipelineState } from './pipeline.js';

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
}

/** Assemble an engine over the given (or default) stages. */
export function createEngine(opts: CreateEngineOptions): Engine {
  const events = opts.events ?? new DevEngineEmitter();
  const options = opts.options ?? {};
  const stages = opts.stages ?? buildDevStages(opts.config, options, opts.implementations);
  const pipeline = createDevPipeline(stages, events, opts.pipeline);
  const ctx: EngineContext = { events, root: opts.root, config: opts.config, kube: opts.kube, options };
  return {
    events,
    get state() {
      return pipeline.state;
    },
    start: (signal) => pipeline.start(ctx, signal),
    stop: () => pipeline.stop(),
  };
}
