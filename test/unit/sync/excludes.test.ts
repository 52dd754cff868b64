import { describe, expect, it } from 'vitest';
import { anyOf, compileExcludes, findPruneArgs } from '../../../src/engine/sync/excludes.js';

// gitignore(5) semantics, case by case.
const ex = (patterns: string[], rel: string, isDir = false): boolean => compileExcludes(patterns).excludes(rel, isDir);

describe('gitignore-style excludes', () => {
  it('matches a bare name at any depth, files and folders alike', () => {
    expect(ex(['node_modules'], 'node_modules', true)).toBe(true);
    expect(ex(['node_modules'], 'pkg/a/node_modules', true)).toBe(true);
    expect(ex(['node_modules'], 'pkg/node_modules/x/index.js')).toBe(true);
    expect(ex(['node_modules'], 'my_node_modules', true)).toBe(false);
    expect(ex(['*.log'], 'a/b/c.log')).toBe(true);
    expect(ex(['*.log'], 'c.log.txt')).toBe(false);
  });

  it('anchors patterns with a leading or middle slash to the sync root', () => {
    expect(ex(['/build'], 'build', true)).toBe(true);
    expect(ex(['/build'], 'src/build', true)).toBe(false);
    expect(ex(['doc/*.txt'], 'doc/a.txt')).toBe(true);
    expect(ex(['doc/*.txt'], 'doc/sub/a.txt')).toBe(false);
    expect(ex(['doc/*.txt'], 'x/doc/a.txt')).toBe(false);
  });

  it('matches a trailing-slash pattern only as a folder, and everything inside it', () => {
    expect(ex(['tmp/'], 'tmp', true)).toBe(true);
    expect(ex(['tmp/'], 'tmp', false)).toBe(false);
    expect(ex(['tmp/'], 'a/tmp/file.txt')).toBe(true);
    expect(ex(['tmp/'], 'tmp.txt')).toBe(false);
  });

  it('lets the last matching pattern win and re-includes with !', () => {
    expect(ex(['*.log', '!keep.log'], 'keep.log')).toBe(false);
    expect(ex(['*.log', '!keep.log'], 'drop.log')).toBe(true);
    expect(ex(['!keep.log', '*.log'], 'keep.log')).toBe(true);
    expect(ex(['logs/*', '!logs/keep/'], 'logs/keep/a.txt')).toBe(false);
    expect(ex(['logs/*', '!logs/keep/'], 'logs/other.txt')).toBe(true);
  });

  it('never re-includes a file whose parent folder is excluded', () => {
    expect(ex(['logs/', '!logs/keep.log'], 'logs/keep.log')).toBe(true);
    expect(ex(['build', '!build/out.js'], 'build/out.js')).toBe(true);
  });

  it('supports ** at the start, in the middle and at the end', () => {
    expect(ex(['**/cache'], 'cache', true)).toBe(true);
    expect(ex(['**/cache'], 'a/b/cache', true)).toBe(true);
    expect(ex(['a/**/b'], 'a/b')).toBe(true);
    expect(ex(['a/**/b'], 'a/x/y/b')).toBe(true);
    expect(ex(['a/**/b'], 'xa/b')).toBe(false);
    expect(ex(['out/**'], 'out/x/y.js')).toBe(true);
    expect(ex(['out/**'], 'out', true)).toBe(false);
  });

  it('handles ?, character classes, escapes, comments and blank lines', () => {
    expect(ex(['file?.txt'], 'file1.txt')).toBe(true);
    expect(ex(['file?.txt'], 'file10.txt')).toBe(false);
    expect(ex(['[ab].js'], 'a.js')).toBe(true);
    expect(ex(['[!ab].js'], 'a.js')).toBe(false);
    expect(ex(['[!ab].js'], 'c.js')).toBe(true);
    expect(ex(['\\#notes'], '#notes')).toBe(true);
    expect(ex(['\\!important'], '!important')).toBe(true);
    expect(ex(['# a comment', '', '   '], 'a comment')).toBe(false);
    expect(ex(['*'], 'any/thing')).toBe(true);
    expect(ex(['a\\*b'], 'a*b')).toBe(true);
    expect(ex(['a\\*b'], 'axb')).toBe(false);
  });

  it('never excludes the sync root itself', () => {
    expect(ex(['*', '.*'], '', true)).toBe(false);
  });

  it('combines lists so that a ! in one list does not undo another list', () => {
    const m = anyOf(compileExcludes(['*.log']), compileExcludes(['!debug.log']));
    expect(m.excludes('debug.log', false)).toBe(true);
  });
});

describe('prune tokens for busybox find', () => {
  it('translates simple names and anchored literal paths, keeping the root', () => {
    expect(findPruneArgs([['node_modules/', '/dist', '*.tmp']])).toEqual([
      '!', '-path', '.', '(',
      '(', '-type', 'd', '-a', '-name', 'node_modules', ')',
      '-o', '-path', './dist',
      '-o', '-name', '*.tmp',
      ')', '-prune', '-o',
    ]);
  });

  it('leaves lists with negations and globs find reads differently to the full matcher', () => {
    expect(findPruneArgs([['*.log', '!keep.log']])).toEqual([]);
    expect(findPruneArgs([['src/*.gen.ts', '**/cache', '[ab]x']])).toEqual([]);
    expect(findPruneArgs([[]])).toEqual([]);
  });
});
