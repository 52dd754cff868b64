import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { MAX_QUOTED, quoted } from './quote.js';

/** A 1-based line and column in the config file. */
export interface Position {
  line: number;
  column: number;
}

/** A path into the config, as zod reports it: map keys and list indexes. */
export type ConfigPath = readonly (string | number | symbol)[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way users write it: `dev.ports[0].forward[1].port`, `labels["app.kubernetes.io/name"]`.
 * Keys that are long or hold line breaks or invisible characters are shown quoted, escaped and shortened.
 */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && PLAIN_KEY.test(seg) && seg.length <= MAX_QUOTED) out += out ? `.${seg}` : seg;
    else out += `[${quoted(String(seg))}]`;
  }
  return out;
}

interface Found {
  /** The deepest node reached along the path. */
  node: Node | null;
  /** The map entry holding the last segment, when the whole path was found in a map. */
  pair?: Pair;
  /** How many segments were resolved. */
  depth: number;
}

/** Answers "where in the file is this path?" from the parsed YAML document. */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Position of the value at `path`, or of the nearest ancestor that exists. For an empty value or a
   * block map/list (which starts on the next line) that is the position of its key, where users look.
   */
  value(path: ConfigPath): Position {
    const found = this.find(path);
    const node = found.node;
    const empty = node === null || (isScalar(node) && node.value === null && node.source === '');
    const block = (isMap(node) || isSeq(node)) && !node.flow;
    if (found.pair && (empty || block)) return this.pos(found.pair.key);
    return this.pos(node);
  }

  /** Position of the map key that ends `path` (for unknown keys), else of its value. */
  key(path: ConfigPath): Position {
    const found = this.find(path);
    if (found.pair && found.depth === path.length) return this.pos(found.pair.key);
    return this.pos(found.node);
  }

  /** Whether the file has an entry at exactly this path (even with an empty value). */
  has(path: ConfigPath): boolean {
    return this.find(path).depth === path.length;
  }

  /** Position of `needle` inside the scalar at `path` (a `${VAR}` reference), else of the scalar. */
  within(path: ConfigPath, needle: string, text: string): Position {
    const found = this.find(path);
    let node = found.node;
    if (isAlias(node)) node = node.resolve(this.doc) ?? node;
    if (node?.range && found.depth === path.length) {
      const index = text.slice(node.range[0], node.range[1]).indexOf(needle);
      if (index >= 0) return this.offset(node.range[0] + index);
    }
    return this.value(path);
  }

  private find(path: ConfigPath): Found {
    let node = this.doc.contents as Node | null;
    let pair: Pair | undefined;
    let depth = 0;
    for (const seg of path) {
      const container = this.deref(node);
      let next: Node | null | undefined;
      pair = undefined;
      if (isMap(container)) {
        pair = this.pairIn(container, String(seg), 0);
        next = pair ? ((pair.value as Node | null) ?? null) : undefined;
      } else if (isSeq(container) && typeof seg === 'number') {
        next = container.items[seg] as Node | undefined;
      }
      if (next === undefined) return { node, depth };
      node = next;
      depth++;
    }
    return { node, pair, depth };
  }

  // Both caches keep lookups constant-time: a file with 50 000 wrong entries asks for 50 000 positions.
  private readonly aliases = new Map<Node, Node | null>();
  private readonly indexes = new Map<Node, { pairs: Map<string, Pair>; merges: Node[] }>();

  private deref(node: Node | null): Node | null {
    if (!isAlias(node)) return node;
    let target = this.aliases.get(node);
    if (target === undefined) {
      target = (node.resolve(this.doc) as Node | undefined) ?? null;
      this.aliases.set(node, target);
    }
    return target;
  }

  /** The entries of a map by key (the first one wins, as in a linear search) and its `<<` merge sources. */
  private indexOf(map: Node & { items: Pair[] }): { pairs: Map<string, Pair>; merges: Node[] } {
    let index = this.indexes.get(map);
    if (!index) {
      index = { pairs: new Map(), merges: [] };
      for (const pair of map.items) {
        const k = pair.key;
        if (isScalar(k) && (k.value === '<<' || typeof k.value === 'symbol')) index.merges.push(pair.value as Node);
        else if (isScalar(k) && !index.pairs.has(String(k.value))) index.pairs.set(String(k.value), pair);
      }
      this.indexes.set(map, index);
    }
    return index;
  }

  /** Finds a key in a map, following `<<` merge keys the way the parser merged them. */
  private pairIn(map: Node, key: string, hops: number): Pair | undefined {
    if (!isMap(map) || hops > 20) return undefined;
    const { pairs, merges } = this.indexOf(map as Node & { items: Pair[] });
    const own = pairs.get(key);
    if (own) return own;
    for (const source of merges) {
      const target = this.deref(source);
      const maps = isSeq(target) ? target.items.map((i) => this.deref(i as Node)) : [target];
      for (const m of maps) {
        const found = m ? this.pairIn(m, key, hops + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  private pos(node: unknown): Position {
    const range = (node as Node | null)?.range;
    return range ? this.offset(range[0]) : { line: 1, column: 1 };
  }

  /** Position of a character offset in the file. */
  offset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}
