import { bool, name, obj, record, str, strList, strMap } from './schema-common.js';

/** `images.<name>.build.<engine>.options`: flags every builder understands. */
export const BuildOptionsSchema = obj({
  target: str('Dockerfile stage to build (`--target`).').optional(),
  network: str('Network mode for RUN instructions (`--network`).').optional(),
  buildArgs: strMap('Build arguments (`--build-arg KEY=VALUE`).').optional(),
}).describe('Options passed to the image builder.');

/** `images.<name>.build.docker`: build with the local Docker daemon (the default). */
export const DockerConfigSchema = obj({
  preferMinikube: bool(
    'Use minikube\'s Docker daemon when the kube context is `minikube`. Accepted for compatibility; this devspace never uses minikube, so the key has no effect.',
  ).optional(),
  skipPush: bool('Do not push the image after building it. Default false.').optional(),
  disableFallback: bool('Fail instead of falling back to kaniko when Docker is unreachable. Default false.').optional(),
  options: BuildOptionsSchema.optional(),
}).describe('Build with the local Docker daemon.');

/** `images.<name>.build.kaniko`: build inside the cluster with kaniko (not supported yet). */
export const KanikoConfigSchema = obj({
  cache: bool('Ignored by DevSpace v3.5: the layer cache is always on.').optional(),
  snapshotMode: str('Kaniko snapshot mode. Default `time`.').optional(),
  flags: strList('Extra arguments for the kaniko executor.').optional(),
  namespace: str('Namespace of the build pod. Default: the default namespace.').optional(),
  insecure: bool('Push to an insecure registry (`--insecure --skip-tls-verify`).').optional(),
  pullSecret: str('Existing secret to mount as registry credentials.').optional(),
  options: BuildOptionsSchema.optional(),
}).describe('Build inside the cluster with kaniko (not supported yet).');

/** `images.<name>.build.custom`: build by running a local command. */
export const CustomBuildConfigSchema = obj({
  command: name('Command to run, e.g. `./build.sh`.'),
  flags: strList('Arguments passed to the command.').optional(),
  imageFlag: str('Flag placed before `<image>:<tag>`; without it the image is the first argument.').optional(),
  onChange: strList('Globs of files whose change triggers a rebuild; empty means always rebuild.').optional(),
}).describe('Build by running a local command.');

/** `images.<name>.build`: which engine builds the image (custom beats kaniko beats docker). */
export const BuildConfigSchema = obj({
  disabled: bool('Never build this image. Default false.').optional(),
  docker: DockerConfigSchema.optional(),
  kaniko: KanikoConfigSchema.optional(),
  custom: CustomBuildConfigSchema.optional(),
}).describe('How the image is built.');

/** One entry of `images`; its map key is the name the rest of the config refers to. */
export const ImageConfigSchema = obj({
  image: name('Image repository without tag, e.g. `registry.example.com/team/api`.'),
  tag: str('Fixed tag; without it the tag is derived from the build inputs (`ds-<hash>`), so an unchanged project reuses its image.').optional(),
  dockerfile: str('Path of the Dockerfile. Default `./Dockerfile`.').optional(),
  context: str('Build context directory. Default `./`.').optional(),
  createPullSecret: bool('Create a registry pull secret from the local Docker credentials. Default false.').optional(),
  build: BuildConfigSchema.optional(),
}).describe('An image to build and push.');

/** `images`: image config name → image config. */
export const ImagesSchema = record(ImageConfigSchema, 'Images to build, by name (the name is what `dev.overrideImages[].name` refers to).');
