/**
 * gitignore-style path matching for sync excludes (`excludePaths`,
 * `uploadExcludePaths`, `downloadExcludePaths`), written here because the
 * `ignore` package is not a dependency. Semantics follow gitignore(5):
 * last matching pattern wins, `!` re-includes, a trailing `/` matches only
 * directories, a slash at the start or in the middle anchors the pattern to
 * the sync root, `**` spans directories, and nothing below an excluded
 * directory can be re-included.
 */

interface Rule {
  source: string;
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
  anchored: boolean;
  /** The glob body without `!`, leading `/` and trailing `/`. */
  body: string;
}

/** A compiled list of gitignore patterns. */
export interface PathMatcher {
  /** True when `rel` (a `/`-separated path relative to the sync root) is excluded. */
  excludes(rel: string, isDir: boolean): boolean;
  /** The patterns as given, for messages. */
  readonly patterns: readonly string[];
}

/** Compile gitignore patterns into a matcher (blank lines and `#` comments are skipped). */
export function compileExcludes(patterns: readonly string[]): PathMatcher {
  const rules = patterns.map(parseRule).filter((r): r is Rule => r !== undefined);
  const dirCache = new Map<string, boolean>();
  const decide = (rel: string, isDir: boolean): boolean => {
    let excluded = false;
    for (const rule of rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(rel)) excluded = !rule.negate;
    }
    return excluded;
  };
  const dirExcluded = (dir: string): boolean => {
    let hit = dirCache.get(dir);
    if (hit === undefined) {
      const slash = dir.lastIndexOf('/');
      hit = (slash > 0 && dirExcluded(dir.slice(0, slash))) || decide(dir, true);
      if (dirCache.size > 50_000) dirCache.clear();
      dirCache.set(dir, hit);
    }
    return hit;
  };
  return {
    patterns,
    excludes(rel, isDir) {
      if (rules.length === 0 || rel === '' || rel === '.') return false;
      const slash = rel.lastIndexOf('/');
      if (slash > 0 && dirExcluded(rel.slice(0, slash))) return true;
      return isDir ? dirExcluded(rel) : decide(rel, false);
    },
  };
}

/** Several matchers as one: excluded when any of them excludes (a `!` only acts within its own list). */
export function anyOf(...matchers: PathMatcher[]): PathMatcher {
  return {
    patterns: matchers.flatMap((m) => m.patterns),
    excludes: (rel, isDir) => matchers.some((m) => m.excludes(rel, isDir)),
  };
}

function parseRule(line: string): Rule | undefined {
  let text = line.replace(/\r$/, '');
  // Trailing spaces are dropped unless escaped with a backslash.
  text = text.replace(/(?<!\\)\s+$/, '');
  if (text === '' || text.startsWith('#')) return undefined;
  let negate = false;
  if (text.startsWith('!')) {
    negate = true;
    text = text.slice(1);
  } else if (text.startsWith('\\!') || text.startsWith('\\#')) {
    text = text.slice(1);
  }
  let dirOnly = false;
  if (text.endsWith('/') && !text.endsWith('\\/')) {
    dirOnly = true;
    text = text.replace(/\/+$/, '');
  }
  if (text === '') return undefined;
  const anchored = text.includes('/');
  if (text.startsWith('/')) text = text.slice(1);
  if (text === '') return undefined;
  const body = globToRegex(text);
  const regex = new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`);
  return { source: line, regex, negate, dirOnly, anchored, body: text };
}

/** Translate one gitignore glob (no leading/trailing slash) to a regex body. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            out += i === 0 ? '.*' : '.*'; // `a/**`: everything inside a
          } else {
            out += '(?:.*/)?'; // `**/` and `/**/`: zero or more directories
            i++; // also consume the slash
          }
          i++;
          continue;
        }
        // Other consecutive asterisks are ordinary ones.
        while (glob[i + 1] === '*') i++;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(glob, i);
      if (end < 0) {
        out += '\\[';
      } else {
        out += classToRegex(glob.slice(i + 1, end));
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function classToRegex(inner: string): string {
  let out = '[';
  let i = 0;
  if (inner[0] === '!' || inner[0] === '^') {
    out += '^';
    i = 1;
  }
  for (; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) out += '\\' + inner[++i];
    else if (c === '\\' || c === ']' || c === '[' || c === '^') out += '\\' + c;
    else out += c;
  }
  // A class never matches the separator.
  return out.startsWith('[^') ? `${out}/]` : `(?!/)${out}]`;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * The subset of patterns a busybox `find` can skip without reading what is
 * below them: `( … ) -prune -o` tokens, or none. Only used to save work in
 * the container; every path is still checked with the full matcher. Lists
 * with a `!` are not pruned at all, and globs that `find -path` would read
 * differently (its `*` crosses `/`) are left to the matcher.
 */
export function findPruneArgs(lists: readonly (readonly string[])[]): string[] {
  const exprs: string[][] = [];
  for (const patterns of lists) {
    const rules = patterns.map(parseRule).filter((r): r is Rule => r !== undefined);
    if (rules.some((r) => r.negate)) continue;
    for (const r of rules) {
      if (/[[\\]|\*\*/.test(r.body)) continue;
      const wild = /[*?]/.test(r.body);
      let test: string[];
      if (!r.anchored) test = ['-name', r.body];
      else if (!wild) test = ['-path', `./${r.body}`];
      else continue;
      exprs.push(r.dirOnly ? ['(', '-type', 'd', '-a', ...test, ')'] : test);
    }
  }
  if (exprs.length === 0) return [];
  const joined = exprs.flatMap((e, i) => (i === 0 ? e : ['-o', ...e]));
  // `! -path .` keeps the root itself from ever being pruned (think of `.*`).
  return ['!', '-path', '.', '(', ...joined, ')', '-prune', '-o'];
}
