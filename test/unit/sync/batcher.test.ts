import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher, SerialQueue } from '../../../src/engine/sync/batcher.js';

describe('change batching', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a lone change once the quiet time passes', () => {
    const batches: string[][] = [];
    const b = createBatcher<string>({ quietMs: 25, maxWaitMs: 300 }, (x) => batches.push(x));
    b.add('a.txt');
    vi.advanceTimersByTime(24);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a.txt']]);
  });

  it('merges a burst into one batch without duplicates, keeping arrival order', () => {
    const batches: string[][] = [];
    const b = createBatcher<string>({ quietMs: 25, maxWaitMs: 300 }, (x) => batches.push(x));
    for (const p of ['x', 'y', 'x', 'z']) {
      b.add(p);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(25);
    expect(batches).toEqual([['x', 'y', 'z']]);
  });

  it('closes a batch at the cap even while changes keep coming', () => {
    const batches: number[][] = [];
    const b = createBatcher<number>({ quietMs: 25, maxWaitMs: 100 }, (x) => batches.push(x));
    for (let i = 0; i < 30; i++) {
      b.add(i);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(100);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.flat()).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(batches[0]!.length).toBeLessThanOrEqual(11);
  });

  it('flushes on demand and drops everything after close', () => {
    const batches: string[][] = [];
    const b = createBatcher<string>({ quietMs: 25, maxWaitMs: 300 }, (x) => batches.push(x));
    b.add('a');
    expect(b.pending).toBe(1);
    b.flush();
    b.add('b');
    b.close();
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([['a']]);
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time in order and survives a failing job', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = q.run(() => new Promise<void>((r) => (release = r)).then(() => void log.push('first')));
    const failing = q.run(async () => {
      log.push('second');
      throw new Error('boom');
    });
    const third = q.run(async () => void log.push('third'));
    await Promise.resolve();
    expect(log).toEqual([]);
    release();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(log).toEqual(['first', 'second', 'third']);
  });
});
