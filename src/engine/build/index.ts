/**
 * Image build and push for `devspace dev` / `deploy`: build what changed
 * (content-hashed), push it, and hand deploy the references to use.
 * dockerode is loaded on first use, not when this module is imported.
 */
import { canonicalRepository } from './image-ref.js';
import type { BuiltImages } from './types.js';

export { buildImages } from './build-images.js';
export { specsFromConfig } from './from-config.js';
export { pushImages, describePushError, type PushImagesOptions, type PushResult } from './push.js';
export { createBuildStage, createPushStage, type BuildStageContext } from './stages.js';
export { CredentialStore } from './credential-store.js';
export { createPullSecret, pullSecretName, type PullSecret } from './pull-secret.js';
export { resolveCredentials, dockerConfigPath, type RegistryCredentials } from './registry-auth.js';
export { parseImageRef, canonicalRepository, registryOf, type ImageRef } from './image-ref.js';
export { redact, Redactor } from '../secrets.js';
export type {
  BuiltImage,
  BuiltImages,
  BuildImagesOptions,
  CustomBuildConfig,
  DockerBuildOptions,
  ImageBuildSpec,
  ImageOverride,
} from './types.js';

/**
 * Built references keyed by canonical repository (`docker.io/library/app`),
 * so deploy can replace any spelling of an image name with the built ref.
 */
export function builtRefsByRepository(images: BuiltImages): Map<string, string> {
  return new Map(Object.values(images).map((img) => [canonicalRepository(img.image), img.ref]));
}
