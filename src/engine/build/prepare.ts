import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { buildHash, deriveTag, hashEntries } from './content-hash.js';
import { isInside, listContext, planContext, type ContextEntry, type ContextPlan } from './context.js';
import { applyEntrypointOverride, firstContextCopy, parseDockerfile } from './dockerfile.js';
import { expandGlobs } from './glob.js';
import type { CustomBuildConfig, DockerBuildOptions, ImageBuildSpec, ImageOverride } from './types.js';

/** Everything known about one image before deciding whether to build it. */
export interface PreparedImage {
  spec: ImageBuildSpec;
  builder: 'docker' | 'custom';
  /** Content hash of every build input. */
  hash: string;
  tag: string;
  ref: string;
  /** Docker builds only: what goes into the tar. */
  plan?: ContextPlan;
  dockerfilePath?: string;
  contextDir?: string;
  options?: DockerBuildOptions;
  custom?: CustomBuildConfig;
  /** True for a custom build without `onChange`: there is nothing to compare, so it always builds. */
  alwaysBuild: boolean;
  /** The override that was applied (dev builds only). */
  override?: ImageOverride;
  /** Images named in FROM lines, so their registries' credentials can go along for the pull. */
  baseImages?: string[];
}

/** Images a Dockerfile pulls: FROM arguments that are neither earlier stages, `scratch`, nor `$ARG`s. */
export function baseImagesOf(dockerfile: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const stage of parseDockerfile(dockerfile).stages) {
    const from = stage.instructions[0]?.text.split(/\s+/).filter((w) => !w.startsWith('--'))[1];
    if (from && !from.includes('$') && from !== 'scratch' && !seen.has(from.toLowerCase())) out.push(from);
    if (stage.name) seen.add(stage.name);
  }
  return out;
}

/** The parts of an image config that change what gets built (not push or pull-secret settings). */
export function hashedConfig(spec: ImageBuildSpec): unknown {
  return {
    image: spec.image,
    dockerfile: spec.dockerfile ?? './Dockerfile',
    context: spec.context ?? './',
    options: spec.build?.docker?.options ?? null,
    custom: spec.build?.custom ?? null,
  };
}

/** Fail early on builders this environment cannot run. */
export function checkBuilder(spec: ImageBuildSpec): void {
  if (spec.build?.kaniko && !spec.build.custom) {
    throw new UserError(
      `image "${spec.key}" uses build.kaniko, which is not supported: kaniko needs its executor image ` +
        'from a public registry (gcr.io), which this environment cannot pull',
      2,
      'remove build.kaniko to build with the local Docker Engine (build.docker)',
    );
  }
  if (!spec.image) throw new UserError(`image "${spec.key}" has no image name (images.${spec.key}.image)`, 2);
}

/**
 * Read the Dockerfile, apply the dev override to an in-memory copy, list the
 * context and hash it all; the files on disk are never changed.
 */
export async function prepareImage(
  spec: ImageBuildSpec,
  opts: { projectRoot: string; dev: boolean; signal?: AbortSignal },
): Promise<PreparedImage> {
  checkBuilder(spec);
  const override = opts.dev ? spec.override : undefined;
  const withRef = (p: Omit<PreparedImage, 'tag' | 'ref'>): PreparedImage => {
    const tag = spec.tag ?? deriveTag(p.hash);
    return { ...p, tag, ref: `${spec.image}:${tag}` };
  };
  const custom = spec.build?.custom;
  if (custom) {
    const globs = custom.onChange ?? [];
    const files = globs.length ? await expandGlobs(opts.projectRoot, globs, opts.signal) : [];
    // Without onChange globs there is no input to compare: a fresh hash forces a build and a new tag.
    const digest = globs.length ? await hashEntries(files, opts.signal) : `always:${randomUUID()}`;
    const hash = buildHash({ config: hashedConfig(spec), dockerfile: '', context: digest });
    return withRef({ spec, builder: 'custom', hash, custom, alwaysBuild: globs.length === 0 });
  }

  const root = opts.projectRoot;
  const dockerfilePath = resolve(root, override?.dockerfile ?? spec.dockerfile ?? 'Dockerfile');
  const contextDir = resolve(root, override?.context ?? spec.context ?? '.');
  const show = (p: string): string => `./${relative(root, p) || '.'}`;
  // Which setting to fix: the dev override, the image's own key, or the unset key whose default was used.
  const keyOf = (field: 'context' | 'dockerfile'): string =>
    override?.[field] ? `dev.overrideImages[].${field} of "${spec.key}"` : `images.${spec.key}.${field}`;
  const from = (field: 'context' | 'dockerfile'): string =>
    override?.[field] || spec[field] ? keyOf(field) : `${keyOf(field)} is not set; ${field === 'context' ? './' : './Dockerfile'} is the default`;
  const contextStat = await stat(contextDir).catch(() => undefined);
  if (!contextStat?.isDirectory()) {
    const what = contextStat ? 'is not a directory' : 'does not exist';
    throw new UserError(`build context ${show(contextDir)} of image "${spec.key}" ${what} (${from('context')})`);
  }
  let text: string;
  try {
    text = await readFile(dockerfilePath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? 'error'})`;
    throw new UserError(`Dockerfile ${show(dockerfilePath)} of image "${spec.key}" ${what} (${from('dockerfile')})`);
  }
  // The Engine would say so too, but only after the images before this one were built.
  const { instructions, stages } = parseDockerfile(text);
  if (instructions.length === 0 || stages.length === 0) {
    const what = instructions.length === 0 ? 'is empty' : 'has no FROM instruction';
    throw new UserError(`Dockerfile ${show(dockerfilePath)} of image "${spec.key}" ${what} (${from('dockerfile')})`);
  }
  const options = spec.build?.docker?.options ?? {};
  const entrypoint = override?.entrypoint ?? [];
  const finalText = entrypoint.length ? applyEntrypointOverride(text, entrypoint, options.target) : text;
  const inside = isInside(contextDir, dockerfilePath);
  const entries = await listContext(contextDir, {
    ...(inside ? { dockerfile: relative(contextDir, dockerfilePath) } : {}),
    exclude: [join(root, '.devspace')],
  });
  const dockerfileInContext = inside ? relative(contextDir, dockerfilePath).split(sep).join('/') : undefined;
  checkContextHasFiles(entries, dockerfileInContext, text, `build context ${show(contextDir)} of image "${spec.key}"`, keyOf('context'));
  const generated = finalText !== text || !inside;
  const name = `.devspace-dockerfile.${createHash('sha256').update(finalText).digest('hex').slice(0, 12)}`;
  const plan = await planContext(contextDir, entries, {
    path: dockerfilePath,
    text: finalText,
    ...(generated ? { generatedName: name } : {}),
  });
  const digest = await hashEntries(plan.entries, opts.signal);
  const config = hashedConfig(spec);
  const hash = buildHash({ config, override: override ?? null, dockerfile: plan.dockerfile, context: digest });
  return withRef({
    spec,
    builder: 'docker',
    hash,
    plan,
    dockerfilePath,
    contextDir,
    options,
    alwaysBuild: false,
    baseImages: baseImagesOf(finalText),
    ...(override ? { override } : {}),
  });
}

/**
 * Refuses a context with no files (besides the Dockerfile and `.dockerignore`) when the Dockerfile copies
 * from it: the build would fail at that step, or `COPY . /app` would quietly produce an image without
 * the app. A context-free Dockerfile (only FROM and RUN) may well use an empty folder.
 */
function checkContextHasFiles(entries: ContextEntry[], dockerfile: string | undefined, text: string, what: string, key: string): void {
  if (entries.some((e) => e.type !== 'directory' && e.path !== '.dockerignore' && e.path !== dockerfile)) return;
  const copy = firstContextCopy(text);
  if (!copy) return;
  const instruction = copy.text.length > 60 ? `${copy.text.slice(0, 57)}...` : copy.text;
  throw new UserError(`${what} has no files, but the Dockerfile copies from it (line ${copy.startLine + 1}: ${instruction}); check ${key}`);
}
