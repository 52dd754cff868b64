import { isScalar, LineCounter, parseAllDocuments, visit, type Document, type Tags } from 'yaml';
import type { ConfigIssue } from '../errors.js';

/** Config files larger than this are refused before parsing; real ones are a few KB. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/** Alias expansions allowed when building the value; stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;

/** Flow collections (`[[[...`) nested deeper than this are refused before parsing, which would take too long. */
export const MAX_FLOW_DEPTH = 256;

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
  | { ok: true; doc: Document.Parsed; lines: LineCounter; value: Record<string, unknown> }
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
 * Parses devspace.yaml text the way DevSpace v3.5 (yaml.v2) read it: YAML 1.1 scalars, so `yes`, `off`, `y`
 * and `n` are booleans, `0755` is octal and `<<` merges work. Refuses what would hang or crash: huge files,
 * deep nesting and alias bombs.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) return { ok: false, issues: [tooLargeIssue(file, bytes)] };

  const lines = new LineCounter();
  const at = (offset: number, message: string, path = ''): ConfigIssue => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path, message };
  };

  const deep = flowDepthOffset(text);
  if (deep >= 0) {
    // LineCounter only learns line starts while parsing, so count them here.
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    const column = deep - before.lastIndexOf('\n');
    const message = `YAML is nested more than ${MAX_FLOW_DEPTH} levels deep`;
    return { ok: false, issues: [{ file, line, column, path: '', message }] };
  }

  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: yaml11Tags,
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
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

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof RangeError) {
      const alias = firstAliasOffset(doc);
      const message =
        err instanceof RangeError
          ? 'YAML is nested too deeply'
          : `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions); this looks like an alias bomb`;
      return { ok: false, issues: [at(alias ?? 0, message)] };
    }
    throw err;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'list' : describeScalar(value);
    const message = `expected a map of settings (like \`version: v1beta2\`) at the top level, found ${found}`;
    return { ok: false, issues: [at(contents.range[0], message)] };
  }
  return { ok: true, doc, lines, value: value as Record<string, unknown> };
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
