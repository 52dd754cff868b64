import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePath, findCachedBuild, readBuildCache, recordBuild } from '../../../src/engine/build/cache.js';
import { customBuild, customBuildArgs } from '../../../src/engine/build/custom-build.js';
import { expandGlobs, globToRegExp } from '../../../src/engine/build/glob.js';
import { prepareImage } from '../../../src/engine/build/prepare.js';
import { buildImages } from '../../../src/engine/build/build-images.js';
import { UserError } from '../../../src/engine/errors.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { makeProject } from '../../fixtures/build/project.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function project(tree: Record<string, string>): Promise<string> {
  const p = await makeProject(tree);
  cleanups.push(p.cleanup);
  return p.root;
}

describe('globs', () => {
  it.each([
    ['src/**/*.ts', ['src/a.ts', 'src/x/y/b.ts'], ['src/a.js', 'lib/a.ts']],
    ['./package.json', ['package.json'], ['a/package.json']],
    ['*.{js,ts}', ['a.js', 'b.ts'], ['c.css', 'd/a.js']],
    ['f?le[0-9].txt', ['file1.txt'], ['file10.txt', 'fle1.txt']],
    ['**', ['a', 'a/b/c'], []],
  ])('%s', (glob, yes, no) => {
    const re = globToRegExp(glob);
    for (const p of yes) expect(re.test(p), p).toBe(true);
    for (const p of no) expect(re.test(p), p).toBe(false);
  });

  it('expands to files, taking whole directories when a directory matches', async () => {
    const root = await project({ 'src/a.ts': '', 'src/b/c.ts': '', 'src/b/d.js': '', 'pkg.json': '', '.git/x.ts': '' });
    const paths = async (globs: string[]): Promise<string[]> => (await expandGlobs(root, globs)).map((e) => e.path).sort();
    expect(await paths(['src/**/*.ts'])).toEqual(['src/a.ts', 'src/b/c.ts']);
    expect(await paths(['src/b', 'pkg.json'])).toEqual(['pkg.json', 'src/b/c.ts', 'src/b/d.js']);
    expect(await paths(['missing/**'])).toEqual([]);
  });
});

describe('custom builds', () => {
  it('passes the image first, or after imageFlag, then the flags', () => {
    expect(customBuildArgs({ command: 'b', flags: ['--x', 'a b'] }, 'r/i:t')).toEqual(['r/i:t', '--x', 'a b']);
    expect(customBuildArgs({ command: 'b', imageFlag: '--image', flags: ['--x'] }, 'r/i:t')).toEqual(['--image', 'r/i:t', '--x']);
  });

  it('streams output as build:log lines and fails with the exit code and last line', async () => {
    const root = await project({ 'build.sh': '+x #!/bin/sh\necho "building $1"\necho "oops: $2" >&2\nexit 7\n' });
    const events = new DevEngineEmitter();
    const seen: EngineEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const run = customBuild({ events, key: 'app', ref: 'r/app:1', config: { command: './build.sh', flags: ['it has spaces'] }, projectRoot: root });
    await expect(run).rejects.toThrow(new UserError('build of image "app" failed: command ./build.sh exited with code 7 (oops: it has spaces)'));
    const lines = seen.flatMap((e) => (e.type === 'build:log' ? e.payload.lines : []));
    expect(lines.sort()).toEqual(['building r/app:1', 'oops: it has spaces']);
    expect(seen.at(-1)).toMatchObject({ type: 'build:failed', payload: { image: 'app', message: 'command ./build.sh exited with code 7' } });
  });

  it('kills the whole process group when aborted', async () => {
    const root = await project({ 'build.sh': '+x #!/bin/sh\nsleep 30 &\necho started\nwait\n' });
    const ctl = new AbortController();
    const events = new DevEngineEmitter();
    events.on('build:log', () => ctl.abort());
    const started = Date.now();
    await expect(
      customBuild({ events, key: 'app', ref: 'r:1', config: { command: './build.sh' }, projectRoot: root, signal: ctl.signal }),
    ).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('hashes onChange files, and always rebuilds (with a fresh tag) without them', async () => {
    const root = await project({ 'src/a.ts': 'a', 'other.txt': 'o' });
    const spec = { key: 'c', image: 'r/c', build: { custom: { command: 'true', onChange: ['src/**'] } } };
    const a = await prepareImage(spec, { projectRoot: root, dev: false });
    await writeFile(join(root, 'other.txt'), 'changed');
    expect((await prepareImage(spec, { projectRoot: root, dev: false })).tag).toBe(a.tag);
    await writeFile(join(root, 'src/a.ts'), 'changed');
    expect((await prepareImage(spec, { projectRoot: root, dev: false })).tag).not.toBe(a.tag);
    const always = { key: 'c', image: 'r/c', build: { custom: { command: 'true' } } };
    const x = await prepareImage(always, { projectRoot: root, dev: false });
    const y = await prepareImage(always, { projectRoot: root, dev: false });
    expect(x.alwaysBuild).toBe(true);
    expect(x.tag).not.toBe(y.tag);
  });
});

describe('up-front checks', () => {
  it('rejects kaniko before building anything, and skips disabled images', async () => {
    const events = new DevEngineEmitter();
    const seen: EngineEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const specs = [
      { key: 'off', image: 'r/off', build: { disabled: true } },
      { key: 'k', image: 'r/k', build: { kaniko: { cache: true } } },
    ];
    await expect(buildImages(specs, { projectRoot: '/nonexistent', events, dev: true })).rejects.toThrow(
      /image "k" uses build.kaniko, which is not supported: kaniko needs its executor image from a public registry/,
    );
    expect(seen).toEqual([]);
    expect(await buildImages([specs[0]!], { projectRoot: '/nonexistent', events, dev: true })).toEqual({});
    expect(seen.map((e) => e.type)).toEqual(['build:skipped']);
  });
});

describe('build cache', () => {
  it('keeps other top-level keys, the newest builds first, and writes atomically', async () => {
    const root = await project({});
    await mkdir(join(root, '.devspace'));
    await writeFile(cachePath(root), JSON.stringify({ deployments: { api: 'h' } }));
    await Promise.all([
      recordBuild(root, 'a', { hash: 'h1', ref: 'r/a:1', builtAt: 't1' }),
      recordBuild(root, 'b', { hash: 'h2', ref: 'r/b:1', builtAt: 't2' }),
      recordBuild(root, 'a', { hash: 'h3', ref: 'r/a:3', imageId: 'sha256:3', builtAt: 't3' }),
      recordBuild(root, 'a', { hash: 'h4', ref: 'r/a:1', builtAt: 't4' }),
    ]);
    const raw = JSON.parse(await readFile(cachePath(root), 'utf8')) as { deployments: unknown };
    expect(raw.deployments).toEqual({ api: 'h' });
    const cache = await readBuildCache(root);
    // r/a:1 now names the h4 build; the h1 record under the same tag is gone.
    expect(cache.images.a?.builds.map((b) => b.hash)).toEqual(['h4', 'h3']);
    expect(findCachedBuild(cache, 'a', 'h3', 'r/a:3')?.imageId).toBe('sha256:3');
    expect(findCachedBuild(cache, 'a', 'h1', 'r/a:1')).toBeUndefined();
    expect(findCachedBuild(cache, 'b', 'h2', 'r/b:1')).toBeDefined();
    expect((await readdir(join(root, '.devspace'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('treats a corrupt cache file as empty', async () => {
    const root = await project({ '.devspace/cache.json': '{not json' });
    expect(await readBuildCache(root)).toEqual({ images: {} });
  });
});

describe('specsFromConfig', () => {
  it('maps config images in order, attaching their dev override', async () => {
    const { specsFromConfig } = await import('../../../src/engine/build/from-config.js');
    const specs = specsFromConfig({
      images: {
        api: { image: '127.0.0.1:5000/api', build: { docker: { options: { target: 'dev' } } } },
        web: { image: 'web', tag: 'v1', createPullSecret: true },
      },
      dev: { overrideImages: [{ name: 'api', entrypoint: ['npm', 'run', 'watch'], context: './api' }] },
    });
    expect(specs).toEqual([
      {
        key: 'api',
        image: '127.0.0.1:5000/api',
        build: { docker: { options: { target: 'dev' } } },
        override: { entrypoint: ['npm', 'run', 'watch'], context: './api' },
      },
      { key: 'web', image: 'web', tag: 'v1', createPullSecret: true },
    ]);
  });
});
