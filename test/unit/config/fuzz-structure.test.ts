import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_BASES, getAt, missingKeyCase, referenceCase, setAt, someValue, targetsOf, toYaml, unknownKeyCase, unsetVariableCase, violationOf, wrongSamples, wrongTypeCase, type FuzzCase } from './fuzz-arbitraries.js';
import { checkCase, runs, Tally } from './fuzz-check.js';

// Valid configs (every version DevSpace v3.5 read) corrupted at one node: wrong types at every schema
// position, unknown keys, missing keys, broken references and unset variables. Each must end in a
// located config error; see fuzz-arbitraries.ts for how "invalid" is guaranteed.

const tally = new Tally();
afterAll(() => console.log(tally.summary('fuzz-structure')));

const property = (arb: fc.Arbitrary<FuzzCase>) => fc.asyncProperty(arb, (c) => checkCase(c, tally));

describe('valid configs with one node corrupted', () => {
  it('rejects every wrong value at every schema position of every base config (exhaustive sweep)', async () => {
    // The file that uses every v1beta2 key, and the largest file of each older version; three wrong
    // values per position, rotating through the kinds the position must refuse.
    const bases = ALL_BASES.filter((b) => ['every-key.yaml', 'v1alpha1-full', 'v1alpha2', 'v1alpha3-minikube', 'v1alpha4', 'v1beta1'].includes(b.name));
    let n = 0;
    for (const b of bases) {
      for (const [i, t] of targetsOf(b.schema, b.data).entries()) {
        if (t.path.length === 0) continue;
        const samples = wrongSamples(t.schema);
        for (const value of new Set([0, 1, 2].map((k) => samples[(i + k) % samples.length]))) {
          const data = structuredClone(b.data);
          setAt(data, t.path, value);
          expect(violationOf(data), `${b.name} ${t.path.join('.')}`).toBeDefined();
          await checkCase({ kind: 'sweep', text: toYaml(data), invalid: true }, tally);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(2000);
  }, 120_000);

  it('rejects random wrong types, out-of-range numbers, empty names and wrong versions', async () => {
    await fc.assert(property(wrongTypeCase), runs(1200));
  }, 120_000);

  it('rejects unknown keys in every strict map, typos and later-version keys included', async () => {
    await fc.assert(property(unknownKeyCase), runs(1000));
  }, 120_000);

  it('rejects missing required keys, absent or left empty', async () => {
    await fc.assert(property(missingKeyCase), runs(500));
  }, 60_000);

  it('rejects broken references and deployments without exactly one kind', async () => {
    await fc.assert(property(referenceCase), runs(600));
  }, 60_000);

  it('rejects variables nothing sets', async () => {
    await fc.assert(property(unsetVariableCase), runs(300));
  }, 60_000);

  it('random replacement anywhere (free-form maps too): loads when the schema allows it, else a located error', async () => {
    const chaos = fc
      .constantFrom(...ALL_BASES)
      .chain((b) => {
        const paths: (string | number)[][] = [];
        const walk = (v: unknown, p: (string | number)[]) => {
          if (p.length) paths.push(p);
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
          else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
        };
        walk(b.data, []);
        return fc.tuple(fc.constant(b), fc.constantFrom(...paths), fc.option(someValue, { nil: null, freq: 6 }));
      })
      .map(([b, path, value]): FuzzCase => {
        const data = structuredClone(b.data);
        if (getAt(data, path.slice(0, -1)) !== undefined) setAt(data, path, value);
        // The independent checker decides; references and upgrades can still fail what it lets through.
        return { kind: 'replace-anywhere', text: toYaml(data), invalid: violationOf(data) !== undefined };
      });
    await fc.assert(property(chaos), runs(600));
  }, 120_000);
});
