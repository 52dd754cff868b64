import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Scalar } from 'yaml';
import { clip } from './quote.js';

/**
 * Checks on YAML that the `yaml` package lets through (or answers with an exception) but DevSpace v3.5's
 * Go parser (yaml.v2) refused: characters YAML forbids, duplicate keys, keys that are lists or maps, aliases
 * without an anchor or inside their own anchor, and `<<` merges of things that are not maps.
 */

// YAML's printable set (yaml.v2 checks the same): no C0 controls but tab, LF and CR, no DEL, no C1 controls
// but NEL, no U+FFFE/U+FFFF, and (in a JS string) no lone surrogate halves.
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A problem found by these checks: where (character offset) and what. */
export interface YamlProblem {
  offset: number;
  message: string;
}

/** The first character YAML does not allow anywhere in a file, e.g. NUL from a binary file. */
export function forbiddenCharacter(text: string): YamlProblem | undefined {
  const m = FORBIDDEN.exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const hex = code.toString(16).padStart(4, '0');
  let message: string;
  if (code === 0) message = 'character U+0000 (NUL) is not allowed in YAML; is this a binary file?';
  else if (code >= 0xd800 && code <= 0xdfff) message = `character U+${hex.toUpperCase()} (half of a UTF-16 surrogate pair) is not allowed in YAML`;
  else message = `control character U+${hex.toUpperCase()} is not allowed in YAML; to put it in a value, write "\\u${hex}" inside double quotes`;
  return { offset: m.index, message };
}

const isMergeKey = (key: unknown): boolean =>
  isScalar(key) && ((key.value === '<<' && (!key.type || key.type === 'PLAIN')) || typeof key.value === 'symbol');

/**
 * The first structural problem of a parsed document, in document order. Anchors are recorded as they are
 * entered, so an alias inside its own anchored node finds that node among its ancestors.
 */
export function structureProblem(doc: Document): YamlProblem | undefined {
  const anchors = new Map<string, Node>();
  let problem: YamlProblem | undefined;
  const at = (node: { range?: readonly number[] | null } | null | undefined, message: string): typeof visit.BREAK => {
    problem = { offset: node?.range?.[0] ?? 0, message };
    return visit.BREAK;
  };
  const target = (node: unknown): Node | undefined => (isAlias(node) ? anchors.get(node.source) : (node as Node | undefined));
  visit(doc, {
    // One visitor for every node: yaml calls only the most specific one (a `Map` visitor would replace this).
    Node(_, node, path) {
      if (isMap(node)) {
        // The parser's own check (`uniqueKeys`) compares every key with every other: minutes for a 60 000-key map.
        const seen = new Set<unknown>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          if (seen.has(pair.key.value)) return at(pair.key, 'YAML syntax error: Map keys must be unique (a key appears twice in the same map)');
          seen.add(pair.key.value);
        }
      }
      if (isAlias(node)) {
        const source = anchors.get(node.source);
        const name = clip(node.source, 40);
        if (!source) return at(node, `alias \`*${name}\` has no anchor \`&${name}\` before it`);
        if (path.includes(source)) return at(node, `alias \`*${name}\` is inside the node anchored \`&${name}\`, so it would repeat forever`);
        return undefined;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
    Pair(_, pair) {
      const key = target(pair.key);
      if (isMap(key) || isSeq(key)) return at(pair.key as Node, `a map key must be a plain value like a name, found a ${isMap(key) ? 'map' : 'list'}`);
      if (!isMergeKey(pair.key)) return undefined;
      const value = pair.value as Node | null;
      const sources = isSeq(value) ? value.items : [value];
      const bad = sources.find((s) => !isMap(target(s)));
      if (bad !== undefined || sources.length === 0) {
        return at(pair.key as Scalar, 'the merge key `<<` needs a map, an alias of a map, or a list of those');
      }
      return undefined;
    },
  });
  return problem;
}
