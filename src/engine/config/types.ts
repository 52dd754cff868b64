import type { z } from 'zod';
import type { DevspaceConfigSchema } from './schema.js';

/** The parsed devspace.yaml; every key is optional, so read defaults through defaults.ts. */
export type DevspaceConfig = z.infer<typeof DevspaceConfigSchema>;

type Item<T> = T extends readonly (infer U)[] ? U : never;
type Value<T> = T extends Record<string, infer U> ? U : never;
type Def<T> = Exclude<T, undefined>;

/** One entry of `images`. */
export type ImageConfig = Value<Def<DevspaceConfig['images']>>;
/** `images.<name>.build`. */
export type BuildConfig = Def<ImageConfig['build']>;
/** `images.<name>.build.docker`. */
export type DockerConfig = Def<BuildConfig['docker']>;
/** `images.<name>.build.kaniko`. */
export type KanikoConfig = Def<BuildConfig['kaniko']>;
/** `images.<name>.build.custom`. */
export type CustomBuildConfig = Def<BuildConfig['custom']>;
/** `images.<name>.build.<engine>.options`. */
export type BuildOptions = Def<DockerConfig['options']>;

/** One entry of `deployments`. */
export type DeploymentConfig = Item<Def<DevspaceConfig['deployments']>>;
/** `deployments[].component`. */
export type ComponentConfig = Def<DeploymentConfig['component']>;
/** `deployments[].component.containers[]`. */
export type ContainerConfig = Item<Def<ComponentConfig['containers']>>;
/** `deployments[].component.service`. */
export type ServiceConfig = Def<ComponentConfig['service']>;
/** `deployments[].helm`. */
export type HelmConfig = Def<DeploymentConfig['helm']>;
/** `deployments[].helm.chart`. */
export type ChartConfig = HelmConfig['chart'];
/** `deployments[].kubectl`. */
export type KubectlConfig = Def<DeploymentConfig['kubectl']>;

/** `dev`. */
export type DevConfig = Def<DevspaceConfig['dev']>;
/** `dev.overrideImages[]`. */
export type OverrideImageConfig = Item<Def<DevConfig['overrideImages']>>;
/** `dev.terminal`. */
export type TerminalConfig = Def<DevConfig['terminal']>;
/** `dev.ports[]`. */
export type PortForwardingConfig = Item<Def<DevConfig['ports']>>;
/** `dev.ports[].forward[]`. */
export type PortMapping = Item<PortForwardingConfig['forward']>;
/** `dev.sync[]`. */
export type SyncConfig = Item<Def<DevConfig['sync']>>;
/** `dev.sync[].bandwidthLimits`. */
export type BandwidthLimits = Def<SyncConfig['bandwidthLimits']>;
/** `dev.autoReload`. */
export type AutoReloadConfig = Def<DevConfig['autoReload']>;
/** `dev.selectors[]`. */
export type SelectorConfig = Item<Def<DevConfig['selectors']>>;

/** `dependencies[]`. */
export type DependencyConfig = Item<Def<DevspaceConfig['dependencies']>>;
/** `hooks[]`. */
export type HookConfig = Item<Def<DevspaceConfig['hooks']>>;
/** `cluster`. */
export type ClusterConfig = Def<DevspaceConfig['cluster']>;

/** How to find, read and resolve devspace.yaml. */
export interface LoadOptions {
  /** Where the search for devspace.yaml starts. */
  cwd: string;
  /** An explicit config file (relative to cwd); skips the search. */
  file?: string;
  /** `--var KEY=VALUE` values; they win over everything else. */
  vars?: Record<string, string>;
  /** Environment for `${VAR}` lookups; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Whether a person can answer prompts (the CLI passes stdin.isTTY). */
  interactive?: boolean;
  /** Asks for a variable's value; only used when `interactive` is true. */
  prompt?: (name: string) => Promise<string>;
}

/** A validated config plus where it came from. */
export interface LoadedConfig {
  /** Project root: the directory that holds the config file. */
  root: string;
  /** Absolute path of the config file. */
  file: string;
  config: DevspaceConfig;
  /** line/col lookup for any dotted path, for later errors */
  locate(path: (string | number)[]): { line: number; column: number };
}
