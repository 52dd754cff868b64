/** The `devspace dev` pipeline: ordered stages, bounded reverse teardown, and the Engine facade. */
export { createDevPipeline, defaultPhaseOf, runPipeline, waitForAbort } from './pipeline.js';
export type { DevPipeline, PipelineOptions, PipelineOutcome, PipelineState } from './pipeline.js';
export { createEngine } from './engine.js';
export type { CreateEngineOptions, Engine } from './engine.js';
export { buildDevStages, notSupportedStage, planDevStages } from './dev-stages.js';
export type { DevOptions, DevStageName, EngineContext, StageImplementations, StagePlanConfig } from './dev-stages.js';
