import { describe, expect, it } from 'vitest';
import { planReconcile, type ReconcileInput } from '../../../src/engine/sync/reconcile.js';
import type { FileMeta, SyncedEntry } from '../../../src/engine/sync/types.js';

const file = (size: number, mtime: number, ns = 0): FileMeta => ({ type: 'file', size, mtime, mtimeKey: `${mtime}.${String(ns).padStart(9, '0')}`, mode: 0o644 });
const dir: FileMeta = { type: 'dir', size: 0, mtime: 1, mtimeKey: '1.0', mode: 0o755 };

function plan(local: Record<string, FileMeta>, remote: Record<string, FileMeta>, extra: Partial<ReconcileInput> = {}) {
  return planReconcile({
    local: new Map(Object.entries(local)),
    remote: new Map(Object.entries(remote)),
    state: new Map(),
    uploadExcluded: () => false,
    downloadExcluded: () => false,
    ...extra,
  });
}

describe('initial sync plan', () => {
  it('copies one-sided paths both ways and never deletes', () => {
    const p = plan({ 'up.txt': file(1, 10), src: dir }, { 'down.txt': file(2, 10), src: dir, 'src/r.ts': file(3, 10) });
    expect(p.upload).toEqual(['up.txt']);
    expect(p.download).toEqual(['down.txt', 'src/r.ts']);
    expect(p.same).toEqual(['src']);
    expect(p.deleteRemote).toEqual([]);
    expect(p.conflicts).toEqual([]);
  });

  it('treats equal size and whole-second mtime as equal (tar keeps seconds only)', () => {
    const p = plan({ a: file(5, 100, 999) }, { a: file(5, 100, 0) });
    expect(p.same).toEqual(['a']);
  });

  it('hashes when the size matches but mtimes differ, and equal hashes mean equal', () => {
    const first = plan({ a: file(5, 100) }, { a: file(5, 200) });
    expect(first.needHash).toEqual(['a']);
    const second = plan({ a: file(5, 100) }, { a: file(5, 200) }, { localHashes: new Map([['a', 'h']]), remoteHashes: new Map([['a', 'h']]) });
    expect(second.same).toEqual(['a']);
    expect(second.conflicts).toEqual([]);
  });

  it('lets the newer side win and keeps the other as a conflict copy when both differ', () => {
    const p = plan({ newer: file(1, 200), older: file(1, 100) }, { newer: file(2, 100), older: file(2, 200) });
    expect(p.upload).toEqual(['newer']);
    expect(p.download).toEqual(['older']);
    expect(p.conflicts).toEqual([
      { rel: 'newer', loser: 'container' },
      { rel: 'older', loser: 'local' },
    ]);
  });

  it('prefers the local side on a tie', () => {
    const p = plan({ a: file(1, 100) }, { a: file(2, 100) });
    expect(p.conflicts).toEqual([{ rel: 'a', loser: 'container' }]);
  });

  it('after a reconnect, moves the side that changed since the last agreement without a conflict copy', () => {
    const state = new Map<string, SyncedEntry>([
      ['edited-locally', { type: 'file', local: file(1, 100, 5), remote: file(1, 100) }],
      ['edited-remotely', { type: 'file', local: file(1, 100, 5), remote: file(1, 100) }],
    ]);
    const p = plan(
      { 'edited-locally': file(9, 300), 'edited-remotely': file(1, 100, 5) },
      { 'edited-locally': file(1, 100), 'edited-remotely': file(7, 50) },
      { state },
    );
    expect(p.upload).toEqual(['edited-locally']);
    expect(p.download).toEqual(['edited-remotely']);
    expect(p.conflicts).toEqual([]);
  });

  it('recognises a replacement pod serving an old synced version by its hash', () => {
    const state = new Map<string, SyncedEntry>([['a', { type: 'file', local: file(3, 100), remote: file(3, 100), hashes: ['old', 'cur'] }]]);
    const input = { state };
    const first = plan({ a: file(4, 500) }, { a: file(3, 50) }, input);
    expect(first.needHash).toEqual(['a']);
    const p = plan({ a: file(4, 500) }, { a: file(3, 50) }, { ...input, localHashes: new Map([['a', 'new']]), remoteHashes: new Map([['a', 'old']]) });
    expect(p.upload).toEqual(['a']);
    expect(p.conflicts).toEqual([]);
  });

  it('sets a container copy aside when the sides disagree on file vs folder', () => {
    const p = plan({ x: dir, 'x/a': file(1, 1) }, { x: file(1, 1), y: dir, 'y/b': file(1, 1) }, {});
    expect(p.conflicts).toEqual([{ rel: 'x', loser: 'container', typeClash: true }]);
    expect(p.upload).toEqual(['x', 'x/a']);
    const q = plan({ y: file(1, 1) }, { y: dir, 'y/b': file(1, 1) });
    expect(q.conflicts).toEqual([{ rel: 'y', loser: 'container', typeClash: true }]);
    expect(q.download).toEqual([]);
  });

  it('refuses container FIFOs and devices', () => {
    const p = plan({}, { p: { ...file(0, 1), type: 'other', kind: 'FIFO (named pipe)' } });
    expect(p.refused).toEqual([{ rel: 'p', reason: 'FIFO (named pipe)' }]);
    expect(p.download).toEqual([]);
  });

  it('honours one-way excludes', () => {
    const p = plan({ 'local-only': file(1, 1) }, { 'remote-only': file(1, 1) }, { uploadExcluded: () => true, downloadExcluded: () => true });
    expect(p.upload).toEqual([]);
    expect(p.download).toEqual([]);
  });

  it('replays a local delete made while disconnected only if the container copy is the synced one', () => {
    const state = new Map<string, SyncedEntry>([
      ['gone', { type: 'file', local: file(1, 1), remote: file(1, 1) }],
      ['changed-there', { type: 'file', local: file(1, 1), remote: file(1, 1) }],
    ]);
    const p = plan({}, { gone: file(1, 1), 'changed-there': file(2, 5) }, { state, pendingDeletes: new Set(['gone', 'changed-there']) });
    expect(p.deleteRemote).toEqual(['gone']);
    expect(p.download).toEqual(['changed-there']);
  });
});
