import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineBatcher, LineSplitter, parseStep, ProgressThrottle } from '../../../src/engine/build/progress.js';

describe('LineSplitter', () => {
  it('rebuilds whole lines from fragments cut anywhere', () => {
    const text = 'Step 1/3 : FROM 127.0.0.1:5000/devspace-base:busybox\n ---> 5bc2dfd6c1c6\nStep 2/3 : RUN make\nout\r\nlast';
    // Every possible cut position: the lines never depend on how the Engine split the stream.
    for (let cut = 1; cut < text.length; cut++) {
      const s = new LineSplitter();
      const lines = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut)), ...s.flush()];
      expect(lines).toEqual([
        'Step 1/3 : FROM 127.0.0.1:5000/devspace-base:busybox',
        ' ---> 5bc2dfd6c1c6',
        'Step 2/3 : RUN make',
        'out',
        'last',
      ]);
    }
  });

  it('keeps what the last carriage-return redraw shows, and handles one-char fragments', () => {
    const s = new LineSplitter();
    const lines = [...'10%\r50%\r100%\nok\n'].flatMap((c) => s.push(c));
    expect(lines).toEqual(['100%', 'ok']);
    expect(s.flush()).toEqual([]);
  });

  it('drops the colour codes the classic builder puts around RUN stderr', () => {
    const s = new LineSplitter();
    expect(s.push('\x1b[91mit broke\n\x1b[0mnext\n\x1b]0;title\x07plain\n')).toEqual(['it broke', 'next', 'plain']);
  });
});

describe('parseStep', () => {
  it('reads the classic builder step header', () => {
    expect(parseStep('Step 3/5 : RUN make -j2 ')).toEqual({ step: 3, total: 5, instruction: 'RUN make -j2' });
    expect(parseStep('Step 12/12 : CMD ["a", "b"]')).toEqual({ step: 12, total: 12, instruction: 'CMD ["a", "b"]' });
    expect(parseStep(' ---> Running in 0a1b2c')).toBeUndefined();
    expect(parseStep('echo Step 1/2 : fake')).toBeUndefined();
  });
});

describe('LineBatcher', () => {
  afterEach(() => void vi.useRealTimers());

  it('flushes every 50 ms or at 500 lines, whichever comes first', () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const b = new LineBatcher((lines) => batches.push(lines));
    b.add('a', 'b');
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a', 'b']]);
    b.add(...Array.from({ length: 1200 }, (_, i) => `l${i}`));
    expect(batches.slice(1).map((x) => x.length)).toEqual([500, 500, 200]);
    b.add('tail');
    b.flush();
    expect(batches.at(-1)).toEqual(['tail']);
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(5);
  });
});

describe('ProgressThrottle', () => {
  it('passes status changes at once and byte progress at most once per interval', () => {
    const t = new ProgressThrottle(250);
    expect(t.pass('l1', 'Pushing', 0)).toBe(true);
    expect(t.pass('l1', 'Pushing', 100)).toBe(false);
    expect(t.pass('l2', 'Pushing', 100)).toBe(true);
    expect(t.pass('l1', 'Pushing', 260)).toBe(true);
    expect(t.pass('l1', 'Pushed', 261)).toBe(true);
  });
});
