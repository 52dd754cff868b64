import { describe, expect, it } from 'vitest';
import { LineDeduper, parseStamped, sinceTimeOf } from '../../../src/engine/logs/timestamps.js';

describe('parseStamped', () => {
  it('splits the RFC 3339 stamp from the text, with nanosecond order', () => {
    const a = parseStamped('2024-05-01T10:00:00.123456789Z hello world');
    expect(a.text).toBe('hello world');
    const b = parseStamped('2024-05-01T10:00:00.12345679Z x');
    expect(b.ns - a.ns).toBe(1n);
    expect(parseStamped('2024-05-01T12:00:00+02:00 y').ns).toBe(parseStamped('2024-05-01T10:00:00Z y').ns);
  });

  it('leaves lines without a stamp alone', () => {
    expect(parseStamped('no stamp here')).toEqual({ ns: -1n, text: 'no stamp here' });
    expect(parseStamped('2024-05-01T10:00:00.1Z')).toEqual({ ns: parseStamped('2024-05-01T10:00:00.1Z x').ns, text: '' });
  });
});

describe('sinceTimeOf', () => {
  it('rounds down to whole seconds (the API takes no fractions)', () => {
    expect(sinceTimeOf(parseStamped('2024-05-01T10:00:07.999999999Z x').ns)).toBe('2024-05-01T10:00:07Z');
  });
});

describe('LineDeduper', () => {
  const line = (t: string, text = t) => parseStamped(`2024-05-01T10:00:${t}Z ${text}`);

  it('drops what a re-opened stream repeats, and only that', () => {
    const d = new LineDeduper();
    expect(['01.1', '01.5', '02.0'].map((t) => d.accept(line(t)))).toEqual([true, true, true]);
    // Re-open from second 01: the first three repeat, the fourth is new.
    d.reopen();
    expect(['01.1', '01.5', '02.0', '02.3'].map((t) => d.accept(line(t)))).toEqual([false, false, false, true]);
  });

  it('counts lines that share one stamp, so none is lost or doubled', () => {
    const d = new LineDeduper();
    expect([d.accept(line('05.0', 'a')), d.accept(line('05.0', 'b'))]).toEqual([true, true]);
    d.reopen();
    expect([d.accept(line('05.0', 'a')), d.accept(line('05.0', 'b')), d.accept(line('05.0', 'c'))]).toEqual([false, false, true]);
  });

  it('lets unstamped lines through', () => {
    const d = new LineDeduper();
    d.accept(line('09.0'));
    expect(d.accept(parseStamped('plain'))).toBe(true);
  });
});
