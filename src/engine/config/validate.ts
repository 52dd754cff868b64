import type { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import { formatPath, type ConfigPath, type Locator } from './locate.js';
import { DevspaceConfigSchema } from './schema.js';
import { knownKeysOf } from './schema-common.js';
import { clip, quoted } from './quote.js';
import { closest } from './suggest.js';
import type { DevspaceConfig } from './types.js';

/** Keys people carry over from later DevSpace versions (by parent path), with what to do instead. */
const LATER_VERSION_KEYS: Record<string, string> = {
  vars: 'top-level `vars` arrived in DevSpace v4 (config v1beta3); in v1beta2 write `${NAME}` and pass `--var NAME=VALUE`',
  commands: 'top-level `commands` arrived in DevSpace v4 (config v1beta3) and is not part of v1beta2',
  profiles: 'top-level `profiles` arrived in DevSpace v4 (config v1beta3) and is not part of v1beta2',
  'dev.interactive': '`dev.interactive` arrived in DevSpace v4; in v1beta2 use `dev.overrideImages` and `dev.terminal`',
  'images.*.cmd': '`images.*.cmd` arrived in DevSpace v4; in v1beta2 use `dev.overrideImages[].entrypoint`',
  'images.*.entrypoint': '`images.*.entrypoint` arrived in DevSpace v4; in v1beta2 use `dev.overrideImages[].entrypoint`',
};

function laterVersionHint(parent: (string | number)[], key: string): string | undefined {
  const where = parent[0] === 'images' && parent.length === 2 ? 'images.*' : formatPath(parent);
  const id = where ? `${where}.${key}` : key;
  return Object.hasOwn(LATER_VERSION_KEYS, id) ? LATER_VERSION_KEYS[id] : undefined;
}

/** Result of schema validation: the typed config when valid, else the issues. */
export type Validated = { ok: true; config: DevspaceConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates the variable-substituted data against the v1beta2 schema and explains each problem in file terms. */
export function validateSchema(data: unknown, file: string, locator: Locator, skip: Set<string>): Validated {
  const result = validateWith(DevspaceConfigSchema, data, file, locator, skip, { laterHints: true });
  return result.ok ? { ok: true, config: result.value } : result;
}

/** How validateWith words and places its issues. */
export interface ExplainOptions {
  /** Add advice for keys that arrived after v1beta2 (fits v1beta2 files only). */
  laterHints?: boolean;
  /** Maps a path of the validated data to the path in the file (for data upgraded from an older version). */
  origin?: (path: ConfigPath) => ConfigPath;
  /** Appended to every message. */
  suffix?: string;
}

/** Validates data against any config schema (older versions have their own) and explains each problem in file terms. */
export function validateWith<T>(
  schema: z.ZodType<T>,
  data: unknown,
  file: string,
  locator: Locator,
  skip: Set<string>,
  options: ExplainOptions = {},
): { ok: true; value: T } | { ok: false; issues: ConfigIssue[] } {
  let result;
  try {
    result = schema.safeParse(data, { reportInput: true });
  } catch (err) {
    // zod spreads a list's issues into function arguments; parse-yaml's size limits keep this from happening.
    if (!(err instanceof RangeError)) throw err;
    return { ok: false, issues: [{ file, ...locator.value([]), path: '', message: 'devspace.yaml has too many problems to check' }] };
  }
  if (result.success) return { ok: true, value: result.data };
  const issues: ConfigIssue[] = [];
  for (const iss of result.error.issues) {
    for (const issue of explain(iss, file, locator, options)) {
      // A value that still holds an unresolved ${VAR} already has its own error.
      if (!skip.has(issue.path)) issues.push(issue);
    }
  }
  return { ok: false, issues };
}

function explain(iss: z.core.$ZodIssue, file: string, locator: Locator, options: ExplainOptions): ConfigIssue[] {
  const path = iss.path as (string | number)[];
  const origin = options.origin ?? ((p: ConfigPath) => p);
  const at = (p: (string | number)[], message: string, key = false): ConfigIssue => {
    const o = origin(p);
    return { file, ...(key ? locator.key(o) : locator.value(o)), path: formatPath(o), message: message + (options.suffix ?? '') };
  };
  const input = (iss as { input?: unknown }).input;
  switch (iss.code) {
    case 'unrecognized_keys': {
      const known = typeof input === 'object' && input !== null ? (knownKeysOf.get(input) ?? []) : [];
      return iss.keys.map((key) =>
        at([...path, key], unknownKeyMessage(key, known, options.laterHints ? laterVersionHint(path, key) : undefined), true),
      );
    }
    case 'invalid_type': {
      const expected = typeName(iss.expected);
      if (input === undefined) {
        const last = path[path.length - 1];
        // `key:` with nothing after it was dropped as "unset"; say so rather than claim the key is missing.
        if (locator.has(origin(path))) return [at(path, `\`${String(last)}\` is empty; expected ${expected}`)];
        return [at(path.slice(0, -1), `missing required key \`${String(last)}\` (${expected})`)].map((i) => ({
          ...i,
          path: formatPath(origin(path)),
        }));
      }
      return [at(path, `expected ${expected}, found ${describe(input)}`)];
    }
    case 'too_small':
    case 'too_big': {
      const custom = iss.message && !iss.message.startsWith('Too ') ? iss.message : undefined;
      const bound = iss.code === 'too_small' ? `at least ${String(iss.minimum)}` : `at most ${String(iss.maximum)}`;
      return [at(path, `${custom ?? `expected ${bound}`}, found ${describe(input)}`)];
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => JSON.stringify(v)).join(' or ');
      return [at(path, `expected ${values}, found ${describe(input)}`)];
    }
    default:
      // A custom issue about a key itself (`__proto__`) points at the key.
      return [at(path, iss.message, (iss as { params?: { at?: string } }).params?.at === 'key')];
  }
}

function unknownKeyMessage(key: string, known: readonly string[], later: string | undefined): string {
  const shown = clip(key);
  if (later) return `unknown key \`${shown}\`: ${later}`;
  const guess = closest(key, known);
  if (guess) return `unknown key \`${shown}\`; did you mean \`${guess}\`?`;
  return `unknown key \`${shown}\`; expected one of: ${known.join(', ')}`;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'integer';
    case 'object':
    case 'record':
      return 'map';
    case 'array':
      return 'list';
    default:
      return expected;
  }
}

/** Describes a YAML value for "found …" in messages: `string "abc"`, `number 3.5`, `list`, `map`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return `string ${quoted(value)}`;
  if (typeof value === 'object') return 'map';
  return `${typeof value} ${String(value)}`;
}
