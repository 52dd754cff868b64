import { describe, expect, it } from 'vitest';
import { checkRelPath, conflictName, isSyncTemp, normalizeRel, symlinkStaysInside } from '../../../src/engine/sync/paths.js';

describe('relative sync paths', () => {
  it('accepts ordinary nested names, including spaces and unicode', () => {
    for (const ok of ['a', 'a/b/c.txt', 'with space/é.md', '.env', 'a/.hidden/b']) expect(checkRelPath(ok, 'linux')).toBeUndefined();
  });

  it('refuses names that would escape the root or cannot exist locally', () => {
    expect(checkRelPath('../x', 'linux')).toMatch(/climbs out/);
    expect(checkRelPath('a/../../x', 'linux')).toMatch(/climbs out/);
    expect(checkRelPath('/etc/passwd', 'linux')).toBe('absolute path');
    expect(checkRelPath('a\nb', 'linux')).toBe('newline in the name');
    expect(checkRelPath('a\rb', 'linux')).toBe('newline in the name');
    expect(checkRelPath('a\0b', 'linux')).toBe('NUL in the name');
    expect(checkRelPath('a//b', 'linux')).toBe('malformed path');
    expect(checkRelPath('a/./b', 'linux')).toBe('malformed path');
    expect(checkRelPath('bad\uFFFDname', 'linux')).toMatch(/UTF-8/);
    expect(checkRelPath('', 'linux')).toBe('empty name');
  });

  it('applies Windows rules on Windows only', () => {
    expect(checkRelPath('a\\..\\b', 'win32')).toMatch(/Windows/);
    expect(checkRelPath('con.txt', 'win32')).toMatch(/Windows/);
    expect(checkRelPath('a\\b', 'linux')).toBeUndefined();
  });

  it('normalises ./ prefixes and trailing slashes', () => {
    expect(normalizeRel('./a/b/')).toBe('a/b');
    expect(normalizeRel('.')).toBe('');
    expect(normalizeRel('./')).toBe('');
  });
});

describe('symlink targets', () => {
  it('allows links that resolve inside the tree and refuses the rest', () => {
    expect(symlinkStaysInside('a/link', 'b')).toBe(true);
    expect(symlinkStaysInside('a/link', '../top.txt')).toBe(true);
    expect(symlinkStaysInside('link', 'sub/dir/../x')).toBe(true);
    expect(symlinkStaysInside('link', '..')).toBe(false);
    expect(symlinkStaysInside('a/link', '../../x')).toBe(false);
    expect(symlinkStaysInside('link', '/etc')).toBe(false);
    expect(symlinkStaysInside('link', 'C:\\Windows')).toBe(false);
    expect(symlinkStaysInside('link', '')).toBe(false);
  });
});

describe('conflict copy names', () => {
  const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

  it('puts side and UTC time before the extension', () => {
    expect(conflictName('src/app.ts', 'container', when)).toBe('src/app.conflict-container-20260102-030405.ts');
    expect(conflictName('README', 'local', when)).toBe('README.conflict-local-20260102-030405');
    expect(conflictName('a/archive.tar.gz', 'local', when)).toBe('a/archive.tar.conflict-local-20260102-030405.gz');
  });

  it('keeps dotfiles recognisable and numbers names that are taken', () => {
    expect(conflictName('.env', 'local', when)).toBe('.env.conflict-local-20260102-030405');
    const taken = new Set(['x.conflict-local-20260102-030405.txt', 'x.conflict-local-20260102-030405-2.txt']);
    expect(conflictName('x.txt', 'local', when, (c) => taken.has(c))).toBe('x.conflict-local-20260102-030405-3.txt');
  });

  it('recognises its own temp files', () => {
    expect(isSyncTemp('a/.devspace-sync-0a1b2c.tmp')).toBe(true);
    expect(isSyncTemp('a/devspace-sync.tmp')).toBe(false);
  });
});
