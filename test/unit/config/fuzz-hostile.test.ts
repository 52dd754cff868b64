import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/config/index.js';
import { ALL_BASES, CURRENT_BASES, plainString, setAt, someValue, targetsOf, toYaml, VARS, violationOf, type FuzzCase } from './fuzz-arbitraries.js';
import { assertLocated, checkCase, runs, Tally } from './fuzz-check.js';

// Hostile devspace.yaml files: alias bombs and cycles, deep nesting, huge strings, lists and numbers,
// broken merges and keys, wrong versions, `__proto__` keys, and files that are not UTF-8 text at all.

const tally = new Tally();
afterAll(() => console.log(tally.summary('fuzz-hostile')));
const bad = (kind: string, text: string): FuzzCase => ({ kind, text, invalid: true });
const check = (arb: fc.Arbitrary<FuzzCase>, n: number) => fc.assert(fc.asyncProperty(arb, (c) => checkCase(c, tally)), runs(n));
const HELM = 'deployments:\n- name: d\n  helm:\n    chart: {name: c}\n    values:\n';

/** Level 0 holds `w` strings, every further level `w` aliases of the one below: w^(d+1) strings expanded. */
function bomb(w: number, d: number, indent: string): string {
  const lines = [`${indent}a0: &a0 [${Array(w).fill('"lol"').join(', ')}]`];
  for (let i = 1; i <= d; i++) lines.push(`${indent}a${i}: &a${i} [${Array(w).fill(`*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('aliases and merges', () => {
  it('alias bombs: refused as a bomb or as unknown keys, never expanded', async () => {
    const top = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 10 })).map(([w, d]) => bad('alias-bomb', `version: v1beta2\n${bomb(w, d, '')}`));
    // Inside Helm values any key is allowed: small ones may load, a million expansions must not.
    const inValues = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 10 })).map(([w, d]) => ({
      kind: 'alias-bomb-in-values',
      text: HELM + bomb(w, d, '      '),
      invalid: w ** (d + 1) >= 1e6,
    }));
    await check(fc.oneof(top, inValues), 300);
  }, 60_000);

  it('alias cycles, aliases without an anchor, and merges of things that are not maps', async () => {
    const cycle = fc.constantFrom(
      'a: &a [*a]\n',
      'a: &a {b: *a}\n',
      'cluster: &c\n  namespace: *c\n',
      'a: &a\n  b:\n  - x\n  - c: *a\n',
      `${HELM}      x: &x {y: [1, *x]}\n`,
      'images: &i\n  app:\n    image: x\n    build: *i\n',
    ).map((t) => bad('alias-cycle', t));
    const dangling = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.constantFrom(0, 1, 2)).map(([name, where]) =>
      bad('undefined-alias', [`cluster: *${name}\n`, `cluster:\n  namespace: *${name}\nx: &${name} ns\n`, `${HELM}      v: *${name}\n`][where]!),
    );
    const merge = fc
      .tuple(fc.constantFrom('5', '"text"', '[1, 2]', '[*s]', '*s', '', '[]', 'null', '[{a: 1}, 3]'), fc.boolean())
      .map(([v, inValues]) => bad('bad-merge', `s: &s [1]\n${inValues ? HELM.replace('deployments', 'deployments') : ''}${inValues ? '      ' : ''}m:\n${inValues ? '      ' : ''}  <<: ${v}\n`));
    const complexKey = fc
      .constantFrom('? [a, b]\n: c\n', '? {a: 1}\n: x\n', '{[a]: 1}\n', `${HELM}      ? [k]\n      : v\n`, 'cluster:\n  ? - ns\n  : x\n', 'l: &l [1]\n*l : 2\n')
      .map((t) => bad('collection-key', t));
    await check(fc.oneof(cycle, dangling, merge, complexKey), 400);
  }, 60_000);
});

describe('nesting and size', () => {
  it('deep nesting: flow brackets past the limit, block maps under unknown keys, nested lists at the top', async () => {
    const flow = fc.tuple(fc.integer({ min: 257, max: 20_000 }), fc.constantFrom('cluster: ', `${HELM}      deep: `, '')).map(([n, prefix]) => bad('deep-flow', prefix + '['.repeat(n)));
    const block = fc.integer({ min: 2, max: 1200 }).map((n) => bad('deep-block', Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')));
    const seq = fc.integer({ min: 2, max: 2000 }).map((n) => bad('deep-list', `${'- '.repeat(n)}x\n`));
    const inValues = fc.integer({ min: 2, max: 1200 }).map((n): FuzzCase => ({
      kind: 'deep-in-values',
      text: HELM + Array.from({ length: n }, (_, i) => `${' '.repeat(i + 6)}k:`).join('\n') + ' 1\n',
      invalid: false,
    }));
    await check(fc.oneof(flow, block, seq, inValues), 200);
  }, 120_000);

  it('huge strings as values, keys, versions, references and variable names', async () => {
    const big = fc.tuple(fc.integer({ min: 1_000, max: 1_500_000 }), fc.constantFrom('x', 'ab1', 'é', '日本', '🙂')).map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
    const placed = fc.tuple(big, fc.integer({ min: 0, max: 6 })).map(([s, where]) => {
      const texts = [
        `cluster: ${s}\n`,
        `version: v${s}\n`,
        `dev:\n  terminal:\n    selector: ${s}\n`,
        `{"${s}": 1}\n`,
        `? ${s}\n: 1\n`,
        `cluster:\n  namespace: \${${s}}\n`,
        `images:\n  app:\n    image: ${s}\n`, // valid: a long name is the registry's problem
      ];
      return { kind: where === 6 ? 'huge-valid-string' : 'huge-string', text: texts[where]!, invalid: where !== 6 };
    });
    await check(placed, 60);
  }, 120_000);

  it('huge lists and maps of wrong entries: a capped list of problems', async () => {
    // Up to past the loader's limit of 50 000 lines and items (refused before parsing).
    const n = fc.oneof(fc.integer({ min: 30, max: 3_000 }), fc.integer({ min: 3_000, max: 60_000 }));
    const lists = fc.tuple(n, fc.integer({ min: 0, max: 5 })).map(([k, where]) => {
      const many = (item: string) => Array(k).fill(item).join(', ');
      const texts = [
        `hooks: [${many('1')}]\n`,
        `dev:\n  ports:\n  - labelSelector: {a: b}\n    forward: [${many('{port: 0}')}]\n`,
        `images: {${Array.from({ length: k }, (_, i) => `i${i}: 1`).join(', ')}}\n`,
        `cluster: {${Array.from({ length: k }, (_, i) => `u${i}: 1`).join(', ')}}\n`,
        `hooks:\n${'- command: x\n'.repeat(k)}- 5\n`,
        `cluster:\n${'  namespace: x\n'.repeat(Math.min(k, 2000))}`,
      ];
      return bad('huge-list', texts[where]!);
    });
    await check(lists, 20);
  }, 120_000);

  it('numbers beyond every range where ports, counts and integers belong', async () => {
    const digits = fc.integer({ min: 6, max: 400 }).chain((k) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${k - 1}}$`)));
    const number = fc.oneof(
      fc.constantFrom('1e400', '-1e400', '.inf', '-.inf', '.nan', '.NaN', '65536', '0', '-1', '3.5', '1e5', '1_000_000', '0xfffff', '0x' + 'f'.repeat(40), '9007199254740993'),
      digits,
      digits.map((d) => `-${d}`),
    );
    const where = fc.constantFrom(
      (v: string) => `dev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - port: ${v}\n`,
      (v: string) => `dev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - port: 80\n      remotePort: ${v}\n`,
      (v: string) => `deployments:\n- name: d\n  component:\n    service:\n      ports:\n      - port: ${v}\n`,
      // A count takes any safe integer from 0 up: negative, fractional or unsafe ones.
      (v: string) => {
        const n = Number(v.replaceAll('_', ''));
        return `deployments:\n- name: d\n  component:\n    replicas: ${v === '0' ? '-1' : Number.isSafeInteger(n) && n > 0 ? `-${v}` : v}\n`;
      },
    );
    await check(fc.tuple(number, where).map(([v, f]) => bad('huge-number', f(v))), 400);
  }, 60_000);
});

describe('versions, legacy files and keys', () => {
  it('versions that do not exist or are not strings', async () => {
    const version = fc.oneof(
      plainString(20).filter((s) => !['v1beta2', 'v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4', 'v1beta1'].includes(s)),
      fc.constantFrom('v1beta3', 'v2beta1', 'v1', 'V1BETA2', 'v1beta2 ', 'v1beta', 'v0', 'latest'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.array(someValue, { maxLength: 2 }),
    );
    const arb = fc.tuple(fc.constantFrom(...CURRENT_BASES), version).map(([b, v]) => bad('version', toYaml({ ...b.data, version: v })));
    await check(arb, 400);
  }, 60_000);

  it('v1beta2 content labelled as an older version: refused when that version lacks its keys', async () => {
    const arb = fc
      .tuple(fc.constantFrom(...CURRENT_BASES), fc.constantFrom('v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4', 'v1beta1'))
      .map(([b, v]): FuzzCase => {
        const data = { ...b.data, version: v };
        return { kind: 'mislabelled-legacy', text: toYaml(data), invalid: violationOf(data) !== undefined };
      });
    await check(arb, 150);
  }, 60_000);

  it('a `__proto__` key in any map, strict or free, is refused instead of silently lost', async () => {
    const arb = fc
      .constantFrom(...ALL_BASES)
      .chain((b) => fc.tuple(fc.constant(b), fc.constantFrom(...targetsOf(b.schema, b.data).filter((t) => t.present && t.schema.type === 'object')), someValue))
      .map(([b, t, v]) => {
        const data = structuredClone(b.data);
        setAt(data, [...t.path, '__proto__'], v);
        expect(violationOf(data)).toBeDefined();
        return bad('proto-key', toYaml(data));
      });
    await check(arb, 300);
  }, 60_000);
});

describe('bytes that are not UTF-8 text', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'devspace-fuzz-bytes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the bytes as the project's devspace.yaml and loads it from disk, as the CLI does. */
  async function checkBytes(kind: string, bytes: Buffer, invalid: boolean, shownText: string): Promise<unknown> {
    await writeFile(path.join(dir, 'devspace.yaml'), bytes);
    const started = performance.now();
    let error: string | undefined;
    let config: unknown;
    try {
      config = (await loadConfig({ cwd: dir, env: {}, vars: VARS })).config;
    } catch (err) {
      error = assertLocated(err, shownText);
    }
    if (invalid && !error) throw new Error(`${kind}: expected a config error, but it loaded`);
    tally.add(kind, invalid, error, performance.now() - started);
    return config;
  }

  const texts = CURRENT_BASES.map((b) => toYaml(b.data));

  it('binary garbage, invalid UTF-8 sequences anywhere, and half a character at the end', async () => {
    const garbage = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.nat()).map(([a, n]) => {
      const bytes = Buffer.from(a);
      const at = n % (bytes.length + 1);
      return { kind: 'binary', bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)]) };
    });
    const BAD = [[0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];
    const injected = fc.tuple(fc.constantFrom(...texts), fc.constantFrom(...BAD), fc.nat()).map(([t, seq, n]) => {
      const bytes = Buffer.from(t);
      const at = n % (bytes.length + 1);
      return { kind: 'invalid-utf8', bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(seq), bytes.subarray(at)]) };
    });
    const cut = fc.tuple(fc.constantFrom(...texts), fc.constantFrom('é', '日', '🙂'), fc.integer({ min: 1, max: 3 })).map(([t, ch, drop]) => {
      const bytes = Buffer.from(`${t}# ${ch}`);
      return { kind: 'truncated-utf8', bytes: bytes.subarray(0, bytes.length - Math.min(drop, Buffer.byteLength(ch) - 1)) };
    });
    const odd = fc.constantFrom(...texts).map((t) => ({ kind: 'odd-utf16', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le'), Buffer.from([0x41])]) }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage, injected, cut, odd), async ({ kind, bytes }) => {
        const shown = kind === 'odd-utf16' ? bytes.subarray(2, -1).toString('utf16le') : bytes.toString('utf8');
        await checkBytes(kind, bytes, true, shown);
      }),
      runs(500),
    );
  }, 120_000);

  it('UTF-16 (either byte order) and UTF-8 with a byte order mark load the same config as plain UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...texts), fc.constantFrom('utf16le', 'utf16be', 'utf8-bom'), async (t, encoding) => {
        const expected = await checkBytes('plain-utf8', Buffer.from(t), false, t);
        const le = Buffer.from(`\ufeff${t}`, 'utf16le');
        const bytes = encoding === 'utf16le' ? le : encoding === 'utf16be' ? Buffer.from(le).swap16() : Buffer.from(`\ufeff${t}`);
        expect(await checkBytes(encoding, bytes, false, `\ufeff${t}`)).toEqual(expected);
      }),
      runs(30),
    );
  }, 60_000);
});
