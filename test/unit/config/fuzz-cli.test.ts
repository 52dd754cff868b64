import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack } from '../cli/helpers.js';
import { missingKeyCase, referenceCase, unknownKeyCase, unsetVariableCase, wrongTypeCase } from './fuzz-arbitraries.js';
import { lineLengths, MAX_ISSUES, MAX_LINE } from './fuzz-check.js';

// A sample of the generated files through the built CLI, as a user meets them: `devspace build` in a
// project folder must exit 2 with `error: devspace.yaml:line:col: ...` lines on stderr, no stack
// anywhere, and write nothing into the project.

const SPAWNS = 100;
let root: string;
let seed: number;
const seen = { spawned: 0, byKind: new Map<string, number>() };

beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(path.join(tmpdir(), 'devspace-fuzz-cli-'));
  seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  console.log(`fuzz-cli: ${seen.spawned} generated invalid files through \`devspace build\` (seed ${seed}): ${[...seen.byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
});

/** Hostile bytes the text generators cannot make: control characters, invalid UTF-8, alias bombs, deep brackets. */
const HOSTILE: { kind: string; bytes: Buffer }[] = [
  { kind: 'nul', bytes: Buffer.from('version: v1beta2\ncluster:\n  namespace: a\0b\n') },
  { kind: 'invalid-utf8', bytes: Buffer.concat([Buffer.from('version: v1beta2\n# '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]) },
  { kind: 'binary', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xff]) },
  { kind: 'alias-bomb', bytes: Buffer.from(`a: &a [x,x,x,x,x,x,x,x,x]\n${'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`).join('\n')}\n`) },
  { kind: 'alias-cycle', bytes: Buffer.from('cluster: &c\n  namespace: *c\n') },
  { kind: 'deep-flow', bytes: Buffer.from(`cluster: ${'['.repeat(5000)}`) },
  { kind: 'merge', bytes: Buffer.from('cluster:\n  <<: 5\n') },
  { kind: 'huge-list', bytes: Buffer.from(`hooks: [${Array(20_000).fill('1').join(',')}]\n`) },
  { kind: 'duplicate', bytes: Buffer.from('version: v1beta2\nversion: v1beta2\n') },
  { kind: 'tab', bytes: Buffer.from('dev:\n\tports: []\n') },
];

describe('generated bad devspace.yaml files through the built CLI', () => {
  it(`${SPAWNS} files: exit 2, located one-line errors, no stack, nothing written`, async () => {
    const generated = fc.oneof(wrongTypeCase, unknownKeyCase, missingKeyCase, referenceCase, unsetVariableCase);
    const cases = [
      ...HOSTILE,
      ...fc.sample(generated, { numRuns: SPAWNS - HOSTILE.length, seed }).map((c) => ({ kind: c.kind, bytes: Buffer.from(c.text) })),
    ];
    // Two at a time: the machine has two cores and each run is a fresh node process.
    let next = 0;
    const worker = async (w: number) => {
      for (let i = next++; i < cases.length; i = next++) {
        const { kind, bytes } = cases[i]!;
        const dir = path.join(root, `p${w}-${i}`);
        await mkdir(dir);
        await writeFile(path.join(dir, 'devspace.yaml'), bytes);
        const r = await devspace(['build'], { cwd: dir, timeoutMs: 60_000 });
        const why = `${kind} #${i}: ${JSON.stringify(bytes.toString('utf8').slice(0, 400))}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
        expect(r.code, why).toBe(2);
        expect(hasStack(r.stdout) || hasStack(r.stderr), why).toBe(false);
        expect(r.stdout, why).not.toMatch(/internal error|\n\s+at /);
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines.length, why).toBeGreaterThan(0);
        expect(lines.length, why).toBeLessThanOrEqual(MAX_ISSUES);
        const lengths = lineLengths(bytes.toString('utf8'));
        for (const line of lines) {
          const m = /^error: devspace\.yaml:(\d+):(\d+): \S/.exec(line);
          expect(m, why).not.toBeNull();
          const [row, col] = [Number(m![1]), Number(m![2])];
          expect(row, why).toBeLessThanOrEqual(lengths.length);
          expect(col, why).toBeLessThanOrEqual(lengths[row - 1]! + 1);
          expect(line.length, why).toBeLessThanOrEqual(MAX_LINE + 'error: '.length);
        }
        expect(await readdir(dir), why).toEqual(['devspace.yaml']);
        seen.spawned++;
        seen.byKind.set(kind, (seen.byKind.get(kind) ?? 0) + 1);
        await rm(dir, { recursive: true, force: true });
      }
    };
    await Promise.all([worker(0), worker(1)]);
    expect(seen.spawned).toBe(SPAWNS);
  }, 600_000);
});
