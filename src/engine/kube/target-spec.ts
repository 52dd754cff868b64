import type { SelectorConfig } from '../config/index.js';
import { selectorString, type TargetSpec } from './target.js';

/**
 * Turns a config block (`dev.terminal`, a `dev.ports[]` or `dev.sync[]`
 * entry) plus command-line flags into the TargetSpec that pod selection
 * uses, with the precedence of research §2.1.
 */

/** The selection keys a config block may carry; all optional. */
export interface TargetBlock {
  selector?: string | undefined;
  labelSelector?: Record<string, string> | undefined;
  namespace?: string | undefined;
  containerName?: string | undefined;
}

/** The selection flags of `enter`, `logs` and `sync` (`-n`, `-l`, `-c`, `--pod`). */
export interface TargetFlags {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  container?: string | undefined;
  pod?: string | undefined;
}

/**
 * Resolve, in order: namespace = `-n` → block → named selector → default;
 * label selector = `-l` → block → named selector → the only `dev.selectors`
 * entry; container = `-c` → block → named selector (v3.5 ignored the
 * selector's `containerName`; we honour it). `--pod` names the pod outright.
 */
export function resolveTargetSpec(
  block: TargetBlock | undefined,
  selectors: readonly SelectorConfig[] | undefined,
  defaultNamespace: string,
  flags: TargetFlags = {},
): TargetSpec {
  const list = selectors ?? [];
  const named = block?.selector ? list.find((s) => s.name === block.selector) : undefined;
  const only = list.length === 1 ? list[0] : undefined;
  const namespace = flags.namespace || block?.namespace || named?.namespace || defaultNamespace;
  const spec: TargetSpec = { namespace };
  if (flags.pod) spec.pod = flags.pod;
  const labels = flags.labelSelector || block?.labelSelector || named?.labelSelector || (block?.selector ? undefined : only?.labelSelector);
  if (labels && (typeof labels === 'string' || Object.keys(labels).length > 0)) spec.labelSelector = labels;
  const container = flags.container || block?.containerName || named?.containerName;
  if (container) spec.container = container;
  return spec;
}

/** Whether a spec names any pod at all (a pod name or a label selector). */
export function hasSelector(spec: TargetSpec): boolean {
  return Boolean(spec.pod || selectorString(spec.labelSelector));
}

/** `pod web-1 in dev` / `pods with app=web in dev` / `any pod in dev`, for messages. */
export function describeTarget(spec: TargetSpec): string {
  if (spec.pod) return `pod ${spec.pod} in ${spec.namespace}`;
  const sel = selectorString(spec.labelSelector);
  return sel ? `pods with ${sel} in ${spec.namespace}` : `any pod in ${spec.namespace}`;
}
