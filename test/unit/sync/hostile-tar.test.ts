import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { reporters } from '../../../src/engine/sync/context.js';
import { writeHandlers, type DownloadResult } from '../../../src/engine/sync/download.js';
import { readTar, TarAbandoned, type TarLimits } from '../../../src/engine/sync/tar-entries.js';
import { hostileCases, type HostileCase } from '../../e2e/hostile/cases.js';
import { archive, entryBytes } from '../../e2e/hostile/tar-craft.js';
import { fakeContext, listTree, tempTree } from './helpers.js';

// The crafted archives of the hostile-container e2e tests, fed straight to the tar reader and
// writer: every hostile entry is refused by name, nothing lands outside the root, no temp file
// stays behind, and streams that lie about sizes or never end are given up instead of read.

const GiB = 1024 ** 3;
let tree: ReturnType<typeof tempTree>;
let canary: string;
beforeEach(() => {
  tree = tempTree();
  canary = path.join(tree.outer, 'canary');
  fs.mkdirSync(canary);
  fs.writeFileSync(path.join(tree.outer, 'sentinel.txt'), 'untouched');
});
afterEach(() => tree.dispose());

function nothingOutside(): void {
  expect(fs.readdirSync(tree.outer).sort()).toEqual(['canary', 'root', 'sentinel.txt']);
  expect(fs.readdirSync(canary)).toEqual([]);
  expect(fs.readFileSync(path.join(tree.outer, 'sentinel.txt'), 'utf8')).toBe('untouched');
  expect(listTree(tree.root).filter((n) => n.includes('.devspace-sync-'))).toEqual([]);
}

/** Feed `source` through the real handlers; resolves with what happened (never rejects). */
async function feed(source: Readable, wanted: string[], limits: TarLimits = { room: 10 * GiB, maxEntries: 2 * wanted.length + 64 }) {
  const { ctx, refused, warnings } = fakeContext(tree.root);
  const result: DownloadResult = { changed: [], conflicts: 0, bytes: 0, ms: 0 };
  const handlers = writeHandlers(ctx, new Map(), () => undefined, result);
  let error: Error | undefined;
  try {
    await readTar(source, handlers, new Set(wanted), limits);
  } catch (err) {
    error = err as Error;
  } finally {
    await handlers.settle();
  }
  const reason = (p: string): string | undefined => refused.find((r) => r.path === p)?.reason;
  return { error, refused, reason, warnings, result };
}

/** `head`, then zero-filled MiB chunks forever (counting how many were pulled). */
function endless(head: Buffer): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const zero = Buffer.alloc(1024 * 1024);
  const stream = Readable.from(
    (function* () {
      yield head;
      for (;;) {
        pulled++;
        yield zero;
      }
    })(),
  );
  return { stream, pulled: () => pulled };
}

describe('the mixed hostile archive', () => {
  it('refuses every hostile entry by name and writes the good ones, all inside the root', async () => {
    const c: HostileCase = hostileCases(canary).find((x) => x.name === 'mixed')!;
    fs.writeFileSync(path.join(tree.root, 'secret.env'), 'TOKEN=local-only\n');
    const wanted = ['good.txt', 'sub', 'link-out', 'link-out/evil.txt', 'link-up', 'link-up/evil.txt', 'link-in', 'link-in/evil.txt', 'hard-abs', 'hard-up', 'hard-local', 'hard-dir', 'hard-good', 'dev-null', 'dev-sda', 'fifo', 'pax-link', 'dup.txt', 'sparse.bin', 'suid.sh', 'nul.txt', 'deep', ...c.expect.filter((e) => e.entry.startsWith('deep/')).map((e) => e.entry)];
    for (let d = c.expect.find((e) => e.entry.startsWith('deep/'))!.entry; d.includes('/'); d = d.slice(0, d.lastIndexOf('/'))) wanted.push(d);
    const { error, reason } = await feed(Readable.from([c.answer.archive]), wanted);
    expect(error).toBeUndefined();
    for (const e of c.expect) {
      const local = path.join(tree.root, ...e.entry.split('/'));
      if ('refused' in e) expect(reason(e.entry), JSON.stringify(e.entry)).toMatch(e.refused);
      else if ('link' in e) expect(fs.readlinkSync(local)).toBe(e.link);
      else {
        expect(fs.readFileSync(local, 'utf8'), e.entry).toBe(e.file);
        if (e.mode !== undefined) expect(fs.statSync(local).mode & 0o7777).toBe(e.mode);
      }
    }
    expect(fs.readFileSync(path.join(tree.root, 'secret.env'), 'utf8')).toBe('TOKEN=local-only\n');
    expect(fs.existsSync(path.join(tree.root, 'hard-local'))).toBe(false);
    nothingOutside();
  });
});

describe('streams that lie about their size or never end', () => {
  it('refuses a 1 TiB pax size before reading its data, and reads no further', async () => {
    const { stream, pulled } = endless(archive([{ name: 'before.txt', body: 'b' }, { name: 'huge.bin', pax: { size: String(1024 ** 4) } }], false));
    const { error, reason, result } = await feed(stream, ['before.txt', 'huge.bin']);
    expect(error).toBeInstanceOf(TarAbandoned);
    expect(error!.message).toMatch(/huge\.bin, which announces 1\.0 TiB, more than the 10\.0 GiB free/);
    expect(reason('huge.bin')).toMatch(/announces 1\.0 TiB/);
    expect(result.changed).toEqual(['before.txt']);
    expect(pulled()).toBeLessThan(4);
    expect(listTree(tree.root)).toEqual(['before.txt']);
    nothingOutside();
  });

  it('refuses a base-256 size field and an entry that fits no more once the room is used', async () => {
    const big = await feed(Readable.from([archive([{ name: 'big.bin', size: 1024 ** 4 }], false)]), ['big.bin']);
    expect(big.reason('big.bin')).toMatch(/1\.0 TiB/);
    const filled = await feed(Readable.from([archive([{ name: 'a.bin', body: Buffer.alloc(3000) }, { name: 'b.bin', body: Buffer.alloc(3000) }])]), ['a.bin', 'b.bin'], { room: 5000, maxEntries: 10 });
    expect(filled.error).toBeInstanceOf(TarAbandoned);
    expect(filled.reason('b.bin')).toMatch(/announces 2\.9 KiB, more than the 2\.0 KiB free/);
    expect(listTree(tree.root)).toEqual(['a.bin']);
    nothingOutside();
  });

  it('gives up on endless zero blocks after a few MiB', async () => {
    const { stream, pulled } = endless(archive([{ name: 'z.txt', body: 'z' }], false));
    const { error, result } = await feed(stream, ['z.txt']);
    expect(error).toBeInstanceOf(TarAbandoned);
    expect(error!.message).toMatch(/not file data/);
    expect(pulled()).toBeLessThan(16);
    expect(result.changed).toEqual(['z.txt']);
    nothingOutside();
  });

  it('gives up on far more entries than were asked for', async () => {
    const flood = archive(Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, body: 'x' })));
    const { error, refused } = await feed(Readable.from([flood]), ['f0']);
    expect(error).toBeInstanceOf(TarAbandoned);
    expect(error!.message).toMatch(/more entries than were asked for \(67 for 1 paths\)/);
    expect(refused.length).toBeLessThan(70);
    expect(listTree(tree.root)).toEqual(['f0']);
  });

  it.each([
    ['a small file', 10_000, 2_000],
    ['a streamed file', 40_000_000, 20_000_000],
  ])('a stream that ends inside %s rejects without hanging and leaves no temp file', async (_what, size, sent) => {
    const cut = Buffer.concat([archive([{ name: 'ok.txt', body: 'ok' }], false), entryBytes({ name: 'cut.bin', size, body: Buffer.alloc(sent, 7) })]);
    const { error, result } = await feed(Readable.from([cut]), ['ok.txt', 'cut.bin']);
    expect(error?.message).toMatch(/Unexpected end of data|premature|aborted/i);
    expect(result.changed).toEqual(['ok.txt']);
    expect(listTree(tree.root)).toEqual(['ok.txt']);
    nothingOutside();
  });

  it('rejects bytes that are not a tar header after a good entry', async () => {
    const junk = Buffer.concat([archive([{ name: 'g.txt', body: 'g' }], false), Buffer.alloc(1024, 0x41)]);
    const { error, result } = await feed(Readable.from([junk]), ['g.txt']);
    expect(error?.message).toMatch(/Invalid tar header/);
    expect(result.changed).toEqual(['g.txt']);
  });
});

describe('names and headers', () => {
  it('shows a huge refused name shortened, with its length', () => {
    const events = new DevEngineEmitter();
    const seen: string[] = [];
    events.on('sync:refused', (r) => seen.push(r.path));
    reporters('sync:t', events).refuse('w'.repeat(2_000_000), 'name too long');
    expect(seen).toEqual([`${'w'.repeat(512)}… (2000000 characters)`]);
  });

  it('refuses control characters, over-long names and a replaced root; keeps a corrupt mtime harmless', async () => {
    const tar = archive([
      { name: 'bell\x07.txt', body: 'x' },
      { name: 'csi\u009b2J.txt', body: 'x' },
      { name: 'n', pax: { path: 'y'.repeat(256) }, body: 'x' },
      { name: 'p', pax: { path: `${'z/'.repeat(2100)}f` }, body: 'x' },
      { name: 'q', pax: { path: 'w'.repeat(2000) }, body: 'x' },
      { name: '.', type: '2', linkname: '/' },
      { name: 'when.txt', body: 'w', mtime: 'zzzzzzzzzzz' },
      { name: 'tab\tname.txt', body: 't' },
    ]);
    const before = Date.now() / 1000 - 5;
    const { reason, refused, result } = await feed(Readable.from([tar]), ['when.txt', 'tab\tname.txt']);
    expect(reason('bell\x07.txt')).toMatch(/control character/);
    expect(reason('csi\u009b2J.txt')).toMatch(/control character/);
    expect(reason('y'.repeat(256))).toMatch(/name too long/);
    expect(refused.find((r) => r.path.startsWith('z/z/'))?.reason).toMatch(/path too long/);
    expect(refused.find((r) => r.path.startsWith('www'))?.reason).toMatch(/name too long/);
    expect(reason('.')).toMatch(/sync folder itself/);
    expect(result.changed.sort()).toEqual(['tab\tname.txt', 'when.txt']);
    // An mtime field that decodes to NaN becomes "now" rather than an invalid time on disk.
    expect(fs.statSync(path.join(tree.root, 'when.txt')).mtimeMs / 1000).toBeGreaterThan(before);
    nothingOutside();
  });
});
