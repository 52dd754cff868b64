import { z } from 'zod';
import { ImagesSchema } from './schema-images.js';
import { DeploymentsSchema } from './schema-deploy.js';
import { DevConfigSchema } from './schema-dev.js';
import { bool, name, obj, str, strList } from './schema-common.js';

/**
 * devspace.yaml, version v1beta2 (DevSpace v3.5). The one definition that
 * validation, the exported types and devspace.schema.json all come from.
 */

/** The config version this devspace works in; a file without `version` is taken as this one, older ones are upgraded to it. */
export const CONFIG_VERSION = 'v1beta2';

/** `dependencies[].source`: where a dependency project lives. */
export const SourceConfigSchema = obj({
  git: str('Git URL.').optional(),
  subPath: str('Directory inside the repository.').optional(),
  branch: str().optional(),
  tag: str().optional(),
  revision: str().optional(),
  path: str('Local path.').optional(),
});

/** `dependencies[]`: another DevSpace project built and deployed first. */
export const DependencyConfigSchema = obj({
  source: SourceConfigSchema,
  config: str('Named config of the dependency.').optional(),
  skipBuild: bool().optional(),
  ignoreDependencies: bool().optional(),
  namespace: str().optional(),
});

const HookWhenAtSchema = obj({
  images: str('`all`: around building all images.').optional(),
  deployments: str('`all` or a deployment name.').optional(),
});

/** `hooks[]`: a local command run before or after building or deploying. */
export const HookConfigSchema = obj({
  command: name('Command to run.'),
  args: strList().optional(),
  when: obj({ before: HookWhenAtSchema.optional(), after: HookWhenAtSchema.optional() }).optional(),
});

/** `cluster`: which kube context and namespace to use. */
export const ClusterConfigSchema = obj({
  kubeContext: str('Kube context. Default: the current context.').optional(),
  namespace: str('Default namespace. Default: the context\'s namespace, else `default`.').optional(),
});

/** The whole devspace.yaml. */
export const DevspaceConfigSchema = obj({
  version: z.literal(CONFIG_VERSION).describe('Config version. Default v1beta2.').optional(),
  images: ImagesSchema.optional(),
  deployments: DeploymentsSchema.optional(),
  dev: DevConfigSchema.optional(),
  dependencies: z.array(DependencyConfigSchema).describe('Other DevSpace projects (a local path or a git repository) built and deployed first.').optional(),
  hooks: z.array(HookConfigSchema).describe('Local commands run around build and deploy.').optional(),
  cluster: ClusterConfigSchema.optional(),
}).describe('DevSpace configuration (devspace.yaml, version v1beta2).');
