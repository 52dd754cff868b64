import { z } from 'zod';
import { setOwn } from './own-key.js';

/**
 * Building blocks shared by the devspace.yaml schema modules. They encode how
 * DevSpace v3.5's Go loader read YAML, so that every file it accepted still
 * loads here: an empty `key:` means "unset", and a string field also takes a
 * number or boolean (Go re-marshals the parsed map and yaml.v2 then stores the
 * scalar's text in the string).
 */

/** Known keys of each strict map that rejected a key, keyed by the rejected input object, for "did you mean" hints. */
export const knownKeysOf = new WeakMap<object, readonly string[]>();

/** Defs of the string fields that also accept numbers and booleans, so the JSON Schema can say so. */
export const stringishDefs = new WeakSet<object>();

/** Drops the known keys whose value is empty; an unknown key stays, so that even `typo:` is reported. */
function dropNullKeys(known: ReadonlySet<string>) {
  return (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null || !known.has(k)) setOwn(out, k, v);
    return out;
  };
}

/**
 * Refuses a `__proto__` key in a map of free keys: zod builds the parsed map with plain assignment, which
 * would swallow the entry silently (a `__proto__:` image or label would just vanish).
 */
function refuseProtoKey(value: unknown, ctx: z.RefinementCtx): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, '__proto__')) {
    ctx.addIssue({ code: 'custom', message: 'the key `__proto__` is not allowed here', path: ['__proto__'], input: value, params: { at: 'key' } });
  }
  return value;
}

/** A map from any key (except `__proto__`) to values of one schema. */
export function record<V extends z.ZodType>(value: V, description?: string) {
  const map = z.record(z.string(), value);
  return z.preprocess(refuseProtoKey, description ? map.describe(description) : map);
}

function scalarToString(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** A strict map: unknown keys are errors and keys with an empty value count as absent. */
export function obj<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape);
  const strict = z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys' && typeof iss.input === 'object' && iss.input !== null) {
        knownKeysOf.set(iss.input, keys);
      }
      return undefined;
    },
  });
  return z.preprocess(dropNullKeys(new Set(keys)), strict);
}

/** A string field; numbers and booleans are taken as their text, as DevSpace v3.5 did. */
export function str(description?: string) {
  const s = z.preprocess(scalarToString, z.string());
  stringishDefs.add(s._zod.def);
  return description ? s.describe(description) : s;
}

/** A string that must not be empty (names that other keys refer to). */
export function name(description?: string) {
  const s = z.preprocess(scalarToString, z.string().min(1, { error: 'must not be empty' }));
  stringishDefs.add(s._zod.def);
  return description ? s.describe(description) : s;
}

/** A whole number. */
export function int(description?: string) {
  const s = z.number().int();
  return description ? s.describe(description) : s;
}

/** A whole number that is zero or more. */
export function count(description?: string) {
  const s = z.number().int().min(0, { error: 'expected 0 or more' });
  return description ? s.describe(description) : s;
}

/** A TCP port number. */
export function port(description?: string) {
  const s = z
    .number()
    .int()
    .min(1, { error: 'expected a port number from 1 to 65535' })
    .max(65535, { error: 'expected a port number from 1 to 65535' });
  return description ? s.describe(description) : s;
}

/** true or false (YAML 1.1 spellings like `yes`/`off` are read as booleans by the parser). */
export function bool(description?: string) {
  const s = z.boolean();
  return description ? s.describe(description) : s;
}

/** A list of strings. */
export function strList(description?: string) {
  const s = z.array(str());
  return description ? s.describe(description) : s;
}

/** A map of string to string, like labels or build args. */
export function strMap(description?: string) {
  return record(str(), description);
}

/** A map passed through untouched (Helm values, Kubernetes fragments). */
export function freeMap(description?: string) {
  return record(z.unknown(), description);
}
