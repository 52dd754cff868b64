import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedRemote, packTar, readLocal, STREAM_THRESHOLD, streamTar } from '../../../src/engine/sync/pack.js';
import { readTar, type TarItem } from '../../../src/engine/sync/tar-entries.js';
import { tempTree } from './helpers.js';

async function entries(source: Readable | AsyncIterable<Buffer>): Promise<{ item: TarItem; data: Buffer }[]> {
  const out: { item: TarItem; data: Buffer }[] = [];
  const stream = source instanceof Readable ? source : Readable.from(source);
  await readTar(stream, {
    async item(item, body) {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      out.push({ item, data: Buffer.concat(chunks) });
    },
    refused: (rel, reason) => {
      throw new Error(`refused ${rel}: ${reason}`);
    },
  });
  return out;
}

describe('upload tars', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => (tree = tempTree()));
  afterEach(() => tree.dispose());

  it('packs files with mode and whole-second mtime, folders and symlinks', async () => {
    fs.mkdirSync(path.join(tree.root, 'bin'));
    fs.writeFileSync(path.join(tree.root, 'bin/run'), 'echo hi\n', { mode: 0o755 });
    fs.utimesSync(path.join(tree.root, 'bin/run'), 1_700_000_000.75, 1_700_000_000.75);
    fs.symlinkSync('bin/run', path.join(tree.root, 'link'));
    const items = await Promise.all(['bin', 'bin/run', 'link'].map((r) => readLocal(tree.root, r)));
    const got = await entries(Readable.from([await packTar(items.map((i) => i!))]));
    expect(got.map((e) => [e.item.rel, e.item.kind, e.item.mode.toString(8), e.item.mtime, e.data.toString()])).toEqual([
      ['bin', 'dir', '755', expect.any(Number), ''],
      ['bin/run', 'file', '755', 1_700_000_000, 'echo hi\n'],
      ['link', 'symlink', '777', expect.any(Number), ''],
    ]);
    expect(got[2]!.item.linkTarget).toBe('bin/run');
    expect(expectedRemote(items[1]!.meta)).toMatchObject({ size: 8, mtime: 1_700_000_000, mtimeKey: '1700000000.000000000' });
  });

  it('streams a big file with the exact announced length, and zero-fills one that shrank meanwhile', async () => {
    const big = path.join(tree.root, 'big.bin');
    const data = Buffer.alloc(STREAM_THRESHOLD + 1234, 7);
    fs.writeFileSync(big, data);
    const item = await readLocal(tree.root, 'big.bin');
    expect(item?.content).toBeUndefined(); // not read into memory
    const tar = await streamTar(tree.root, item!);
    const chunks: Buffer[] = [];
    for await (const c of tar.data) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(tar.length);
    const [entry] = await entries(Readable.from([bytes]));
    expect(entry!.data.equals(data)).toBe(true);
    expect(tar.hash()).toBe(createHash('sha256').update(data).digest('hex'));

    fs.truncateSync(big, 1000); // shrank after it was listed
    const shrunk = await streamTar(tree.root, item!);
    const again: Buffer[] = [];
    for await (const c of shrunk.data) again.push(c);
    expect(Buffer.concat(again).length).toBe(shrunk.length);
  });
});
