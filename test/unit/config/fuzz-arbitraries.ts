import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { z } from 'zod';
import { LEGACY_VERSIONS, legacySchema } from '../../../src/engine/config/legacy/upgrade.js';
import { parseYaml } from '../../../src/engine/config/parse-yaml.js';
import { stringishDefs } from '../../../src/engine/config/schema-common.js';
import { generateSchema } from '../../../src/engine/config/write-schema.js';
import { fixture } from './helpers.js';

/**
 * Generators for the devspace.yaml fuzz tests. Every case says whether it is invalid by construction
 * (`invalid: true`, counted) or may legitimately load (`invalid: false`, checked but not counted). The
 * structural ones start from real, valid configs and corrupt one node, guided by the JSON Schema and a
 * small independent checker of it (`violation`), so they reach deep validation paths.
 */

export type Json = unknown;
type Obj = Record<string, unknown>;
type Schema = Record<string, unknown>;
type Path = (string | number)[];

/** One generated devspace.yaml. */
export interface FuzzCase {
  kind: string;
  text: string;
  /** True when the generator guarantees the file is invalid; only these count. */
  invalid: boolean;
}

/** `--var` values every case loads with (init-style.yaml needs one). */
export const VARS = { DEVSPACE_USERNAME: 'alice' };

const STRINGIFY = { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;
/** Serializes data as YAML 1.1 text the loader reads back unchanged (ambiguous strings get quoted). */
export const toYaml = (data: Json): string => stringify(data, STRINGIFY);

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** A valid config to start from, with the JSON Schema of its version. */
export interface Base {
  name: string;
  text: string;
  data: Obj;
  schema: Schema;
  legacy: boolean;
}

function jsonSchemaOf(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'input',
    override: (ctx) => {
      if (stringishDefs.has(ctx.zodSchema._zod.def)) ctx.jsonSchema.type = ['string', 'number', 'boolean'];
    },
  }) as Schema;
}

function base(name: string, rawText: string, schema: Schema, legacy: boolean): Base {
  const text = rawText.replaceAll('${DEVSPACE_USERNAME}', 'alice');
  const parsed = parseYaml(text, name);
  if (!parsed.ok) throw new Error(`base ${name} does not parse`);
  return { name, text, data: parsed.value, schema, legacy };
}

const CURRENT = generateSchema();
const repoFile = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

/** Valid v1beta2 configs: the fixtures, the reference example and the shipped example. */
export const CURRENT_BASES: Base[] = [
  ...['every-key.yaml', 'research-example.yaml', 'go-quirks.yaml', 'init-style.yaml', 'minimal.yaml'].map((f) =>
    base(f, fixture(f), CURRENT, false),
  ),
  base('devspace.yaml.example', repoFile('devspace.yaml.example'), CURRENT, false),
  base('examples/quickstart', repoFile('examples/quickstart/devspace.yaml'), CURRENT, false),
];

const LEGACY_FILES = [
  'v1alpha1-full', 'v1alpha1-microservices', 'v1alpha1-quickstart', 'v1alpha2', 'v1alpha3-minikube', 'v1alpha3-redeploy', 'v1alpha4', 'v1beta1',
];
/** Valid configs of the older versions DevSpace v3.5 still read. */
export const LEGACY_BASES: Base[] = LEGACY_FILES.map((f) => {
  const text = fixture(`legacy/${f}.yaml`);
  const version = LEGACY_VERSIONS.find((v) => text.includes(`version: ${v}\n`))!;
  return base(f, text, jsonSchemaOf(legacySchema(version)), true);
});

export const ALL_BASES = [...CURRENT_BASES, ...LEGACY_BASES];

// ---------------------------------------------------------------------------------------------------
// An independent checker of the JSON Schema, with the loader's documented YAML rules: a known key with an
// empty value is unset, string fields also take numbers and booleans. It says whether a value must fail.

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : []);
const isFree = (s: Schema | undefined): boolean => !s || (typesOf(s).length === 0 && s.const === undefined);

/** The first place where `value` breaks `schema`, or undefined when the schema allows it. */
export function violation(schema: Schema | undefined, value: unknown, path: Path = []): Path | undefined {
  if (isFree(schema)) return undefined;
  const s = schema!;
  if (s.const !== undefined) return value === s.const ? undefined : path;
  const types = typesOf(s);
  const ok = types.some((t) => {
    if (t === 'string') return typeof value === 'string' && value.length >= ((s.minLength as number | undefined) ?? 0);
    if (t === 'number') return typeof value === 'number' && (types.includes('string') || Number.isFinite(value));
    if (t === 'integer') return Number.isSafeInteger(value);
    if (t === 'boolean') return typeof value === 'boolean';
    if (t === 'array') return Array.isArray(value);
    if (t === 'object') return isObj(value);
    return false;
  });
  if (!ok) return path;
  if (typeof value === 'number' && types.includes('integer')) {
    if (typeof s.minimum === 'number' && value < s.minimum) return path;
    if (typeof s.maximum === 'number' && value > s.maximum) return path;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = violation(s.items as Schema, value[i], [...path, i]);
      if (bad) return bad;
    }
  } else if (isObj(value)) {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const extra = s.additionalProperties;
    for (const key of (s.required as string[] | undefined) ?? []) if (value[key] == null) return [...path, key];
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(props, k)) {
        const bad = v === null ? undefined : violation(props[k], v, [...path, k]);
        if (bad) return bad;
      } else if (extra === false || k === '__proto__') {
        return [...path, k]; // unknown key (even an empty one), or a key that cannot be an own property downstream
      } else if (isObj(extra)) {
        const bad = violation(extra, v, [...path, k]);
        if (bad) return bad;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Values

/** Strings that stay strings through the loader: no `${VAR}` (substitution could turn them into numbers). */
export const plainString = (maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ maxLength, unit: fc.constantFrom('binary', 'grapheme-ascii', 'grapheme') as never }).filter((s) => !s.includes('${'));
/** A map key that YAML writes back as itself (not the `<<` merge key). */
export const safeKey: fc.Arbitrary<string> = fc
  .oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/), plainString(10))
  .filter((k) => k !== '<<' && k !== '__proto__');

/** A small JSON-like value that is never null. */
export const someValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plainString(),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(safeKey, tie('v'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).v;

/** Values that `schema` must refuse (never null, which means "unset"). */
export function wrongValue(schema: Schema): fc.Arbitrary<Json> {
  const types = typesOf(schema);
  const choices: fc.Arbitrary<Json>[] = [];
  if (schema.const !== undefined) return fc.oneof(plainString(), fc.integer(), fc.array(someValue, { maxLength: 2 }));
  if (!types.includes('string')) choices.push(plainString(), fc.constantFrom('yes', 'no', '8080', '0x1F', '1:20', '2019-08-23', '~'));
  if (!types.includes('number') && !types.includes('integer')) choices.push(fc.integer(), fc.double());
  if (types.includes('integer')) {
    choices.push(fc.double({ noInteger: true }), fc.constantFrom(Infinity, -Infinity, NaN, 2 ** 53 + 2, 1e300, -1e300));
    // Bounds beyond 32 bits are the safe-integer limits, covered by the constants above.
    if (typeof schema.minimum === 'number' && Math.abs(schema.minimum) < 2 ** 31) choices.push(fc.integer({ max: schema.minimum - 1 }));
    if (typeof schema.maximum === 'number' && Math.abs(schema.maximum) < 2 ** 31) choices.push(fc.integer({ min: schema.maximum + 1 }));
  }
  if (!types.includes('boolean') && !types.includes('string')) choices.push(fc.boolean());
  if (!types.includes('array')) choices.push(fc.array(someValue, { maxLength: 3 }));
  if (!types.includes('object')) choices.push(fc.dictionary(safeKey, someValue, { maxKeys: 3, noNullPrototype: true }));
  if (typeof schema.minLength === 'number' && schema.minLength > 0) choices.push(fc.constant(''));
  return fc.oneof(...choices).filter((v) => violation(schema, v) !== undefined);
}

/** One value of each kind `schema` must refuse, for the exhaustive sweep. */
export function wrongSamples(schema: Schema): Json[] {
  const all: Json[] = ['text', 'yes', 42, 4.5, true, [1], [], { zz: 1 }, {}, '', 0, -1, 65536, 1e300, NaN];
  return all.filter((v) => violation(schema, v) !== undefined);
}

// ---------------------------------------------------------------------------------------------------
// Structural mutations of valid configs

/** A place in a base config the schema constrains, present or (for object keys) absent. */
export interface Target {
  path: Path;
  schema: Schema;
  /** The parent object's schema when `path` ends in a key; lets absent keys be added. */
  present: boolean;
}

/** Every constrained node of `data`, plus every absent key of every constrained map. */
export function targetsOf(schema: Schema, data: unknown, path: Path = [], out: Target[] = []): Target[] {
  if (isFree(schema)) return out;
  out.push({ path, schema, present: true });
  if (Array.isArray(data) && schema.items) data.forEach((v, i) => targetsOf(schema.items as Schema, v, [...path, i], out));
  if (isObj(data) && typesOf(schema).includes('object')) {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(data)) {
      const sub = Object.hasOwn(props, k) ? props[k] : isObj(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
      if (sub && v !== null) targetsOf(sub, v, [...path, k], out);
    }
    for (const [k, sub] of Object.entries(props)) if (data[k] == null && !isFree(sub)) out.push({ path: [...path, k], schema: sub, present: false });
  }
  return out;
}

/** Sets (or deletes, for `undefined`) the value at `path` as an own property, `__proto__` included. */
export function setAt(root: Obj, path: Path, value: unknown): void {
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) node = (node as Obj)[seg as string];
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete (node as Obj)[last as string];
  } else {
    Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  }
}

export function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((n, seg) => (n as Obj | undefined)?.[seg as string], root);
}

const LEGACY_SCHEMAS = new Map(LEGACY_BASES.map((b) => [b.data.version as string, b.schema]));

/** Where a config breaks the rules of the version it names (a changed `version` changes the rules). */
export function violationOf(data: Obj): Path | undefined {
  const version = data.version;
  if (version == null || version === 'v1beta2') return violation(CURRENT, data);
  const legacy = typeof version === 'string' ? LEGACY_SCHEMAS.get(version) : undefined;
  return legacy ? violation(legacy, data) : ['version'];
}

/** A mutated config that the independent checker confirms is invalid. */
function invalidData(kind: string, b: Base, data: Obj): FuzzCase {
  if (!violationOf(data)) throw new Error(`generator bug: ${kind} on ${b.name} left a valid config`);
  return { kind, text: toYaml(data), invalid: true };
}

/** Wrong type, out of range, empty name or wrong version at one place of a valid config. */
export const wrongTypeCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom(...ALL_BASES)
  .chain((b) => fc.tuple(fc.constant(b), fc.constantFrom(...targetsOf(b.schema, b.data).filter((t) => t.path.length > 0))))
  .chain(([b, t]) =>
    wrongValue(t.schema).map((v) => {
      const data = clone(b.data);
      setAt(data, t.path, v);
      return invalidData(t.path[0] === 'version' ? 'version' : 'wrong-type', b, data);
    }),
  );

/** An unknown key (typo, wrong case, later-version key or noise) in a map that allows only known keys. */
export const unknownKeyCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom(...ALL_BASES)
  .chain((b) => {
    const strict = targetsOf(b.schema, b.data).filter((t) => t.present && t.schema.additionalProperties === false);
    return fc.tuple(fc.constant(b), fc.constantFrom(...strict));
  })
  .chain(([b, t]) => {
    const known = Object.keys((t.schema.properties ?? {}) as Obj);
    const typo = fc.tuple(fc.constantFrom(...known), fc.nat()).map(([k, n]) => {
      const i = n % k.length;
      return [k.toUpperCase(), k.slice(0, i) + k.slice(i + 1), `${k}s`, k.slice(0, i) + k[i]!.toUpperCase() + k.slice(i + 1)][n % 4]!;
    });
    const later = fc.constantFrom('vars', 'profiles', 'commands', 'interactive', 'cmd', 'entrypoint', 'hooks', 'pipelines');
    const key = fc.oneof(typo, later, safeKey).filter((k) => !known.includes(k));
    return fc.tuple(key, fc.oneof({ weight: 4, arbitrary: someValue }, { weight: 1, arbitrary: fc.constant(null) })).map(([k, v]) => {
      const data = clone(b.data);
      setAt(data, [...t.path, k], v);
      return invalidData('unknown-key', b, data);
    });
  });

/** A required key taken away. */
export const missingKeyCase: fc.Arbitrary<FuzzCase> = fc.constantFrom(
  ...ALL_BASES.flatMap((b) =>
    targetsOf(b.schema, b.data)
      .filter((t) => t.present && Array.isArray(t.schema.required))
      .flatMap((t) => (t.schema.required as string[]).filter((k) => getAt(b.data, [...t.path, k]) != null).map((k) => ({ b, path: [...t.path, k] })))
      // Without `version` an old file is read as v1beta2, a different question (the version cases cover it).
      .filter(({ path }) => path.join('.') !== 'version'),
  ),
).chain(({ b, path }) =>
  fc.boolean().map((asEmpty) => {
    const data = clone(b.data);
    setAt(data, path, asEmpty ? null : undefined);
    return invalidData('missing-key', b, data);
  }),
);

/** A name that `defined` does not contain, for broken references. */
const undefinedName = (defined: string[]): fc.Arbitrary<string> => safeKey.filter((n) => !defined.includes(n));

/** A reference to something not defined, a pod entry without a selector, or a deployment without (or with two) kinds. */
export const referenceCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom(...CURRENT_BASES.filter((b) => isObj(b.data.dev) || Array.isArray(b.data.deployments)))
  .chain((b) => {
    const d = b.data as { dev?: Obj; deployments?: Obj[]; images?: Obj };
    const dev = d.dev ?? {};
    const selectors = ((dev.selectors as Obj[] | undefined) ?? []).map((s) => String(s.name));
    const images = Object.keys(d.images ?? {});
    const deployments = (d.deployments ?? []).map((x) => String(x.name));
    type Spot = fc.Arbitrary<(data: Obj) => void>;
    const spots: Spot[] = [];
    for (const section of ['ports', 'sync'] as const) {
      ((dev[section] as Obj[] | undefined) ?? []).forEach((_, i) => {
        spots.push(undefinedName(selectors).map((n) => (data) => setAt(data, ['dev', section, i, 'selector'], n)));
        spots.push(fc.constant((data) => {
          setAt(data, ['dev', section, i, 'selector'], undefined);
          setAt(data, ['dev', section, i, 'labelSelector'], undefined);
        }));
      });
    }
    if (isObj(dev.terminal)) spots.push(undefinedName(selectors).map((n) => (data) => setAt(data, ['dev', 'terminal', 'selector'], n)));
    ((dev.overrideImages as Obj[] | undefined) ?? []).forEach((_, i) =>
      spots.push(undefinedName(images).filter((n) => n !== '').map((n) => (data) => setAt(data, ['dev', 'overrideImages', i, 'name'], n))),
    );
    const reload = dev.autoReload as { images?: unknown[]; deployments?: unknown[] } | undefined;
    (reload?.images ?? []).forEach((_, i) => spots.push(undefinedName(images).map((n) => (data) => setAt(data, ['dev', 'autoReload', 'images', i], n))));
    (reload?.deployments ?? []).forEach((_, i) =>
      spots.push(undefinedName(deployments).map((n) => (data) => setAt(data, ['dev', 'autoReload', 'deployments', i], n))),
    );
    (d.deployments ?? []).forEach((dep, i) => {
      const kind = ['component', 'helm', 'kubectl'].find((k) => dep[k] != null)!;
      spots.push(fc.constant((data) => setAt(data, ['deployments', i, kind], undefined)));
      const other = kind === 'kubectl' ? { helm: { chart: { name: 'c' } } } : { kubectl: { manifests: ['k.yaml'] } };
      const [k, v] = Object.entries(other)[0]!;
      spots.push(fc.constant((data) => setAt(data, ['deployments', i, k], v)));
    });
    return fc.oneof(...spots).map((mutate) => {
      const data = clone(b.data);
      mutate(data);
      return { kind: 'reference', text: toYaml(data), invalid: true };
    });
  });

/** A `${VAR}` that nothing sets, in a string field of a valid config. */
const stringTargets = (b: Base): Target[] =>
  targetsOf(b.schema, b.data).filter((t) => t.present && typeof getAt(b.data, t.path) === 'string' && t.path[0] !== 'version');

export const unsetVariableCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom(...ALL_BASES.filter((b) => stringTargets(b).length > 0))
  .chain((b) => fc.tuple(fc.constant(b), fc.constantFrom(...stringTargets(b)), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/), fc.nat(3)))
  .filter(([, , name]) => !name.startsWith('DEVSPACE_') && !Object.hasOwn(VARS, name))
  .map(([b, t, name, style]) => {
    const data = clone(b.data);
    const old = String(getAt(b.data, t.path));
    setAt(data, t.path, [`\${${name}}`, `${old}-\${${name}}`, `\${${name}}/${old}`, `$\${x}\${${name}}`][style]);
    return { kind: 'unset-variable', text: toYaml(data), invalid: true };
  });
