import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/ui/store/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps insertion order until full', () => {
    const rb = new RingBuffer<number>(3);
    rb.push(1);
    rb.push(2);
    expect(rb.toArray()).toEqual([1, 2]);
    expect(rb.size).toBe(2);
    expect(rb.last()).toBe(2);
  });

  it('evicts the oldest item once at capacity and never grows past it', () => {
    const rb = new RingBuffer<number>(3);
    const evicted = [1, 2, 3, 4, 5].map((n) => rb.push(n));
    expect(evicted).toEqual([undefined, undefined, undefined, 1, 2]);
    expect(rb.size).toBe(3);
    expect(rb.toArray()).toEqual([3, 4, 5]);
    expect(rb.at(0)).toBe(3);
    expect(rb.at(3)).toBeUndefined();
    expect(rb.slice(1, 3)).toEqual([4, 5]);
  });

  it('finds by a growing key after wrap-around', () => {
    const rb = new RingBuffer<{ seq: number }>(4);
    for (let seq = 1; seq <= 10; seq += 1) rb.push({ seq: seq * 10 });
    // Holds 70, 80, 90, 100.
    expect(rb.findLastAtOrBefore(85, (e) => e.seq)).toBe(1);
    expect(rb.findLastAtOrBefore(100, (e) => e.seq)).toBe(3);
    expect(rb.findLastAtOrBefore(10, (e) => e.seq)).toBe(-1);
  });

  it('rejects a useless capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
