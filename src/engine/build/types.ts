import type Docker from 'dockerode';
import type { DevEngineEmitter } from '../events.js';

/** `build.<engine>.options`: what the docker builder passes to the Engine. */
export interface DockerBuildOptions {
  /** Stage to build in a multi-stage Dockerfile. */
  target?: string;
  /** Docker network mode for RUN steps, e.g. `host`. */
  network?: string;
  buildArgs?: Record<string, string>;
}

/** `build.custom`: an external command builds (and possibly pushes) the image. */
export interface CustomBuildConfig {
  command: string;
  flags?: string[];
  /** When set, pass `<imageFlag> <image>:<tag>`; otherwise `<image>:<tag>` is the first argument. */
  imageFlag?: string;
  /** Globs (relative to the project root) hashed for the rebuild check; empty means always rebuild. */
  onChange?: string[];
}

/** One entry of `dev.overrideImages`, applied only to dev builds. */
export interface ImageOverride {
  /** Replaces the image's entrypoint (and clears its CMD); empty means no entrypoint change. */
  entrypoint?: string[];
  /** Replaces the image's Dockerfile, relative to the project root. */
  dockerfile?: string;
  /** Replaces the image's build context, relative to the project root. */
  context?: string;
}

/**
 * One image to build, in the shape of a `devspace.yaml` `images.<key>` entry
 * plus its `dev.overrideImages` entry, so the config loader maps onto it 1:1.
 */
export interface ImageBuildSpec {
  /** The key in the `images` map (`default`, `api`); events and the cache use it. */
  key: string;
  /** Repository without tag, e.g. `127.0.0.1:5000/team/api`. */
  image: string;
  /** Fixed tag; without it the tag is derived from the content hash. */
  tag?: string;
  /** Relative to the project root (default `./Dockerfile`). */
  dockerfile?: string;
  /** Relative to the project root (default `./`). */
  context?: string;
  createPullSecret?: boolean;
  build?: {
    disabled?: boolean;
    docker?: { skipPush?: boolean; preferMinikube?: boolean; disableFallback?: boolean; options?: DockerBuildOptions };
    kaniko?: { options?: DockerBuildOptions; [key: string]: unknown };
    custom?: CustomBuildConfig;
  };
  override?: ImageOverride;
}

/** What the build step hands to push and deploy for one image. */
export interface BuiltImage {
  key: string;
  /** Repository without tag, as configured (deploy matches references against it). */
  image: string;
  tag: string;
  /** `image:tag`, the reference deploy should put into manifests. */
  ref: string;
  /** False when the cache said the image for this content already exists. */
  rebuilt: boolean;
  /** Local image id (`sha256:…`) when the image is in the local Engine. */
  imageId?: string;
  /** Whether the image is in the local Docker Engine (a push needs it there). */
  local: boolean;
  /** `build.docker.skipPush` of the spec. */
  skipPush: boolean;
  createPullSecret: boolean;
  builder: 'docker' | 'custom';
}

/** Built images by image key. */
export type BuiltImages = Record<string, BuiltImage>;

/** Options shared by `buildImages` and its helpers. */
export interface BuildImagesOptions {
  /** Directory holding `devspace.yaml`; relative paths and `.devspace/cache.json` hang off it. */
  projectRoot: string;
  events: DevEngineEmitter;
  /** `-b`: build even when the cache says nothing changed. */
  force?: boolean;
  /** `dev.overrideImages` only apply to `devspace dev` builds. */
  dev: boolean;
  signal?: AbortSignal;
  /** A dockerode client; created from DOCKER_HOST (or the default socket) when omitted. */
  docker?: Docker;
}
