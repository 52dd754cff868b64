import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/engine/sync/context.js';
import { outermost, parentsFirst, upload } from '../../../src/engine/sync/transfer.js';
import type { FileMeta } from '../../../src/engine/sync/types.js';
import { fakeContext, tempTree } from './helpers.js';

// The upload side against a scripted container shell (the real one is exercised end to end).

function fakeServer(reply: { rc: number; stderr?: string }, remote: Map<string, FileMeta>) {
  const requests: { op: string; bytes: number }[] = [];
  const server = {
    request: async (op: string, payload: Buffer = Buffer.alloc(0)) => {
      requests.push({ op, bytes: payload.length });
      return { rc: op === 'T' ? reply.rc : 0, lines: [], stderr: reply.stderr ?? '' };
    },
    stat: async (rels: readonly string[]) => new Map(rels.filter((r) => remote.has(r)).map((r) => [r, remote.get(r)!])),
  };
  return { conn: { target: { kc: undefined, ref: { namespace: 'n', pod: 'p', container: 'c' }, root: '/app' }, server } as unknown as Connection, requests };
}

describe('uploading a batch', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => (tree = tempTree()));
  afterEach(() => tree.dispose());

  it('sends deletes before the tar and records what the container acknowledged', async () => {
    fs.writeFileSync(path.join(tree.root, 'a.txt'), 'a');
    const f = fakeContext(tree.root);
    f.ctx.state.set('gone.txt', { type: 'file', local: { type: 'file', size: 1, mtime: 1, mtimeKey: '1.0', mode: 0o644 }, remote: { type: 'file', size: 1, mtime: 1, mtimeKey: '1.0', mode: 0o644 } });
    const { conn, requests } = fakeServer({ rc: 0 }, new Map());
    const batches: unknown[] = [];
    f.events.on('sync:batch', (b) => batches.push(b));
    const r = await upload(f.ctx, conn, ['a.txt'], ['gone.txt']);
    expect(requests.map((q) => q.op)).toEqual(['R', 'T']);
    expect(r).toMatchObject({ changed: ['a.txt'], deleted: ['gone.txt'] });
    expect(f.ctx.state.has('gone.txt')).toBe(false);
    expect(f.ctx.state.get('a.txt')?.remote.mtimeKey).toMatch(/^\d+\.000000000$/);
    expect(f.ctx.state.get('a.txt')?.hashes).toHaveLength(1);
    expect(batches).toHaveLength(1);
  });

  it('when the container rejects part of a tar, records only what really arrived and warns', async () => {
    fs.writeFileSync(path.join(tree.root, 'ok.txt'), 'fine');
    fs.writeFileSync(path.join(tree.root, 'blocked'), 'no');
    fs.utimesSync(path.join(tree.root, 'ok.txt'), 1_700_000_000, 1_700_000_000);
    const f = fakeContext(tree.root);
    const landed = new Map<string, FileMeta>([
      ['ok.txt', { type: 'file', size: 4, mtime: 1_700_000_000, mtimeKey: '1700000000.000000000', mode: 0o644 }],
      ['blocked', { type: 'dir', size: 0, mtime: 1, mtimeKey: '1.0', mode: 0o755 }], // a folder was in the way
    ]);
    const { conn } = fakeServer({ rc: 1, stderr: "tar: can't remove old file ./blocked: Is a directory\n" }, landed);
    const r = await upload(f.ctx, conn, ['blocked', 'ok.txt']);
    expect(r.changed).toEqual(['ok.txt']);
    expect([...f.ctx.state.keys()]).toEqual(['ok.txt']);
    expect(f.warnings[0]).toMatch(/failed: tar: can't remove old file \.\/blocked/);
  });

  it('orders parents first and drops paths inside a deleted folder', () => {
    expect(parentsFirst(['a/b/c', 'a', 'b', 'a/b'])).toEqual(['a', 'b', 'a/b', 'a/b/c']);
    expect(outermost(['src/x', 'src', 'lib/y', 'lib/y/z'])).toEqual(['src', 'lib/y']);
  });
});
