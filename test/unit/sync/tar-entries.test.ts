import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHandlers, type DownloadResult } from '../../../src/engine/sync/download.js';
import { judgeEntry, readTar } from '../../../src/engine/sync/tar-entries.js';
import { craftTar, fakeContext, listTree, tempTree } from './helpers.js';

describe('judging tar entries from the container', () => {
  it('accepts files, folders, in-tree symlinks and hard links', () => {
    expect(judgeEntry({ name: './a/b.txt', type: 'file', size: 3 })).toMatchObject({ ok: true, item: { rel: 'a/b.txt', kind: 'file' } });
    expect(judgeEntry({ name: './a/', type: 'directory' })).toMatchObject({ ok: true, item: { rel: 'a', kind: 'dir' } });
    expect(judgeEntry({ name: './a/l', type: 'symlink', linkname: '../b' })).toMatchObject({ ok: true, item: { kind: 'symlink', linkTarget: '../b' } });
    expect(judgeEntry({ name: './h', type: 'link', linkname: './a/b.txt' })).toMatchObject({ ok: true, item: { kind: 'hardlink', linkTarget: 'a/b.txt' } });
    expect(judgeEntry({ name: './' })).toEqual({ ok: 'skip' });
  });

  it.each([
    [{ name: '../x' }, /climbs out/],
    [{ name: './a/../../x' }, /climbs out/],
    [{ name: '/etc/x' }, /absolute/],
    [{ name: './new\nline' }, /newline/],
    [{ name: './a\0b' }, /NUL/],
    [{ name: './evil', type: 'symlink' as const, linkname: '/etc' }, /outside/],
    [{ name: './up', type: 'symlink' as const, linkname: '..' }, /outside/],
    [{ name: './a/up', type: 'symlink' as const, linkname: '../../x' }, /outside/],
    [{ name: './h', type: 'link' as const, linkname: '../../etc/passwd' }, /hard link/],
    [{ name: './h', type: 'link' as const, linkname: '/etc/passwd' }, /hard link/],
    [{ name: './null', type: 'character-device' as const }, /device/],
    [{ name: './disk', type: 'block-device' as const }, /device/],
    [{ name: './pipe', type: 'fifo' as const }, /FIFO/],
  ])('refuses %j', (header, reason) => {
    const verdict = judgeEntry(header, undefined, 'linux');
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.reason).toMatch(reason);
  });

  it('refuses entries that were not asked for', () => {
    expect(judgeEntry({ name: './b' }, new Set(['a']))).toEqual({ ok: false, rel: 'b', reason: 'not requested' });
  });
});

describe('writing a hostile tar stream', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree();
    fs.writeFileSync(path.join(tree.outer, 'outside.txt'), 'untouched');
  });
  afterEach(() => tree.dispose());

  it('writes only inside the root, never through a symlink, and reports every refusal', async () => {
    const { ctx, refused } = fakeContext(tree.root);
    const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
    const handlers = writeHandlers(ctx, new Map(), () => undefined, result);
    await readTar(
      craftTar([
        { header: { name: './ok.txt' }, body: 'fine' },
        { header: { name: '../escape.txt' }, body: 'x' },
        { header: { name: '/etc/abs.txt' }, body: 'x' },
        { header: { name: './evil', type: 'symlink', linkname: '/etc' } },
        { header: { name: './evil/passwd' }, body: 'x' },
        { header: { name: './up', type: 'symlink', linkname: '..' } },
        { header: { name: './up/outside.txt' }, body: 'overwritten' },
        { header: { name: './sub/', type: 'directory', mode: 0o755 } },
        { header: { name: './in', type: 'symlink', linkname: 'sub' } },
        { header: { name: './in/through.txt' }, body: 'x' },
        { header: { name: './null', type: 'character-device', devmajor: 1, devminor: 3 } },
        { header: { name: './pipe', type: 'fifo' } },
        { header: { name: './new\nline.txt' }, body: 'x' },
        { header: { name: './hl', type: 'link', linkname: '../outside.txt' } },
        { header: { name: './hl2', type: 'link', linkname: './ok.txt' } },
        { header: { name: './run.sh', mode: 0o4755 }, body: '#!/bin/sh\n' },
      ]),
      handlers,
    );
    await handlers.settle();

    expect(fs.readdirSync(tree.outer).sort()).toEqual(['outside.txt', 'root']);
    expect(fs.readFileSync(path.join(tree.outer, 'outside.txt'), 'utf8')).toBe('untouched');
    expect(listTree(tree.root)).toEqual(['hl2', 'in', 'ok.txt', 'run.sh', 'sub']);
    expect(fs.readFileSync(path.join(tree.root, 'ok.txt'), 'utf8')).toBe('fine');
    expect(fs.readFileSync(path.join(tree.root, 'hl2'), 'utf8')).toBe('fine');
    expect(fs.readlinkSync(path.join(tree.root, 'in'))).toBe('sub');
    // setuid/setgid bits from the container are dropped.
    expect(fs.statSync(path.join(tree.root, 'run.sh')).mode & 0o7777).toBe(0o755);

    const reasons = Object.fromEntries(refused.map((r) => [r.path, r.reason]));
    expect(reasons['../escape.txt']).toMatch(/climbs out/);
    expect(reasons['/etc/abs.txt']).toMatch(/absolute/);
    expect(reasons['evil']).toMatch(/outside/);
    expect(reasons['evil/passwd']).toMatch(/refused entry/);
    expect(reasons['up']).toMatch(/outside/);
    expect(reasons['up/outside.txt']).toMatch(/refused entry/);
    expect(reasons['in']).toBeUndefined();
    expect(reasons['in/through.txt']).toMatch(/symlink/);
    expect(reasons['null']).toMatch(/device/);
    expect(reasons['pipe']).toMatch(/FIFO/);
    expect(reasons['new\nline.txt']).toMatch(/newline/);
    expect(reasons['hl']).toMatch(/hard link/);
    expect(result.changed.sort()).toEqual(['hl2', 'in', 'ok.txt', 'run.sh', 'sub']);
  });

  it('replaces a local symlink instead of writing through it', async () => {
    const { ctx } = fakeContext(tree.root);
    fs.symlinkSync(path.join(tree.outer, 'outside.txt'), path.join(tree.root, 'link'));
    const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
    // The local symlink is what sync last knew, so a plain overwrite is allowed, and it must replace the link.
    const before = fs.lstatSync(path.join(tree.root, 'link'), { bigint: true });
    const { metaOf } = await import('../../../src/engine/sync/safe-fs.js');
    const handlers = writeHandlers(ctx, new Map(), () => metaOf(before), result);
    await readTar(craftTar([{ header: { name: './link' }, body: 'new' }]), handlers);
    await handlers.settle();
    expect(fs.readFileSync(path.join(tree.outer, 'outside.txt'), 'utf8')).toBe('untouched');
    expect(fs.lstatSync(path.join(tree.root, 'link')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(tree.root, 'link'), 'utf8')).toBe('new');
  });
});
