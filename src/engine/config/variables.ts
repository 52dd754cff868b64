import type { ConfigIssue } from '../errors.js';
import { formatPath, type Position } from './locate.js';
import { setOwn } from './own-key.js';
import { PredefinedVarError, predefinedVar } from './predefined-vars.js';
import { clip } from './quote.js';

/** Where variable values come from, in the order they are tried. */
export interface VariableSources {
  /** `--var KEY=VALUE`. */
  vars?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  interactive?: boolean;
  prompt?: (name: string) => Promise<string>;
  /** Project root, where `git rev-parse` runs. */
  root: string;
}

/** Result of substituting variables: the new value and one issue per unresolvable variable. */
export interface Substituted {
  value: unknown;
  issues: ConfigIssue[];
  /** Paths whose value still holds an unresolved `${VAR}`, so validation can skip them. */
  unresolved: Set<string>;
}

// `$+` so that `$${X}` (an escape) is one match, exactly like DevSpace's `(\$+\{[^\}]+\})`.
const VAR_PATTERN = /\$+\{[^}]+\}/g;

// Values with more nesting than this come from aliases stacked on aliases; walking them would risk the stack.
const MAX_DEPTH = 500;

/**
 * Replaces `${NAME}` in every string value (not in keys), as DevSpace v3.5 did before validating: `$${NAME}`
 * stays literal as `${NAME}`, and a whole result that reads as an integer or boolean becomes one. Names are
 * resolved once each, in the order they first appear, so prompts come in file order.
 */
export async function substituteVariables(
  data: unknown,
  sources: VariableSources,
  file: string,
  locateVar: (path: (string | number)[], needle: string) => Position,
): Promise<Substituted> {
  const issues: ConfigIssue[] = [];
  const firstUse = new Map<string, { path: (string | number)[]; token: string }>();
  visitStrings(data, [], (text, path) => {
    for (const m of text.matchAll(VAR_PATTERN)) {
      const name = m[0].slice(2, -1);
      if (!m[0].startsWith('$$') && !firstUse.has(name)) firstUse.set(name, { path: [...path], token: m[0] });
    }
  });

  const values = new Map<string, string>();
  for (const [name, use] of firstUse) {
    const report = (message: string) =>
      issues.push({ file, ...locateVar(use.path, use.token), path: formatPath(use.path), message });
    let value: string | null;
    try {
      value = await lookup(name, sources);
    } catch (err) {
      // A failed predefined value (no git) is a config problem; an aborted or failed prompt is not.
      if (!(err instanceof PredefinedVarError)) throw err;
      report(err.message);
      continue;
    }
    if (value === null) report(notSetMessage(name));
    else values.set(name, value);
  }

  const unresolved = new Set<string>();
  const value = mapStrings(data, [], (text, path) => {
    if (!text.includes('${')) return text;
    let complete = true;
    let found = false;
    const out = text.replace(VAR_PATTERN, (token) => {
      found = true;
      if (token.startsWith('$$')) return token.slice(1);
      const resolved = values.get(token.slice(2, -1));
      if (resolved === undefined) complete = false;
      return resolved ?? token;
    });
    if (!found) return text;
    if (!complete) {
      unresolved.add(formatPath(path));
      return text;
    }
    return coerce(out);
  });
  return { value, issues, unresolved };
}

type StringVisitor = (text: string, path: (string | number)[]) => void;

// `path` is one shared stack, pushed and popped on the way, so that large files do not allocate a path per node.
function visitStrings(value: unknown, path: (string | number)[], visit: StringVisitor): void {
  if (path.length > MAX_DEPTH) throw new RangeError('nested too deeply');
  if (typeof value === 'string') return visit(value, path);
  if (value === null || typeof value !== 'object') return;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    path.push(k);
    visitStrings(v, path, visit);
    path.pop();
  }
}

function mapStrings(value: unknown, path: (string | number)[], map: (text: string, path: (string | number)[]) => unknown): unknown {
  if (path.length > MAX_DEPTH) throw new RangeError('nested too deeply');
  if (typeof value === 'string') return map(value, path);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      path.push(i);
      const out = mapStrings(v, path, map);
      path.pop();
      return out;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    path.push(k);
    setOwn(out, k, mapStrings(v, path, map));
    path.pop();
  }
  return out;
}

async function lookup(name: string, sources: VariableSources): Promise<string | null> {
  const fromFlag = sources.vars?.[name];
  if (fromFlag !== undefined) return fromFlag;
  const predefined = await predefinedVar(name, sources.root);
  if (predefined !== undefined) return predefined;
  const env = sources.env ?? process.env;
  // Like Go's os.Getenv checks in DevSpace, an empty variable counts as unset.
  const fromEnv = env[`DEVSPACE_VAR_${name.toUpperCase()}`] || env[name];
  if (fromEnv) return fromEnv;
  if (sources.interactive && sources.prompt) return sources.prompt(name);
  return null;
}

function notSetMessage(name: string): string {
  const shown = clip(name, 30);
  return (
    `variable \${${shown}} is not set; pass \`--var ${shown}=VALUE\` or set the environment variable ` +
    `${shown} (or DEVSPACE_VAR_${shown.toUpperCase()})`
  );
}

/**
 * Turns a substituted string into an integer or boolean when it is exactly one. Stricter than Go's Atoi and
 * ParseBool on purpose: `007`, `+5`, `t` and `F` stay strings, so a git hash like `00123456` keeps its zeros.
 */
export function coerce(text: string): string | number | boolean {
  if (/^(0|-?[1-9]\d*)$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  return text;
}
