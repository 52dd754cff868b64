import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHandlers, type DownloadResult } from '../../../src/engine/sync/download.js';
import { lstatMeta } from '../../../src/engine/sync/safe-fs.js';
import { readTar } from '../../../src/engine/sync/tar-entries.js';
import { craftTar, fakeContext, tempTree } from './helpers.js';

// What happens when a container version arrives for a local file: overwrite only what sync last wrote.

const T = 1_700_000_000;

describe('writing container versions over local files', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => (tree = tempTree()));
  afterEach(() => tree.dispose());

  async function arrive(name: string, body: string, mtime: number, expect_: () => Promise<Awaited<ReturnType<typeof lstatMeta>>>, uploadExcludePaths?: string[]) {
    const f = fakeContext(tree.root, uploadExcludePaths ? { uploadExcludePaths } : {});
    const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
    const expected = await expect_();
    const handlers = writeHandlers(f.ctx, new Map(), () => expected, result);
    await readTar(craftTar([{ header: { name: `./${name}`, mtime: new Date(mtime * 1000) }, body }]), handlers);
    await handlers.settle();
    return { ...f, result };
  }

  const file = (rel: string): string => path.join(tree.root, rel);
  const read = (rel: string): string => fs.readFileSync(file(rel), 'utf8');

  it('overwrites a local file that is still what sync last knew', async () => {
    fs.writeFileSync(file('a.txt'), 'old\n');
    const { result, ctx } = await arrive('a.txt', 'new\n', T, () => lstatMeta(file('a.txt')));
    expect(read('a.txt')).toBe('new\n');
    expect(result.conflicts).toBe(0);
    expect(fs.readdirSync(tree.root)).toEqual(['a.txt']);
    expect(ctx.state.get('a.txt')?.local).toMatchObject({ size: 4, mtime: T, mtimeKey: `${T}.000000000` });
    expect(fs.statSync(file('a.txt')).mtimeMs).toBe(T * 1000);
  });

  it('keeps a newer local edit and writes the container version beside it', async () => {
    fs.writeFileSync(file('a.txt'), 'local edit\n');
    fs.utimesSync(file('a.txt'), T + 100, T + 100);
    const { result, requeued } = await arrive('a.txt', 'container\n', T, async () => undefined);
    expect(read('a.txt')).toBe('local edit\n');
    const copy = fs.readdirSync(tree.root).find((n) => n.startsWith('a.conflict-container-'))!;
    expect(copy).toMatch(/^a\.conflict-container-\d{8}-\d{6}\.txt$/);
    expect(read(copy)).toBe('container\n');
    expect(result.conflicts).toBe(1);
    expect(requeued).toEqual(expect.arrayContaining(['a.txt', copy]));
  });

  it('takes a newer container version and keeps the local one as a conflict copy', async () => {
    fs.writeFileSync(file('a.txt'), 'local edit\n');
    fs.utimesSync(file('a.txt'), T, T);
    const { result, requeued } = await arrive('a.txt', 'container\n', T + 100, async () => undefined);
    expect(read('a.txt')).toBe('container\n');
    const copy = fs.readdirSync(tree.root).find((n) => n.startsWith('a.conflict-local-'))!;
    expect(read(copy)).toBe('local edit\n');
    expect(result.conflicts).toBe(1);
    expect(requeued).toContain(copy);
  });

  it('never moves a file that is excluded from upload, even when the container copy is newer', async () => {
    fs.writeFileSync(file('config.local.json'), '{"secret":1}\n');
    fs.utimesSync(file('config.local.json'), T, T);
    const { result } = await arrive('config.local.json', '{}\n', T + 100, async () => undefined, ['config.local.json']);
    expect(read('config.local.json')).toBe('{"secret":1}\n');
    const copy = fs.readdirSync(tree.root).find((n) => n.startsWith('config.local.conflict-container-'))!;
    expect(read(copy)).toBe('{}\n');
    expect(result.conflicts).toBe(1);
  });

  it('streams a file above the in-memory limit to disk', async () => {
    const size = 17 * 1024 * 1024;
    const { result, warnings } = await arrive('big.bin', 'x'.repeat(size), T, async () => undefined);
    expect(warnings).toEqual([]);
    expect(result.changed).toEqual(['big.bin']);
    expect(fs.statSync(file('big.bin')).size).toBe(size);
    expect(fs.readFileSync(file('big.bin')).subarray(size - 3).toString()).toBe('xxx');
  });

  it('does not write back our own mode change when the listing predates it (no echo)', async () => {
    // run.sh was uploaded 755, then chmod 644 was uploaded; a container listing taken between the two still
    // says 755, while the tar fetched for it carries what is there now: the 644 file sync recorded.
    fs.writeFileSync(file('run.sh'), '#!/bin/sh\n');
    fs.chmodSync(file('run.sh'), 0o644);
    fs.utimesSync(file('run.sh'), T, T);
    const f = fakeContext(tree.root);
    const local = (await lstatMeta(file('run.sh')))!;
    f.ctx.state.set('run.sh', { type: 'file', local, remote: { ...local, mtimeKey: `${T}.000000000` } });
    const staleListing = { ...local, mode: 0o100755, mtimeKey: `${T}.000000000` };
    const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
    const handlers = writeHandlers(f.ctx, new Map([['run.sh', staleListing]]), () => local, result);
    await readTar(craftTar([{ header: { name: './run.sh', mtime: new Date(T * 1000), mode: 0o644 }, body: '#!/bin/sh\n' }]), handlers);
    await handlers.settle();
    expect(result.changed).toEqual([]);
    expect(fs.statSync(file('run.sh')).mode & 0o777).toBe(0o644);
  });

  it('does not write back our own new link target when the listing predates it (no echo)', async () => {
    fs.symlinkSync('new-name.txt', file('link'));
    const f = fakeContext(tree.root);
    const local = (await lstatMeta(file('link')))!;
    f.ctx.state.set('link', { type: 'symlink', local, remote: { ...local, mtime: T, mtimeKey: `${T}.000000000` } });
    // The listing still has the old target `src` (3 bytes); the tar carries the one we uploaded.
    const staleListing = { ...local, size: 3, mtime: T - 5, mtimeKey: `${T - 5}.000000000` };
    const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
    const handlers = writeHandlers(f.ctx, new Map([['link', staleListing]]), () => local, result);
    await readTar(craftTar([{ header: { name: './link', type: 'symlink', linkname: 'new-name.txt', mtime: new Date(T * 1000) } }]), handlers);
    await handlers.settle();
    expect(result.changed).toEqual([]);
    expect(fs.readlinkSync(file('link'))).toBe('new-name.txt');
  });

  it('refuses to replace a local folder with a file, keeping the folder', async () => {
    fs.mkdirSync(file('a.txt'));
    fs.writeFileSync(file('a.txt/inside'), 'mine\n');
    const { refused } = await arrive('a.txt', 'container\n', T, async () => undefined);
    expect(refused[0]?.reason).toMatch(/local folder/);
    expect(read('a.txt/inside')).toBe('mine\n');
  });
});
