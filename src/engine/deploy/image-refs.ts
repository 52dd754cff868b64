import { canonicalRepository } from '../build/image-ref.js';

/**
 * Where image references are looked for (research §3.2): kubectl manifests
 * only replace values under a key named `image`; component and Helm values
 * replace any string that names a built image.
 */
export type ReplaceMode = 'image-keys' | 'any-string';

/** Built references keyed by canonical repository (`docker.io/library/app` → `app:tag`). */
export type ImageRefs = ReadonlyMap<string, string>;

// Something that could be an image reference: no spaces, starts like a host or path.
const REF_LIKE = /^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/;

/** The built reference a string should become, if it names a built image (with any or no tag or digest). */
export function builtRefFor(value: string, refs: ImageRefs): string | undefined {
  if (refs.size === 0 || !REF_LIKE.test(value)) return undefined;
  let repo: string;
  try {
    repo = canonicalRepository(value);
  } catch {
    return undefined;
  }
  return refs.get(repo);
}

/**
 * A copy of `value` with image references replaced by the freshly built
 * ones, plus the built references that were used (so a rebuilt image can
 * mark the deployment as changed). The input is not modified.
 */
export function replaceImageRefs<T>(value: T, refs: ImageRefs, mode: ReplaceMode): { value: T; used: string[] } {
  const used = new Set<string>();
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') {
      if (mode === 'image-keys' && key !== 'image') return v;
      const ref = builtRefFor(v, refs);
      if (ref === undefined) return v;
      used.add(ref);
      return ref;
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, k);
      return out;
    }
    return v;
  };
  return { value: walk(value, undefined) as T, used: [...used].sort() };
}
