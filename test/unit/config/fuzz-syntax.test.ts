import fc from 'fast-check';
import { isScalar, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_BASES, toYaml, type FuzzCase } from './fuzz-arbitraries.js';
import { checkCase, loadText, runs, Tally } from './fuzz-check.js';

// Broken YAML made from valid configs: the text of each base config, written out in a known block style,
// then corrupted where the YAML spec leaves no valid reading (an unclosed quote or bracket, a tab or a
// half step of indentation, a reserved character, a duplicate key, a second document, a control
// character). Random edits that may or may not break the file are checked too but not counted, and
// edits that must not change anything (line ends, BOM, comments) must load the same config.

const tally = new Tally();
afterAll(() => console.log(tally.summary('fuzz-syntax')));

/** A `key: value` entry of a block map, by position in the canonical text. */
interface Spot {
  /** 0-based line and key column. */
  line: number;
  col: number;
  /** Index of the entry in its map. */
  index: number;
  key: string;
  /** Offset of a value that starts on the key's line. */
  valueStart?: number;
}

interface Canon {
  text: string;
  lines: string[];
  spots: Spot[];
}

function canon(data: unknown): Canon {
  const text = toYaml(data);
  const counter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: counter });
  const spots: Spot[] = [];
  visit(doc, {
    Map(_, map) {
      if (map.flow) return;
      map.items.forEach((pair, index) => {
        const key = pair.key as Node | null;
        if (!isScalar(key) || !key.range) return;
        const { line, col } = counter.linePos(key.range[0]);
        const value = pair.value as Node | null;
        const sameLine = value?.range && counter.linePos(value.range[0]).line === line && !/^[|>]/.test(text.slice(value.range[0]));
        spots.push({ line: line - 1, col: col - 1, index, key: text.slice(key.range[0], key.range[1]), ...(sameLine ? { valueStart: value.range![0] } : {}) });
      });
    },
  });
  return { text, lines: text.split('\n'), spots };
}

const CANONS = ALL_BASES.map((b) => canon(b.data));
const withSpots = (pick: (s: Spot) => boolean) =>
  fc.constantFrom(...CANONS.filter((c) => c.spots.some(pick))).chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...c.spots.filter(pick))));

const replaceLine = (c: Canon, line: number, text: string): string => c.lines.map((l, i) => (i === line ? text : l)).join('\n');
const insertLine = (c: Canon, before: number, text: string): string => [...c.lines.slice(0, before), text, ...c.lines.slice(before)].join('\n');
const broken = (kind: string, text: string): FuzzCase => ({ kind, text, invalid: true });

// A later entry of a nested block map: it has siblings above it and a parent to its left.
const nestedLater = (s: Spot) => s.index >= 1 && s.col >= 2;

const tabIndent = withSpots(nestedLater).map(([c, s]) => broken('tab-indentation', replaceLine(c, s.line, `\t${c.lines[s.line]!.trimStart()}`)));
const halfIndent = withSpots(nestedLater).map(([c, s]) => broken('bad-indentation', replaceLine(c, s.line, c.lines[s.line]!.slice(1))));

// An opening quote or bracket with no closer anywhere after it can never be closed.
const unclosed = withSpots((s) => s.valueStart !== undefined).chain(([c, s]) =>
  fc.constantFrom(['"', '"'], ["'", "'"], ['[', ']'], ['{', '}']).map(([open, close]) => {
    const at = s.valueStart!;
    return broken(open === '"' || open === "'" ? 'unclosed-quote' : 'unclosed-bracket', c.text.slice(0, at) + open + c.text.slice(at).replaceAll(close!, ''));
  }),
);
const reserved = withSpots((s) => s.valueStart !== undefined).chain(([c, s]) =>
  fc.constantFrom('@', '`').map((ch) => broken('reserved-character', c.text.slice(0, s.valueStart!) + ch + c.text.slice(s.valueStart!))),
);
// At column 0, so it cannot continue a plain value of the line above (a deeper `]` would).
const strayCloser = withSpots((s) => s.col === 0).chain(([c, s]) =>
  fc.constantFrom(']', '}', '] # x', '},').map((ch) => broken('stray-bracket', insertLine(c, s.line, ch))),
);
const duplicate = withSpots((s) => s.valueStart !== undefined).chain(([c, s]) =>
  fc.constantFrom('x', '1', '[]', '{}', 'true').map((v) => broken('duplicate-key', insertLine(c, s.line + 1, `${' '.repeat(s.col)}${s.key}: ${v}`))),
);
// One UTF-16 unit each: spreading the string would pair the two surrogate halves into one valid character.
const FORBIDDEN = '\0\x01\x07\x08\x0b\x0c\x1b\x7f\x80\x9f\ufffe\uffff\ud800\udfff'.split('');
const control = fc
  .tuple(fc.constantFrom(...CANONS), fc.constantFrom(...FORBIDDEN), fc.nat())
  .map(([c, ch, n]) => {
    const at = n % (c.text.length + 1);
    return broken('control-character', c.text.slice(0, at) + ch + c.text.slice(at));
  });
const secondDocument = fc.tuple(fc.constantFrom(...CANONS), fc.constantFrom(...CANONS), fc.constantFrom('---\n', '...\n', '--- # next\n')).map(([a, b, sep]) => broken('several-documents', a.text + sep + b.text));
const notAMap = fc
  .oneof(
    fc.constantFrom('- a\n- b\n', '42\n', 'true\n', '"version: v1beta2"\n', 'just text\n', '[version, v1beta2]\n', '- version: v1beta2\n', '!!str x\n', '|\n  block\n'),
    fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 5 }).map((items) => items.map((i) => `- ${i}\n`).join('')),
  )
  .map((t) => broken('top-level-not-a-map', t));
const empty = fc.constantFrom('', ' ', '\n\n', '# only a comment\n', '---\n', '...\n', '--- \n...\n', '~\n', 'null\n', '\t\n', '\ufeff', '\ufeff# bom\n').map((t) => broken('empty', t));

describe('broken YAML', () => {
  it.each([
    ['tabs as indentation', tabIndent, 500],
    ['half a step of indentation', halfIndent, 500],
    ['unclosed quotes and brackets', unclosed, 700],
    ['values starting with a reserved character', reserved, 300],
    ['stray closing brackets', strayCloser, 300],
    ['duplicate keys', duplicate, 500],
    ['control characters and lone surrogates anywhere', control, 700],
    ['several documents', secondDocument, 200],
    ['a top level that is not a map', notAMap, 100],
    ['empty files', empty, 50],
  ] as const)('%s: a located config error', async (_, arb, n) => {
    await fc.assert(fc.asyncProperty(arb, (c) => checkCase(c, tally)), runs(n));
  }, 120_000);

  it('random edits (deleted, doubled, swapped or re-indented lines, cut-off text, stray characters): loads, or a located error', async () => {
    const edit = fc.tuple(fc.constantFrom(...CANONS), fc.nat(), fc.nat(), fc.constantFrom(0, 1, 2, 3, 4, 5, 6), fc.string({ minLength: 1, maxLength: 1 })).map(([c, a, b, op, ch]): FuzzCase => {
      const [i, j] = [a % c.lines.length, b % c.lines.length];
      const lines = [...c.lines];
      const at = a % (c.text.length + 1);
      let text: string;
      if (op === 0) text = c.text.slice(0, at);
      else if (op === 1) text = c.text.slice(0, at) + c.text.slice(at + 1);
      else if (op === 2) text = c.text.slice(0, at) + ch + c.text.slice(at);
      else if (op === 3) text = (lines.splice(i, 1), lines.join('\n'));
      else if (op === 4) text = (lines.splice(i, 0, lines[j]!), lines.join('\n'));
      else if (op === 5) text = (([lines[i], lines[j]] = [lines[j]!, lines[i]!]), lines.join('\n'));
      else text = ((lines[i] = ' '.repeat(b % 3) + lines[i]!.slice(a % 3)), lines.join('\n'));
      return { kind: 'random-edit', text, invalid: false };
    });
    await fc.assert(fc.asyncProperty(edit, (c) => checkCase(c, tally)), runs(600));
  }, 120_000);

  it('edits that change nothing (CRLF or CR line ends, a BOM, comments, document markers) load the same config', async () => {
    const same = fc.tuple(fc.constantFrom(...CANONS.filter((c) => c.text.trim() !== '')), fc.constantFrom(0, 1, 2, 3, 4, 5)).map(([c, op]) => {
      const text = [
        c.text.replaceAll('\n', '\r\n'),
        c.text.replaceAll('\n', '\r'),
        `\ufeff${c.text}`,
        `# comment\n${c.lines.map((l) => (l && !l.endsWith(':') ? `${l} # note` : l)).join('\n')}`,
        `---\n${c.text}...\n`,
        `\n\n${c.text}\n\n# end\n`,
      ][op]!;
      return { c, text };
    });
    await fc.assert(
      fc.asyncProperty(same, async ({ c, text }) => {
        const expected = await loadText(c.text);
        const started = performance.now();
        const loaded = await loadText(text);
        tally.add('no-op-edit', false, undefined, performance.now() - started);
        expect((loaded as { config: unknown }).config).toEqual((expected as { config: unknown }).config);
      }),
      runs(150),
    );
  }, 60_000);
});
