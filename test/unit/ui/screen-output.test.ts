import { describe, expect, it } from 'vitest';
import { diffRows, fits, frameOf, ScreenOutput } from '../../../src/ui/screen-output.js';
import { FakeStdout } from './helpers.js';

const ERASE_3 = '\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G';
const CLEAR_TERMINAL = '\x1b[2J\x1b[3J\x1b[H';

describe('frameOf', () => {
  it('takes the frame out of each way Ink writes one', () => {
    expect(frameOf('a\nb\nc')).toEqual(['a', 'b', 'c']);
    expect(frameOf('a\nb\n')).toEqual(['a', 'b']);
    expect(frameOf(`${ERASE_3}x\ny\n`)).toEqual(['x', 'y']);
    expect(frameOf(`${CLEAR_TERMINAL}x\ny`)).toEqual(['x', 'y']);
    // The handoff's empty frame: an erase and nothing else.
    expect(frameOf(ERASE_3)).toEqual([]);
  });

  it('passes anything else through as it is', () => {
    expect(frameOf('\x1b[?25l')).toBeUndefined();
    expect(frameOf('\x1b[?2026h')).toBeUndefined();
  });
});

describe('diffRows', () => {
  it('rewrites only the rows that changed, erasing each before writing', () => {
    expect(diffRows(['a', 'b', 'c'], ['a', 'B', 'c'])).toBe('\x1b[2;1H\x1b[2KB');
    expect(diffRows(['a', 'b'], ['a', 'b'])).toBe('');
  });

  it('clears rows the new frame no longer has and writes rows it adds', () => {
    expect(diffRows(['a', 'b', 'c'], ['a'])).toBe('\x1b[2;1H\x1b[2K\x1b[3;1H\x1b[2K');
    expect(diffRows([], ['a', 'b'])).toBe('\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb');
  });
});

describe('fits', () => {
  it('measures rows without colour codes', () => {
    expect(fits(['\x1b[31m12345\x1b[39m', '──'], 5)).toBe(true);
    expect(fits(['123456'], 5)).toBe(false);
  });
});

describe('ScreenOutput', () => {
  const setup = (columns = 20, rows = 5) => {
    const real = new FakeStdout(columns, rows);
    const out = new ScreenOutput(real as unknown as NodeJS.WriteStream);
    return { real, out };
  };

  it('clears once, then writes only what changed; never clears again while the size holds', () => {
    const { real, out } = setup();
    out.write('one\ntwo\nthree');
    expect(real.frames.at(-1)).toBe('\x1b[H\x1b[2J\x1b[1;1H\x1b[2Kone\x1b[2;1H\x1b[2Ktwo\x1b[3;1H\x1b[2Kthree');
    out.write(`${CLEAR_TERMINAL}one\nTWO\nthree`);
    expect(real.frames.at(-1)).toBe('\x1b[2;1H\x1b[2KTWO');
    const before = real.frames.length;
    out.write(`${CLEAR_TERMINAL}one\nTWO\nthree`);
    expect(real.frames.length).toBe(before);
    expect(real.all()).not.toContain(CLEAR_TERMINAL);
  });

  it('passes cursor and synchronized-update sequences through', () => {
    const { real, out } = setup();
    out.write('\x1b[?2026h');
    expect(real.frames).toEqual(['\x1b[?2026h']);
  });

  it('drops everything while muted and repaints in full after invalidate', () => {
    const { real, out } = setup();
    out.write('a\nb');
    out.muted = true;
    out.write('x\ny');
    out.write('\x1b[?25l');
    expect(real.frames).toHaveLength(1);
    out.muted = false;
    out.invalidate();
    out.write('a\nb');
    expect(real.frames.at(-1)).toBe('\x1b[H\x1b[2J\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb');
  });

  it('skips a frame laid out for the old size after a resize, and paints the next one whole', () => {
    const { real, out } = setup(20, 5);
    let resized = 0;
    out.on('resize', () => resized++);
    out.write('a\nb');
    real.resize(10, 2);
    expect(resized).toBe(1);
    const before = real.frames.length;
    out.write('a very long line of the old width\nb');
    expect(real.frames.length).toBe(before);
    out.write('a\nb');
    expect(real.frames.at(-1)).toBe('\x1b[H\x1b[2J\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb');
    expect(out.columns).toBe(10);
    expect(out.rows).toBe(2);
  });

  it('cuts a frame taller than the terminal instead of scrolling', () => {
    const { real, out } = setup(20, 2);
    out.write('a\nb\nc\nd');
    expect(real.frames.at(-1)).toBe('\x1b[H\x1b[2J\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb');
  });

  it('ignores the empty frame of a handoff instead of blanking the screen', () => {
    const { real, out } = setup();
    out.write('a\nb');
    const before = real.frames.length;
    out.write(ERASE_3);
    expect(real.frames.length).toBe(before);
  });

  it('calls write callbacks, written or dropped', async () => {
    const { out } = setup();
    const calls: string[] = [];
    out.write('a\nb', () => calls.push('written'));
    out.muted = true;
    out.write('c\nd', () => calls.push('dropped'));
    await new Promise((r) => setImmediate(r));
    expect(calls.sort()).toEqual(['dropped', 'written']);
  });
});
