import type { ConfigIssue } from '../../errors.js';
import { formatPath, type ConfigPath, type Locator, type Position } from '../locate.js';
import { checkReferences } from '../references.js';
import { CONFIG_VERSION, DevspaceConfigSchema } from '../schema.js';
import type { DevspaceConfig } from '../types.js';
import { validateWith } from '../validate.js';
import { legacyLayout, legacySchema, upgradeLegacy, type LegacyVersion } from './upgrade.js';

/** What the v1beta2 loader already knows about the file. */
export interface LegacyContext {
  /** File name for messages. */
  file: string;
  locator: Locator;
  /** Paths whose value still holds an unresolved `${VAR}`. */
  unresolved: Set<string>;
  /** Issues found so far (variables that could not be resolved). */
  issues: ConfigIssue[];
}

/** A legacy file upgraded to v1beta2, or the problems that stopped it. */
export type LegacyLoaded =
  | { ok: true; config: DevspaceConfig; locate: (path: ConfigPath) => Position }
  | { ok: false; issues: ConfigIssue[] };

/**
 * Loads a file written in an older config version the way DevSpace v3.5 did: strict validation against
 * that version's own schema, then an in-memory upgrade, one version at a time, to v1beta2. Every error,
 * and every later `locate`, points at the line in the user's file, in its own keys.
 */
export function loadLegacy(version: LegacyVersion, data: Record<string, unknown>, ctx: LegacyContext): LegacyLoaded {
  const { file, locator } = ctx;
  const issues = [...ctx.issues];
  const old = validateWith(legacySchema(version), data, file, locator, ctx.unresolved);
  if (!old.ok) issues.push(...old.issues);
  issues.push(...checkReferences(data, file, locator, legacyLayout(version)));
  if (!old.ok || issues.length > 0) return { ok: false, issues };

  const upgraded = upgradeLegacy(version, old.value);
  if (upgraded.issues.length > 0) {
    const stopped = upgraded.issues.map((i) => ({ file, ...locator.value(i.path), path: formatPath(i.path), message: i.message }));
    return { ok: false, issues: stopped };
  }
  // The old schema asks for everything v1beta2 needs, so this only fails if an upgrade step has a gap;
  // even then the message points at the user's line.
  const validated = validateWith(DevspaceConfigSchema, upgraded.data, file, locator, new Set(), {
    origin: upgraded.origin,
    suffix: ` (after upgrading ${version} to ${CONFIG_VERSION})`,
  });
  if (!validated.ok) return { ok: false, issues: validated.issues };
  return { ok: true, config: validated.value, locate: (path) => locator.value(upgraded.origin(path)) };
}
