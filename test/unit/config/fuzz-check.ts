import fc from 'fast-check';
import { parseConfigText } from '../../../src/engine/config/index.js';
import { ConfigError, UserError } from '../../../src/engine/errors.js';
import { VARS, type FuzzCase } from './fuzz-arbitraries.js';

/**
 * Checking one generated devspace.yaml: it must load or fail with a located config error (exit code 2,
 * every line `file:line:col: message` inside the file, bounded), and the counts the fuzz files print.
 */
/** The name every case is loaded under; messages must start with it. */
export const FILE = 'devspace.yaml';
/** Longest message line accepted: a long path plus a long message, never a dumped value. */
export const MAX_LINE = 400;
/** Most issue lines in one error (the loader caps long lists with a closing "more" line). */
export const MAX_ISSUES = 21;

const ERROR_KINDS: [string, RegExp][] = [
  ['variable', /^variable \$\{/],
  ['yaml-syntax', /^YAML syntax error/],
  ['characters', /character|UTF-8|UTF-16|encoding/],
  ['empty-file', /is empty; it needs/],
  ['several-documents', /single YAML document/],
  ['top-level-not-a-map', /at the top level/],
  ['alias', /alias|anchor/],
  ['merge-key', /merge/i],
  ['map-key', /map keys? must/],
  ['nesting', /nested/],
  ['size', /limited to/],
  ['version', /config version|expected string "v1/],
  ['unknown-key', /^unknown key/],
  ['missing-key', /missing required key|is empty; expected/],
  ['range', /expected (at least|at most|a port number|0 or more)|must not be empty/],
  ['wrong-type', /expected .*, found/],
  ['legacy-upgrade', /needs a `url`|after upgrading|in `registries`/],
  ['reference', /is not defined in|^needs |^has both/],
  ['proto-key', /`__proto__` is not allowed/],
  ['more', /more problems? from here on/],
];

/** The kind of the first problem reported, for the closing counts. */
export function errorKind(message: string): string {
  return ERROR_KINDS.find(([, re]) => re.test(message))?.[0] ?? 'other';
}

/** Counts of one fuzz file. */
export class Tally {
  counted = 0;
  tolerated = 0;
  loaded = 0;
  slowestMs = 0;
  slowestKind = '';
  readonly byKind = new Map<string, number>();
  readonly byError = new Map<string, number>();
  /** A message whose kind is not recognised, to widen ERROR_KINDS. */
  otherExample = '';

  add(kind: string, invalid: boolean, error: string | undefined, ms: number, message = ''): void {
    if (error === 'other' && !this.otherExample) this.otherExample = message;
    if (invalid) {
      this.counted++;
      this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    } else this.tolerated++;
    if (error) this.byError.set(error, (this.byError.get(error) ?? 0) + 1);
    else this.loaded++;
    if (ms > this.slowestMs) [this.slowestMs, this.slowestKind] = [ms, kind];
  }

  summary(name: string): string {
    const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    return (
      `${name}: ${this.counted} guaranteed-invalid inputs, all rejected with a located config error; ` +
      `${this.tolerated} more that may be valid (${this.loaded} of all loaded)\n` +
      `  generated: ${list(this.byKind)}\n  first error reported: ${list(this.byError)}\n` +
      `  slowest input: ${this.slowestMs.toFixed(0)} ms (${this.slowestKind})` +
      (this.otherExample ? `\n  unclassified error, e.g.: ${this.otherExample}` : '')
    );
  }
}

/** Total line count as an editor shows it (CR, LF and CRLF all end a line). */
export const lineLengths = (text: string): number[] => text.split(/\r\n|\r|\n/).map((l) => l.length);

/**
 * Fails unless `err` is the promised kind of failure: a UserError with exit code 2 whose every line is
 * `file:line:col: message`, inside the file, short, single-line, and free of stacks and placeholders.
 * Returns the kind of the first problem.
 */
export function assertLocated(err: unknown, text: string, file = FILE): string {
  const context = (why: string) => new Error(`${why}\n--- input (first 1500 chars) ---\n${JSON.stringify(text.slice(0, 1500))}\n--- error ---\n${String((err as Error)?.stack ?? err).slice(0, 3000)}`);
  if (!(err instanceof UserError)) throw context('not a UserError');
  if (err.exitCode !== 2) throw context(`exit code ${err.exitCode}, expected 2`);
  if (!(err instanceof ConfigError)) throw context('a UserError without a location (expected a ConfigError)');
  const lines = err.message.split('\n');
  if (lines.length !== err.issues.length) throw context('an issue message spans several lines');
  if (lines.length > MAX_ISSUES) throw context(`${lines.length} issue lines`);
  const lengths = lineLengths(text);
  const prefix = `${file}:`;
  for (const line of lines) {
    const m = /^(\d+):(\d+): (.+)$/.exec(line.startsWith(prefix) ? line.slice(prefix.length) : '');
    if (!m) throw context(`line does not start with ${file}:line:col: ${JSON.stringify(line.slice(0, 200))}`);
    const [row, col] = [Number(m[1]), Number(m[2])];
    if (row < 1 || row > lengths.length) throw context(`line ${row} is outside the file (${lengths.length} lines)`);
    if (col < 1 || col > lengths[row - 1]! + 1) throw context(`column ${col} is outside line ${row} (${lengths[row - 1]} chars)`);
    if (line.length > MAX_LINE) throw context(`message line of ${line.length} chars`);
    if (/\r|\u2028|\u2029/.test(line)) throw context('a line break inside a message line');
    if (line.includes('[object Object]') && !text.includes('[object Object]')) throw context('[object Object] in the message');
    if (/\bundefined\b/.test(line) && !text.includes('undefined')) throw context('"undefined" in the message');
    if (/^\s+at .+:\d+:\d+\)?$/m.test(line)) throw context('a stack frame in the message');
  }
  return errorKind(err.issues[0]!.message);
}

/** Loads one case from text and checks the outcome; invalid cases must fail, the others may load. */
export async function checkCase(c: FuzzCase, tally: Tally, load: (text: string) => Promise<unknown> = loadText): Promise<void> {
  const started = performance.now();
  let kind: string | undefined;
  let message = '';
  try {
    await load(c.text);
  } catch (err) {
    kind = assertLocated(err, c.text);
    message = (err as ConfigError).issues[0]!.message;
  }
  const ms = performance.now() - started;
  if (!kind && c.invalid) throw new Error(`${c.kind}: expected a config error, but it loaded\n${JSON.stringify(c.text.slice(0, 3000))}`);
  tally.add(c.kind, c.invalid, kind, ms, message);
}

/** parseConfigText as the CLI would call it, without environment variables. */
export const loadText = (text: string): Promise<unknown> => parseConfigText(text, FILE, { env: {}, vars: VARS });

/** fast-check options: a random seed unless FUZZ_SEED pins one (fast-check prints the seed of any failure). */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns, ...(seed !== undefined ? { seed } : {}) };
}
