import { chmod, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, deriveTag, hashEntries } from '../../../src/engine/build/content-hash.js';
import { listContext } from '../../../src/engine/build/context.js';
import { prepareImage } from '../../../src/engine/build/prepare.js';
import type { ImageBuildSpec } from '../../../src/engine/build/types.js';
import { appFiles, makeProject } from '../../fixtures/build/project.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function project(tree: Record<string, string> = appFiles()): Promise<string> {
  const p = await makeProject(tree);
  cleanups.push(p.cleanup);
  return p.root;
}
const contextHash = async (root: string): Promise<string> => hashEntries(await listContext(root, { dockerfile: 'Dockerfile' }));
const spec: ImageBuildSpec = { key: 'app', image: '127.0.0.1:5000/app', override: { entrypoint: ['sleep', '1'] } };

describe('content hash', () => {
  it('changes when a file content changes, not when only its mtime does', async () => {
    const root = await project();
    const before = await contextHash(root);
    const future = new Date(Date.now() + 3600_000);
    await utimes(join(root, 'src/main.js'), future, future);
    expect(await contextHash(root)).toBe(before);
    await writeFile(join(root, 'src/main.js'), 'console.log("changed")\n');
    expect(await contextHash(root)).not.toBe(before);
  });

  it('changes with a mode change or a new file, and ignores files .dockerignore drops', async () => {
    const root = await project();
    const before = await contextHash(root);
    await writeFile(join(root, 'node_modules/dep/new.js'), 'ignored');
    await writeFile(join(root, 'logs/other.log'), 'ignored');
    expect(await contextHash(root)).toBe(before);
    await chmod(join(root, 'src/main.js'), 0o755);
    const afterChmod = await contextHash(root);
    expect(afterChmod).not.toBe(before);
    await writeFile(join(root, 'src/added.js'), '');
    expect(await contextHash(root)).not.toBe(afterChmod);
  });

  it('is the same for two identical checkouts made at different times', async () => {
    const a = await project();
    await new Promise((r) => setTimeout(r, 20));
    const b = await project();
    expect(await contextHash(a)).toBe(await contextHash(b));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":0,"z":1}]},"b":1}');
  });
});

describe('tags', () => {
  it('derives ds- plus 12 hex digits from the hash', () => {
    expect(deriveTag('0123456789abcdef0123')).toBe('ds-0123456789ab');
  });

  it('gives an unchanged project the same tag, and a dev override or a change a different one', async () => {
    const root = await project();
    const prep = (dev: boolean, s = spec): ReturnType<typeof prepareImage> => prepareImage(s, { projectRoot: root, dev });
    const first = await prep(false);
    expect(first.tag).toMatch(/^ds-[0-9a-f]{12}$/);
    expect(first.ref).toBe(`127.0.0.1:5000/app:${first.tag}`);
    expect((await prep(false)).tag).toBe(first.tag);
    const dev = await prep(true);
    expect(dev.tag).not.toBe(first.tag);
    expect(dev.plan?.dockerfile).toMatch(/^\.devspace-dockerfile\.[0-9a-f]{12}$/);
    expect((await prep(true)).tag).toBe(dev.tag);
    const fixed = await prep(false, { ...spec, tag: 'v1' });
    expect(fixed.ref).toBe('127.0.0.1:5000/app:v1');
    const argsChanged = await prep(false, { ...spec, build: { docker: { options: { buildArgs: { A: '1' } } } } });
    expect(argsChanged.hash).not.toBe(first.hash);
    // Push and pull-secret settings do not change what gets built.
    const pushOnly = await prep(false, { ...spec, build: { docker: { skipPush: true } }, createPullSecret: true });
    expect(pushOnly.hash).toBe(first.hash);
  });

  it('excludes the project .devspace dir (where the cache lives) from the context and its hash', async () => {
    const root = await project();
    const before = await prepareImage(spec, { projectRoot: root, dev: false });
    await mkdir(join(root, '.devspace'), { recursive: true });
    await writeFile(join(root, '.devspace/cache.json'), '{"images":{}}');
    const after = await prepareImage(spec, { projectRoot: root, dev: false });
    expect(after.hash).toBe(before.hash);
    expect(after.plan?.entries.some((e) => e.path.startsWith('.devspace'))).toBe(false);
  });
});
