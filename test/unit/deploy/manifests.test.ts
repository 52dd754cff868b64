import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifests, parseManifestText, resolveManifestFiles } from '../../../src/engine/deploy/manifests.js';

let root: string;

async function put(rel: string, text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ds-manifests-'));
  await put('kube/b.yaml');
  await put('kube/a.yml');
  await put('kube/notes.md', '# not a manifest');
  await put('kube/nested/c.yaml');
  await put('kube/nested/deeper/d.json', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}');
  await put('other.yaml');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('resolveManifestFiles', () => {
  const at = 'deployments[0].kubectl.manifests';

  it('takes a file as is and a folder as its own YAML/JSON files, sorted and not recursive', async () => {
    expect(await resolveManifestFiles(root, ['other.yaml', 'kube/'], at)).toEqual(['other.yaml', 'kube/a.yml', 'kube/b.yaml']);
    expect(await resolveManifestFiles(root, ['./kube'], at)).toEqual(['kube/a.yml', 'kube/b.yaml']);
  });

  it('expands globs: * stays in one folder, ** descends; only manifest files; no repeats', async () => {
    expect(await resolveManifestFiles(root, ['kube/*'], at)).toEqual(['kube/a.yml', 'kube/b.yaml']);
    expect(await resolveManifestFiles(root, ['kube/*.yaml'], at)).toEqual(['kube/b.yaml']);
    expect(await resolveManifestFiles(root, ['kube/**'], at)).toEqual([
      'kube/a.yml', 'kube/b.yaml', 'kube/nested/c.yaml', 'kube/nested/deeper/d.json',
    ]);
    expect(await resolveManifestFiles(root, ['kube/b.yaml', 'kube/*.yaml'], at)).toEqual(['kube/b.yaml']);
  });

  it('names the entry when something matches nothing or does not exist', async () => {
    await expect(resolveManifestFiles(root, ['kube/', 'k8s/*.yaml'], at)).rejects.toMatchObject({
      message: 'deployments[0].kubectl.manifests[1]: k8s/*.yaml matches no .yaml, .yml or .json files',
      exitCode: 2,
    });
    await expect(resolveManifestFiles(root, ['missing.yaml'], at)).rejects.toThrow('deployments[0].kubectl.manifests[0]: missing.yaml does not exist');
  });
});

describe('parseManifestText', () => {
  it('splits documents, drops empty ones and flattens Lists', () => {
    const text = [
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      '---',
      '# just a comment',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}',
      '---',
    ].join('\n');
    const objs = parseManifestText(text, 'kube/all.yaml');
    expect(objs.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual(['Service/web', 'ConfigMap/one', 'ConfigMap/two']);
    expect(objs[0]!.source).toBe('kube/all.yaml (document 1)');
    expect(objs[2]!.source).toBe('kube/all.yaml (document 3) item 2');
  });

  it('reads YAML the way kubectl does: 0644 is octal', () => {
    const [obj] = parseManifestText('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {volumes: [{name: v, secret: {defaultMode: 0644}}]}\n', 'p.yaml');
    expect((obj!.object.spec as { volumes: { secret: { defaultMode: number } }[] }).volumes[0]!.secret.defaultMode).toBe(0o644);
  });

  it('points at file, line and column for YAML errors', () => {
    expect(() => parseManifestText('apiVersion: v1\nkind: [Pod\n', 'kube/bad.yaml')).toThrow(/^kube\/bad\.yaml:3:1: /);
  });

  it('rejects documents that are not objects with apiVersion, kind and metadata.name', () => {
    expect(() => parseManifestText('- a\n- b\n', 'x.yaml')).toThrow('x.yaml: not a Kubernetes object');
    expect(() => parseManifestText('kind: Pod\nmetadata: {name: p}\n', 'x.yaml')).toThrow('x.yaml: apiVersion is missing');
    expect(() => parseManifestText('apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\n', 'x.yaml')).toThrow('x.yaml: Pod has no metadata.name');
    expect(() => parseManifestText('apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n', 'x.yaml')).toThrow('generateName cannot be applied');
  });
});

describe('loadManifests', () => {
  it('parses every file in order', async () => {
    const { files, objects } = await loadManifests(root, ['kube/**'], 'm');
    expect(files).toHaveLength(4);
    expect(objects.map((o) => o.object.metadata.name)).toEqual(['x', 'x', 'x', 'd']);
    expect(objects[3]!.source).toBe('kube/nested/deeper/d.json');
  });
});
