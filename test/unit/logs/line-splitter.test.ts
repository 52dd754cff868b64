import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE } from '../../../src/engine/logs/line-splitter.js';

function splitAll(chunks: Buffer[]): string[] {
  const s = new LineSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.flush()];
}

describe('LineSplitter', () => {
  it('joins lines cut across chunks and keeps the unterminated tail for the end', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('line 0\npartial-'))).toEqual(['line 0']);
    expect(s.push(Buffer.from('line 1\nline 2'))).toEqual(['partial-line 1']);
    expect(s.flush()).toEqual(['line 2']);
    expect(s.flush()).toEqual([]);
  });

  it('treats \\r\\n as one line end and keeps empty lines', () => {
    expect(splitAll([Buffer.from('a\r\n\r\nb\r'), Buffer.from('\n')])).toEqual(['a', '', 'b']);
  });

  it('never splits a multi-byte character cut between chunks', () => {
    const bytes = Buffer.from('grüße → 日本\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(splitAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['grüße → 日本']);
    }
  });

  it('gives the same lines however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const clean = lines.map((l) => l.replace(/[\r\n]/g, ''));
        const bytes = Buffer.from(clean.map((l) => `${l}\n`).join(''));
        const points = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(bytes.subarray(at, p));
          at = p;
        }
        chunks.push(bytes.subarray(at));
        expect(splitAll(chunks)).toEqual(clean);
      }),
    );
  });

  it('cuts a runaway line instead of buffering it forever', () => {
    const s = new LineSplitter();
    const out = s.push(Buffer.alloc(MAX_LINE + 10, 'x'));
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(MAX_LINE);
  });
});
