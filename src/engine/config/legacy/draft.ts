import { setOwn } from '../own-key.js';

/** A path into config data: map keys and list indexes. */
export type DataPath = readonly (string | number)[];

type Container = Record<string, unknown> | unknown[];

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, clone(v));
  return out;
}

function startsWith(path: DataPath, prefix: DataPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

/**
 * A copy of a config being upgraded by one version step. Every value that moves remembers where it
 * came from, so that a path in the upgraded config can be traced back to the user's file: unmoved
 * values keep their path, moved ones map through the longest matching link.
 */
export class Draft {
  readonly data: Record<string, unknown>;
  private readonly links: { to: DataPath; from: DataPath }[] = [];

  constructor(input: Record<string, unknown>) {
    this.data = clone(input) as Record<string, unknown>;
  }

  /** The value at `path`, or undefined. */
  get(path: DataPath): unknown {
    let node: unknown = this.data;
    for (const seg of path) {
      if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
      else if (isMap(node) && typeof seg === 'string' && Object.hasOwn(node, seg)) node = node[seg];
      else return undefined;
    }
    return node;
  }

  /** The map at `path`, or undefined when there is none. */
  map(path: DataPath): Record<string, unknown> | undefined {
    const value = this.get(path);
    return isMap(value) ? value : undefined;
  }

  /** The list at `path`, or an empty list. */
  list(path: DataPath): unknown[] {
    const value = this.get(path);
    return Array.isArray(value) ? value : [];
  }

  /** Places `value` at `to`, creating parent maps, and records that it stands for `from` in the input. */
  put(to: DataPath, value: unknown, from: DataPath): void {
    const parent = this.parentOf(to, true)!;
    const last = to[to.length - 1]!;
    if (Array.isArray(parent)) parent[last as number] = value;
    else setOwn(parent, String(last), value);
    this.link(to, from);
  }

  /** Appends `value` to the list at `to` (created when missing); the new item stands for `from`. */
  push(to: DataPath, value: unknown, from: DataPath): void {
    let list = this.get(to);
    if (!Array.isArray(list)) {
      list = [];
      this.put(to, list, from);
    }
    const items = list as unknown[];
    items.push(value);
    this.link([...to, items.length - 1], from);
  }

  /** Moves the value at `from` to `to`, if there is one; a map the move leaves empty is removed. */
  move(from: DataPath, to: DataPath): void {
    const value = this.get(from);
    if (value === undefined) return;
    this.remove(from);
    this.put(to, value, from);
  }

  /** Deletes the value at `path`, then any parent maps that became empty because of it. */
  remove(path: DataPath): void {
    for (let end = path.length; end > 0; end--) {
      const parent = this.parentOf(path.slice(0, end), false);
      const key = String(path[end - 1]);
      if (!isMap(parent) || !Object.hasOwn(parent, key)) return;
      delete parent[key];
      if (Object.keys(parent).length > 0 || end === 1) return;
    }
  }

  /** Records that `to` in the output stands for `from` in the input (for values created from others). */
  link(to: DataPath, from: DataPath): void {
    this.links.push({ to: [...to], from: [...from] });
  }

  /**
   * Where a path of the upgraded data came from in the input. Links are undone newest first, because
   * a link's source is written in the coordinates of the moment it was made (a value can move twice).
   */
  origin(path: DataPath): DataPath {
    let p = path;
    for (let i = this.links.length - 1; i >= 0; i--) {
      const l = this.links[i]!;
      if (startsWith(p, l.to)) p = [...l.from, ...p.slice(l.to.length)];
    }
    return p;
  }

  private parentOf(path: DataPath, create: boolean): Container | undefined {
    let node: unknown = this.data;
    for (const seg of path.slice(0, -1)) {
      let next: unknown;
      if (Array.isArray(node) && typeof seg === 'number') next = node[seg];
      else if (isMap(node)) next = Object.hasOwn(node, String(seg)) ? node[String(seg)] : undefined;
      else return undefined;
      if (next === undefined || next === null) {
        if (!create || !isMap(node)) return undefined;
        next = {};
        setOwn(node, String(seg), next);
      }
      node = next;
    }
    return isMap(node) || Array.isArray(node) ? node : undefined;
  }
}
