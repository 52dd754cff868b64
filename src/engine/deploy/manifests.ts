import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { globToRegExp } from '../build/glob.js';
import { UserError } from '../errors.js';
import type { KubeObject, SourcedObject } from './types.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const GLOB_CHARS = /[*?[{]/;
// Never worth walking when a glob like `**/*.yaml` starts at the project root.
const SKIP_DIRS = new Set(['.git', '.devspace', 'node_modules']);

/**
 * YAML 1.1 as kubectl reads it (sigs.k8s.io/yaml → go-yaml v2): `0644` is
 * octal and `yes`/`on` are booleans. Timestamps stay strings, as they do
 * when go-yaml decodes into an untyped map.
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
};

/**
 * The files one `kubectl.manifests` list names, in order and without
 * repeats: a file as is, a directory's YAML/JSON files (not recursive, like
 * `kubectl apply -f dir`), or the YAML/JSON files a glob (`kube/*.yaml`,
 * `kube/**`) matches, sorted. Paths come back relative to `root`, `/`-separated.
 * `where` (e.g. `deployments[0].kubectl.manifests`) prefixes errors.
 */
export async function resolveManifestFiles(root: string, entries: readonly string[], where: string): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (rel: string): void => {
    if (!seen.has(rel)) {
      seen.add(rel);
      out.push(rel);
    }
  };
  for (const [i, entry] of entries.entries()) {
    const at = `${where}[${i}]`;
    const clean = entry.replace(/\\/g, '/').replace(/\/+$/, '') || '.';
    if (!GLOB_CHARS.test(clean)) {
      const abs = path.resolve(root, clean);
      const st = await stat(abs).catch(() => undefined);
      if (!st) throw new UserError(`${at}: ${entry} does not exist`, 2);
      if (st.isDirectory()) {
        const names = (await readdir(abs, { withFileTypes: true })).filter((d) => d.isFile() && MANIFEST_FILE.test(d.name)).map((d) => d.name);
        if (names.length === 0) throw new UserError(`${at}: folder ${entry} holds no .yaml, .yml or .json files`, 2);
        for (const name of names.sort()) add(toRel(root, path.join(abs, name)));
      } else add(toRel(root, abs));
      continue;
    }
    const matched = await walkGlob(root, clean);
    if (matched.length === 0) throw new UserError(`${at}: ${entry} matches no .yaml, .yml or .json files`, 2);
    for (const rel of matched) add(rel);
  }
  return out;
}

function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

async function walkGlob(root: string, glob: string): Promise<string[]> {
  const re = globToRegExp(glob);
  const parts = glob.replace(/^\.\//, '').split('/');
  const base: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (GLOB_CHARS.test(p)) break;
    base.push(p);
  }
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const dirents = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const d of dirents) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (!SKIP_DIRS.has(d.name)) await walk(abs);
      } else if (d.isFile() && MANIFEST_FILE.test(d.name)) {
        const rel = toRel(root, abs);
        if (re.test(rel)) found.push(rel);
      }
    }
  };
  await walk(path.resolve(root, base.join('/') || '.'));
  return found.sort();
}

/**
 * Parse a multi-document manifest: empty documents are dropped, `kind: *List`
 * documents are flattened, and anything that is not an object with
 * apiVersion, kind and metadata.name is an error naming the file and line.
 */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  for (const [i, doc] of Array.from(docs).entries()) {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      throw new UserError(`${where}: ${err.message.split('\n')[0]}`, 2);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    collect(value, docs.length > 1 ? `${file} (document ${i + 1})` : file, out);
  }
  return out;
}

function collect(value: unknown, source: string, out: SourcedObject[]): void {
  if (!isMap(value)) throw new UserError(`${source}: not a Kubernetes object (expected a map with apiVersion, kind and metadata)`, 2);
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, j) => collect(item, `${source} item ${j + 1}`, out));
    return;
  }
  const missing = (what: string): never => {
    throw new UserError(`${source}: ${what}`, 2);
  };
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') missing('apiVersion is missing');
  if (typeof value.kind !== 'string' || value.kind === '') missing('kind is missing');
  const meta = value.metadata;
  if (!isMap(meta)) return missing(`${String(value.kind)} has no metadata`);
  if (typeof meta.name !== 'string' || meta.name === '') {
    missing(meta.generateName ? 'metadata.generateName cannot be applied; give the object a metadata.name' : `${String(value.kind)} has no metadata.name`);
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') missing('metadata.namespace must be a string');
  out.push({ object: value as unknown as KubeObject, source });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read and parse every manifest of a kubectl deployment, in file order. */
export async function loadManifests(root: string, entries: readonly string[], where: string): Promise<{ files: string[]; objects: SourcedObject[] }> {
  const files = await resolveManifestFiles(root, entries, where);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(path.resolve(root, file), 'utf8');
    } catch (err) {
      throw new UserError(`${where}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
    }
    objects.push(...parseManifestText(text, file));
  }
  return { files, objects };
}
