import { isScalar, LineCounter, parseAllDocuments, visit, type Document, type Tags } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { clip } from './quote.js';
import { forbiddenCharacter, structureProblem } from './yaml-checks.js';

/** Config files larger than this are refused before parsing; real ones are a few KB. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/** Alias expansions allowed when building the value; stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;

/** Flow collections (`[[[...`) nested deeper than this are refused before parsing, which would take too long. */
export const MAX_FLOW_DEPTH = 256;

/**
 * Lines plus comma-separated items allowed, counted before parsing. The parser needs several microseconds
 * per value, so a 10 MB file of `[1,1,1,...` would take a minute, and zod overflows the stack reporting
 * 120 000 wrong items of one list. Real configs have a few hundred lines.
 */
export const MAX_ENTRIES = 50_000;

const MAX_SYNTAX_ISSUES = 10;

// YAML 1.1 tags that DevSpace's Go parser (yaml.v2) does not resolve on plain scalars: without this filter
// `tag: 2019-08-23` would become a Date and `tag: 1:20` the number 80 instead of the strings yaml.v2 saw.
const DROPPED_TAGS = new Set(['binary', 'omap', 'pairs', 'set', 'timestamp'].map((t) => `tag:yaml.org,2002:${t}`));

function yaml11Tags(tags: Tags): Tags {
  return tags.filter((t) => {
    const tag = typeof t === 'object' ? t : undefined;
    if (!tag) return true;
    return !DROPPED_TAGS.has(tag.tag) && tag.format !== 'TIME';
  });
}

/** A parsed single-document config, or the problems that stopped it. */
export type ParsedYaml =
  | { ok: true; doc: Document.Parsed; lines: LineCounter; value: Record<string, unknown>; text: string }
  | { ok: false; issues: ConfigIssue[] };

/** Formats a byte size for messages: `50.0 MB`. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The issue for a file over MAX_CONFIG_BYTES, shared by the file and the text entry points. */
export function tooLargeIssue(file: string, bytes: number): ConfigIssue {
  const limit = MAX_CONFIG_BYTES / (1024 * 1024);
  const message = `file is ${formatMegabytes(bytes)}; devspace.yaml is limited to ${limit} MB`;
  return { file, line: 1, column: 1, path: '', message };
}

/**
 * Line starts counted from the text itself. The parser's own LineCounter misses line breaks inside tokens it
 * rejects (`},\ncluster:` after a stray bracket), which shifts every later position by a line.
 */
function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * Parses devspace.yaml text the way DevSpace v3.5 (yaml.v2) read it: YAML 1.1 scalars, so `yes`, `off`, `y`
 * and `n` are booleans, `0755` is octal and `<<` merges work. Refuses what would hang or crash: huge files,
 * deep nesting and alias bombs; and what yaml.v2 refused: control characters, keys that are lists or maps,
 * dangling or self-containing aliases and merges of non-maps. The text it returns has old Mac line ends
 * (a lone CR) turned into LF, character for character, so that lines are counted as editors count them.
 */
export function parseYaml(input: string, file: string): ParsedYaml {
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) return { ok: false, issues: [tooLargeIssue(file, bytes)] };
  const text = input.includes('\r') ? input.replace(/\r(?!\n)/g, '\n') : input;
  const lines = lineCounterOf(text);
  const at = (offset: number, message: string, path = ''): ConfigIssue => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path, message };
  };

  const forbidden = forbiddenCharacter(text);
  if (forbidden) return { ok: false, issues: [at(forbidden.offset, forbidden.message)] };
  const deep = flowDepthOffset(text);
  if (deep >= 0) return { ok: false, issues: [at(deep, `YAML is nested more than ${MAX_FLOW_DEPTH} levels deep`)] };
  const crowded = entryLimitOffset(text);
  if (crowded >= 0) {
    const message = `YAML has more than ${MAX_ENTRIES} lines and list items; devspace.yaml is limited to that many`;
    return { ok: false, issues: [at(crowded, message)] };
  }

  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: yaml11Tags,
    prettyErrors: false,
    // Checked in structureProblem, in linear time.
    uniqueKeys: false,
    // Warnings would go to stderr through process.emitWarning; every problem is reported as an issue instead.
    logLevel: 'error',
  });
  const list = Array.isArray(docs) ? docs : [];
  const errors = list.flatMap((d) => d.errors);
  if (errors.length > 0) {
    // A stack overflow leaves a trail of follow-up errors that only confuse; the first one says it all.
    const exhausted = errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
    if (exhausted) return { ok: false, issues: [at(exhausted.pos[0], 'YAML is nested too deeply')] };
    const issues = errors.slice(0, MAX_SYNTAX_ISSUES).map((e) => at(e.pos[0], syntaxMessage(e.code, e.message)));
    return { ok: false, issues };
  }

  // `---` with nothing after it yields a document holding an empty scalar; that is no content either.
  const withContent = list.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  if (withContent.length === 0) {
    return { ok: false, issues: [at(0, 'devspace.yaml is empty; it needs at least `version: v1beta2`')] };
  }
  if (withContent.length > 1) {
    const second = withContent[1]!;
    const message = 'devspace.yaml must contain a single YAML document; found another one here (after `---`)';
    return { ok: false, issues: [at(second.range[0], message)] };
  }
  const doc = withContent[0]!;
  const contents = doc.contents!;

  let problem;
  try {
    problem = structureProblem(doc);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { ok: false, issues: [at(0, 'YAML is nested too deeply')] };
  }
  if (problem) return { ok: false, issues: [at(problem.offset, problem.message)] };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The checks above leave only resource limits; anything else still gets a line, never a stack.
    const alias = firstAliasOffset(doc) ?? 0;
    if (err instanceof RangeError) return { ok: false, issues: [at(alias, 'YAML is nested too deeply')] };
    if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
      const message = `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions); this looks like an alias bomb`;
      return { ok: false, issues: [at(alias, message)] };
    }
    return { ok: false, issues: [at(0, `YAML cannot be read: ${clip(err instanceof Error ? err.message : String(err), 120)}`)] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'list' : describeScalar(value);
    const message = `expected a map of settings (like \`version: v1beta2\`) at the top level, found ${found}`;
    return { ok: false, issues: [at(contents.range[0], message)] };
  }
  return { ok: true, doc, lines, value: value as Record<string, unknown>, text };
}

function describeScalar(value: unknown): string {
  return typeof value === 'string' ? `string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value)}`;
}

function syntaxMessage(code: string, message: string): string {
  // yaml's messages can carry a copy of the offending line after the first line; keep just the sentence.
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').slice(0, 200);
  if (code === 'DUPLICATE_KEY') return `YAML syntax error: ${first} (a key appears twice in the same map)`;
  return `YAML syntax error: ${first}`;
}

/** Offset of the line break or comma that goes past MAX_ENTRIES, or -1. */
function entryLimitOffset(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 || c === 44) && ++count > MAX_ENTRIES) return i;
  }
  return -1;
}

/** Offset where flow nesting first exceeds MAX_FLOW_DEPTH, or -1; deliberately ignores quoting (false alarms need 256 unbalanced brackets). */
function flowDepthOffset(text: string): number {
  let depth = 0;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) comment = false;
    else if (comment) continue;
    else if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) <= 32)) comment = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 93 /* ] */ || c === 125) /* } */ && depth > 0) depth--;
  }
  return -1;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
