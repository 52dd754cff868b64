import { describe, expect, it } from 'vitest';
import { LogBook } from '../../../src/ui/store/log-book.js';
import { parseFilter } from '../../../src/ui/store/log-filter.js';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => ({ ts: i, text: `${prefix} ${i}`, stream: 'stdout' as const }));

describe('LogBook', () => {
  it('caps each source at 5000 lines and the combined stream at its own cap', () => {
    const book = new LogBook({ combined: 6000 });
    book.append('a', lines(7000, 'a'));
    book.append('b', lines(3000, 'b'));
    expect(book.buffer('a').size).toBe(5000);
    expect(book.buffer('a').last()?.text).toBe('a 6999');
    expect(book.buffer('a').at(0)?.text).toBe('a 2000');
    expect(book.buffer('b').size).toBe(3000);
    expect(book.buffer(null).size).toBe(6000);
    expect(book.buffer(null).last()?.text).toBe('b 2999');
  });

  it('truncates long lines and strips escape sequences', () => {
    const book = new LogBook({ maxLineLength: 20 });
    book.append('a', [{ ts: 0, text: `\x1b[31m${'x'.repeat(100)}\x1b[0m`, stream: 'stdout' }]);
    const text = book.buffer('a').last()?.text ?? '';
    expect(text).toHaveLength(20);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toContain('\x1b');
  });

  it('returns only the newest window of lines when following', () => {
    const book = new LogBook();
    book.append('a', lines(10_000));
    const win = book.window({ source: null, anchor: null, height: 7 });
    expect(win.lines.map((l) => l.text)).toEqual(['line 9993', 'line 9994', 'line 9995', 'line 9996', 'line 9997', 'line 9998', 'line 9999']);
    expect(win.atEnd).toBe(true);
  });

  it('filters while windowing and scrolls by matching lines', () => {
    const book = new LogBook();
    book.append('a', lines(100));
    const match = (t: string) => t.endsWith('0');
    const q = { source: 'a', match, anchor: null, height: 3 };
    expect(book.window(q).lines.map((l) => l.text)).toEqual(['line 70', 'line 80', 'line 90']);
    const up = book.moveAnchor(q, -2);
    expect(book.window({ ...q, anchor: up }).lines.map((l) => l.text)).toEqual(['line 50', 'line 60', 'line 70']);
    // Scrolling far up stops where a full window still fits.
    const top = book.moveAnchor({ ...q, anchor: up }, -50);
    expect(book.window({ ...q, anchor: top }).lines.map((l) => l.text)).toEqual(['line 0', 'line 10', 'line 20']);
    // Scrolling back down to the newest line means "follow" again.
    expect(book.moveAnchor({ ...q, anchor: up }, 5)).toBeNull();
  });

  it('keeps a pinned window in place while new lines arrive', () => {
    const book = new LogBook();
    book.append('a', lines(50));
    const q = { source: null, anchor: null, height: 2 };
    const pinned = book.moveAnchor(q, -10);
    const before = book.window({ ...q, anchor: pinned }).lines.map((l) => l.text);
    book.append('a', lines(20, 'new'));
    expect(book.window({ ...q, anchor: pinned }).lines.map((l) => l.text)).toEqual(before);
    expect(book.window({ ...q, anchor: pinned }).atEnd).toBe(false);
  });

  it('counts the lines below a paused window, matching ones only when filtered', () => {
    const book = new LogBook();
    book.append('a', lines(30));
    const q = { source: null, anchor: null, height: 5 };
    expect(book.window(q).newer).toBe(0);
    const pinned = book.moveAnchor(q, -10);
    expect(book.window({ ...q, anchor: pinned }).newer).toBe(10);
    book.append('a', [{ ts: 0, text: 'match me', stream: 'stdout' }]);
    expect(book.window({ ...q, anchor: pinned }).newer).toBe(11);
    expect(book.window({ ...q, anchor: pinned, match: (t) => t.includes('match') }).newer).toBe(1);
  });
});

describe('parseFilter', () => {
  it('matches plain text case-insensitively', () => {
    const f = parseFilter('ERROR');
    expect(f?.kind).toBe('text');
    expect(f?.test('an error here')).toBe(true);
    expect(f?.test('all good')).toBe(false);
  });

  it('treats /like this/ as a regular expression', () => {
    const f = parseFilter('/^GET \\/api/');
    expect(f?.kind).toBe('regex');
    expect(f?.test('GET /api/users')).toBe(true);
    expect(f?.test('POST /api/users')).toBe(false);
  });

  it('falls back to plain text when the regex is invalid, and says so', () => {
    const f = parseFilter('/([/');
    expect(f?.kind).toBe('text');
    expect(f?.error).toMatch(/invalid regex/);
    expect(f?.test('x /([/ y')).toBe(true);
  });

  it('means no filter when empty', () => {
    expect(parseFilter('')).toBeUndefined();
  });
});
