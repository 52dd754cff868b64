import type { DevspaceConfig } from '../config/index.js';
import type { ResolvedDependency } from '../dependencies/index.js';
import { UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import type { KubeTarget } from '../kube/context.js';
import type { Stage } from '../stage.js';

/** Per-run switches of `devspace dev` that stages read. */
export interface DevOptions {
  /** `-b`: build even when the inputs hash is unchanged. */
  forceBuild?: boolean;
  /** `-d`: deploy even when nothing changed. */
  forceDeploy?: boolean;
  /** `--skip-push`: keep images local. */
  skipPush?: boolean;
  /**
   * What follows the services: a shell (`terminal`, v3.5's default) or log
   * streaming (`logs`). The dashboard always streams logs and opens shells on
   * a key; without it, `dev.terminal.disabled` decides.
   */
  session?: 'terminal' | 'logs';
  /** The resolved `dependencies`, built and deployed by the first stage. */
  dependencies?: readonly ResolvedDependency[];
}

/** What every stage of `devspace dev` receives. */
export interface EngineContext {
  events: DevEngineEmitter;
  /** Project root (the folder holding devspace.yaml). */
  root: string;
  config: DevspaceConfig;
  kube: KubeTarget;
  options: DevOptions;
}

/**
 * The stages of `devspace dev`, in the order v3.5 runs them. Auto reload is
 * not a stage: it replaces the whole engine (see cli/commands/dev-reload.ts).
 */
export type DevStageName = 'dependencies' | 'build' | 'push' | 'deploy' | 'ports' | 'sync' | 'terminal' | 'logs';

/** Real implementations, plugged in as they land; missing ones fail honestly. */
export type StageImplementations = Partial<Record<DevStageName, Stage<EngineContext>>>;

/** The parts of the config that decide which stages run (a structural view of DevspaceConfig). */
export interface StagePlanConfig {
  images?: Record<string, unknown> | null;
  deployments?: readonly unknown[] | null;
  dependencies?: readonly unknown[] | null;
  dev?: {
    ports?: readonly unknown[] | null;
    sync?: readonly unknown[] | null;
    terminal?: { disabled?: boolean | null } | null;
  } | null;
}

const FEATURES: Record<DevStageName, string> = {
  dependencies: 'dependencies',
  build: 'building images',
  push: 'pushing images',
  deploy: 'deploying',
  ports: 'port forwarding',
  sync: 'file sync',
  terminal: 'the dev terminal',
  logs: 'streaming logs',
};

/**
 * A stage whose real implementation has not landed: it fails with a clear
 * UserError rather than pretending the step happened.
 */
export function notSupportedStage(name: DevStageName): Stage<EngineContext> {
  return {
    name,
    run: () => Promise.reject(new UserError(`not supported yet: ${FEATURES[name]} (coming with the workflow engine)`, 1)),
  };
}

/** Which stages `devspace dev` needs for this config, in order. */
export function planDevStages(config: StagePlanConfig, options: DevOptions = {}): DevStageName[] {
  const plan: DevStageName[] = [];
  const count = (v: Record<string, unknown> | readonly unknown[] | null | undefined): number =>
    v ? (Array.isArray(v) ? v.length : Object.keys(v).length) : 0;
  if (count(config.dependencies)) plan.push('dependencies');
  if (count(config.images)) {
    plan.push('build');
    if (!options.skipPush) plan.push('push');
  }
  if (count(config.deployments)) plan.push('deploy');
  if (count(config.dev?.ports)) plan.push('ports');
  if (count(config.dev?.sync)) plan.push('sync');
  // v3.5: the terminal opens unless disabled; then container logs are attached instead.
  plan.push(options.session ?? (config.dev?.terminal?.disabled ? 'logs' : 'terminal'));
  return plan;
}

/** The stage list for `devspace dev`: real adapters where given, honest failures elsewhere. */
export function buildDevStages(
  config: StagePlanConfig,
  options: DevOptions = {},
  impl: StageImplementations = {},
): Stage<EngineContext>[] {
  return planDevStages(config, options).map((name) => impl[name] ?? notSupportedStage(name));
}
