import type { z } from 'zod';
import type { ConfigPath } from '../locate.js';
import type { ReferenceLayout } from '../references.js';
import { CURRENT_LAYOUT } from '../references.js';
import { Draft, type DataPath } from './draft.js';
import { layoutSchema } from './schema-legacy.js';
import { v1alpha1Schema } from './schema-v1alpha1.js';
import { fromV1alpha2, fromV1alpha3, fromV1alpha4, fromV1beta1 } from './upgrade-steps.js';
import { fromV1alpha1, type StepIssue } from './upgrade-v1alpha1.js';

/**
 * The config versions DevSpace v3.5 still read and upgraded in memory, oldest first (its
 * `versions/versions.go` and the v3.5.18 config reference list exactly these before v1beta2).
 */
export const LEGACY_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4', 'v1beta1'] as const;

/** One of LEGACY_VERSIONS. */
export type LegacyVersion = (typeof LEGACY_VERSIONS)[number];

/** Whether a `version:` value names a version that is upgraded on load. */
export function isLegacyVersion(version: unknown): version is LegacyVersion {
  return typeof version === 'string' && (LEGACY_VERSIONS as readonly string[]).includes(version);
}

interface VersionSpec {
  schema: () => z.ZodType<Record<string, unknown>>;
  layout: ReferenceLayout;
  step: (d: Draft) => StepIssue[];
}

const ALPHA_KINDS = ['helm', 'kubectl'];

const SPECS: Record<LegacyVersion, VersionSpec> = {
  v1alpha1: {
    schema: v1alpha1Schema,
    layout: { dev: 'devSpace', deploymentsInDev: true, selectorKey: 'service', selectorsKey: 'services', kinds: ALPHA_KINDS },
    step: fromV1alpha1,
  },
  v1alpha2: { schema: () => layoutSchema('v1alpha2'), layout: { ...CURRENT_LAYOUT, kinds: ALPHA_KINDS }, step: fromV1alpha2 },
  v1alpha3: { schema: () => layoutSchema('v1alpha3'), layout: { ...CURRENT_LAYOUT, kinds: ALPHA_KINDS }, step: fromV1alpha3 },
  v1alpha4: { schema: () => layoutSchema('v1alpha4'), layout: CURRENT_LAYOUT, step: fromV1alpha4 },
  v1beta1: { schema: () => layoutSchema('v1beta1'), layout: CURRENT_LAYOUT, step: fromV1beta1 },
};

// Built on first use: most runs read v1beta2 and never need these.
const schemas = new Map<LegacyVersion, z.ZodType<Record<string, unknown>>>();

/** The strict schema of a whole file of an older version. */
export function legacySchema(version: LegacyVersion): z.ZodType<Record<string, unknown>> {
  let schema = schemas.get(version);
  if (!schema) {
    schema = SPECS[version].schema();
    schemas.set(version, schema);
  }
  return schema;
}

/** Where an older version keeps the names that refer to each other. */
export function legacyLayout(version: LegacyVersion): ReferenceLayout {
  return SPECS[version].layout;
}

/** A config upgraded to v1beta2, with the way back to the user's file. */
export interface Upgraded {
  /** The config in v1beta2 form (not yet validated against v1beta2). */
  data: Record<string, unknown>;
  /** The path in the user's file that a path of `data` came from. */
  origin(path: ConfigPath): ConfigPath;
  /** Problems that stopped the upgrade, at paths of the user's file. */
  issues: StepIssue[];
}

/** Upgrades data that validated against `legacySchema(version)` to v1beta2, one version at a time. */
export function upgradeLegacy(version: LegacyVersion, data: Record<string, unknown>): Upgraded {
  const drafts: Draft[] = [];
  const back = (path: DataPath): DataPath => drafts.reduceRight((p, d) => d.origin(p), path);
  let current = data;
  for (const step of LEGACY_VERSIONS.slice(LEGACY_VERSIONS.indexOf(version))) {
    const draft = new Draft(current);
    const issues = SPECS[step].step(draft);
    if (issues.length > 0) return { data: current, origin: (p) => p, issues: issues.map((i) => ({ ...i, path: back(i.path) })) };
    drafts.push(draft);
    current = draft.data;
  }
  return { data: current, origin: (p) => back(p.filter((s): s is string | number => typeof s !== 'symbol')), issues: [] };
}
