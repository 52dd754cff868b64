import { describe, expect, it } from 'vitest';
import { parseStatLines, sameMeta } from '../../../src/engine/sync/listing.js';
import type { FileMeta } from '../../../src/engine/sync/types.js';

// Lines as busybox `stat -c '%f %s %Y %y %n'` prints them.
const line = (mode: string, size: number, sec: number, ns: string, name: string): string =>
  `${mode} ${size} ${sec} 2026-11-26 05:58:40.${ns} +0000 ${name}`;

describe('container listings', () => {
  it('parses types, sizes, whole-second and exact mtimes and modes', () => {
    const { records, refused } = parseStatLines([
      line('41ed', 4096, 100, '000000000', '.'),
      line('81a4', 12, 101, '123456789', './a.txt'),
      line('81ed', 3, 102, '5', './bin/run.sh'),
      line('a1ff', 5, 103, '0', './link'),
      line('41ed', 4096, 104, '0', './with space'),
    ]);
    expect(refused).toEqual([]);
    expect(records.map((r) => [r.rel, r.meta.type, r.meta.size, r.meta.mtime, r.meta.mtimeKey, r.meta.mode.toString(8)])).toEqual([
      ['a.txt', 'file', 12, 101, '101.123456789', '644'],
      ['bin/run.sh', 'file', 3, 102, '102.500000000', '755'],
      ['link', 'symlink', 5, 103, '103.000000000', '777'],
      ['with space', 'dir', 0, 104, '104.000000000', '755'],
    ]);
  });

  it('reports FIFOs, sockets and devices as other with a reason word', () => {
    const { records } = parseStatLines([line('11a4', 0, 1, '0', './p'), line('c1ed', 0, 1, '0', './s'), line('21b6', 0, 1, '0', './null')]);
    expect(records.map((r) => [r.rel, r.meta.type, r.meta.kind])).toEqual([
      ['p', 'other', 'FIFO (named pipe)'],
      ['s', 'other', 'socket'],
      ['null', 'other', 'device file'],
    ]);
  });

  it('refuses a name with a newline (seen as a continuation line) and keeps parsing after it', () => {
    const { records, refused } = parseStatLines([line('81a4', 1, 1, '0', './we'), 'ird', line('81a4', 2, 1, '0', './next')]);
    expect(refused).toEqual([{ rel: 'we\nird', reason: 'newline in the name' }]);
    expect(records.map((r) => r.rel)).toEqual(['next']);
  });

  it('decodes hex-reported newline names into refusals', () => {
    const hex = Buffer.from('./dir/new\nline').toString('hex');
    const { records, refused } = parseStatLines([`!N ${hex}`, line('81a4', 1, 1, '0', './ok')]);
    expect(refused).toEqual([{ rel: 'dir/new\nline', reason: 'newline in the name' }]);
    expect(records.map((r) => r.rel)).toEqual(['ok']);
  });

  it('collects complete child lists of changed folders', () => {
    const { dirs } = parseStatLines([
      '!D .',
      line('81a4', 1, 1, '0', './a'),
      line('41ed', 1, 1, '0', './d'),
      '!D ./d',
      '!D ./e',
      line('81a4', 1, 1, '0', './e/x'),
    ]);
    expect([...dirs]).toEqual([
      ['', ['a', 'd']],
      ['d', []],
      ['e', ['e/x']],
    ]);
  });

  it('never accepts a record whose name does not start with ./', () => {
    const { records } = parseStatLines([line('81a4', 1, 1, '0', '/etc/passwd')]);
    expect(records).toEqual([]);
  });
});

describe('sameMeta', () => {
  const f = (over: Partial<FileMeta>): FileMeta => ({ type: 'file', size: 1, mtime: 1, mtimeKey: '1.0', mode: 0o644, ...over });
  it('compares size, exact mtime and the exec bits of files', () => {
    expect(sameMeta(f({}), f({}))).toBe(true);
    expect(sameMeta(f({}), f({ mtimeKey: '1.5' }))).toBe(false);
    expect(sameMeta(f({}), f({ size: 2 }))).toBe(false);
    expect(sameMeta(f({}), f({ mode: 0o755 }))).toBe(false);
    expect(sameMeta(f({}), f({ mode: 0o600 }))).toBe(true);
  });
  it('compares folders by type and symlinks by target length', () => {
    expect(sameMeta(f({ type: 'dir', mtimeKey: '1' }), f({ type: 'dir', mtimeKey: '2' }))).toBe(true);
    expect(sameMeta(f({ type: 'symlink', size: 3 }), f({ type: 'symlink', size: 3, mtimeKey: '9' }))).toBe(true);
    expect(sameMeta(f({ type: 'symlink' }), f({}))).toBe(false);
    expect(sameMeta(undefined, f({}))).toBe(false);
  });
});
