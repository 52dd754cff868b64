import { createHash } from 'node:crypto';
import { readBuildCache } from '../build/cache.js';
import { canonicalJson } from '../build/content-hash.js';
import { canonicalRepository } from '../build/image-ref.js';
import type { BuiltImages } from '../build/types.js';
import type { DeploymentConfig, DevspaceConfig, HelmConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { renderComponent } from './component.js';
import { chartDigest, helmValues, localChartDir } from './helm.js';
import { replaceImageRefs, type ImageRefs } from './image-refs.js';
import { renderKustomizations } from './kustomize.js';
import { loadManifests } from './manifests.js';
import type { SourcedObject } from './types.js';

/** Bumped when what goes into the deploy hash changes meaning, so old records stop matching. */
const SCHEME = 'devspace-deploy/1';

/** How a deployment is described in devspace.yaml. */
export type DeploymentType = 'kubectl' | 'helm' | 'component';

/** A deployment turned into what will be sent: objects to apply, or Helm values. */
export interface RenderedDeployment {
  type: DeploymentType;
  /** kubectl and component deployments. */
  objects?: SourcedObject[];
  /** Helm deployments. */
  helm?: { config: HelmConfig; values: Record<string, unknown>; chartDir?: string; chartDigest?: string };
  /** Built references the deployment uses. */
  used: string[];
}

/** Which kind of deployment an entry is (v3.5 precedence: kubectl, helm, component). */
export function deploymentType(d: DeploymentConfig, where: string): DeploymentType {
  if (d.kubectl) return 'kubectl';
  if (d.helm) return 'helm';
  if (d.component) return 'component';
  throw new UserError(`${where} (${d.name}): needs one of component, helm or kubectl`, 2);
}

/** Fresh image references plus the image id behind each, so a rebuild under a fixed tag still counts as a change. */
export interface ImageRefSet {
  refs: ImageRefs;
  ids: ReadonlyMap<string, string>;
}

/**
 * The references deploy puts into manifests: what the build step produced
 * in this run, or else (deploy without a build) the newest build the cache
 * remembers for each image, as v3.5 used its cached tags.
 */
export async function imageRefsFor(root: string, config: Pick<DevspaceConfig, 'images'>, built?: BuiltImages): Promise<ImageRefSet> {
  const refs = new Map<string, string>();
  const ids = new Map<string, string>();
  if (built) {
    for (const img of Object.values(built)) {
      refs.set(canonicalRepository(img.image), img.ref);
      if (img.imageId) ids.set(img.ref, img.imageId);
    }
    return { refs, ids };
  }
  const cache = await readBuildCache(root);
  for (const [key, image] of Object.entries(config.images ?? {})) {
    const newest = cache.images[key]?.builds?.[0];
    if (!newest || !image.image) continue;
    refs.set(canonicalRepository(image.image), newest.ref);
    if (newest.imageId) ids.set(newest.ref, newest.imageId);
  }
  return { refs, ids };
}

/** Read manifests or render the component, with image references replaced; Helm gets its merged values. */
export async function renderDeployment(
  root: string,
  d: DeploymentConfig,
  where: string,
  refs: ImageRefs,
  opts: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<RenderedDeployment> {
  const { signal } = opts;
  const type = deploymentType(d, where);
  if (type === 'kubectl') {
    const kubectl = d.kubectl!;
    const { objects } = kubectl.kustomize
      ? await renderKustomizations(root, kubectl, `${where}.kubectl`, opts)
      : await loadManifests(root, kubectl.manifests, `${where}.kubectl.manifests`);
    const used = new Set<string>();
    const replaced = objects.map(({ object, source }) => {
      const r = replaceImageRefs(object, refs, 'image-keys');
      r.used.forEach((u) => used.add(u));
      return { object: r.value, source };
    });
    return { type, objects: replaced, used: [...used].sort() };
  }
  if (type === 'component') {
    const { value, used } = replaceImageRefs(d.component!, refs, 'any-string');
    const objects = renderComponent(d.name, value, `${where}.component`).map((object) => ({ object, source: `component ${d.name}` }));
    return { type, objects, used };
  }
  const helm = d.helm!;
  const { values, used } = await helmValues(root, helm, refs, `${where}.helm`);
  const chartDir = await localChartDir(root, helm);
  const digest = await chartDigest(chartDir, signal);
  return { type, helm: { config: helm, values, ...(chartDir ? { chartDir } : {}), ...(digest ? { chartDigest: digest } : {}) }, used };
}

/**
 * The redeploy key: the deployment's config, what would be sent (objects
 * or values plus the chart's content), where it goes, and the image ids
 * behind the references it uses. Equal key and objects still present in
 * the cluster mean there is nothing to do.
 */
export function deployHash(parts: {
  deployment: DeploymentConfig;
  rendered: RenderedDeployment;
  namespace: string;
  context: string;
  server?: string;
  ids: ReadonlyMap<string, string>;
}): string {
  const { rendered } = parts;
  const content = rendered.objects
    ? rendered.objects.map((o) => o.object)
    : { values: rendered.helm?.values, chart: rendered.helm?.chartDigest ?? null };
  return createHash('sha256')
    .update(`${SCHEME}\n`)
    .update(canonicalJson({
      config: parts.deployment,
      target: { namespace: parts.namespace, context: parts.context, server: parts.server ?? null },
      content,
      images: rendered.used.map((ref) => [ref, parts.ids.get(ref) ?? null]),
    }))
    .digest('hex');
}
