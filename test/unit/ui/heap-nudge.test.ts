import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullGc, startHeapNudge } from '../../../src/ui/heap-nudge.js';

afterEach(() => vi.useRealTimers());

describe('heap nudge', () => {
  it('collects once the old generation outgrows the last collection by the slack, then measures from there', () => {
    vi.useFakeTimers();
    let used = 100;
    const collect = vi.fn(() => {
      used = 105;
    });
    const stop = startHeapNudge({ slackBytes: 20, everyMs: 1000, oldUsed: () => used, collect });
    used = 119;
    vi.advanceTimersByTime(1000);
    expect(collect).not.toHaveBeenCalled();
    used = 121;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    // The floor is now 105: growing to 124 is within the slack.
    used = 124;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    used = 126;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
    stop();
    used = 1000;
    vi.advanceTimersByTime(5000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('lowers its floor when V8 collects on its own', () => {
    vi.useFakeTimers();
    let used = 100;
    const collect = vi.fn();
    const stop = startHeapNudge({ slackBytes: 20, everyMs: 1000, oldUsed: () => used, collect });
    used = 60;
    vi.advanceTimersByTime(1000);
    used = 85;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    stop();
  });

  it("reads V8's own old-generation figures: data that survives grows them past the slack", async () => {
    const collect = vi.fn();
    const stop = startHeapNudge({ slackBytes: 4 * 1024 * 1024, everyMs: 20, collect });
    // Objects kept across many collections end up in the old generation.
    const keep: { i: number; s: string }[] = [];
    for (let round = 0; round < 40 && collect.mock.calls.length === 0; round++) {
      for (let i = 0; i < 50_000; i++) keep.push({ i, s: `item ${round}-${i}` });
      await new Promise((r) => setTimeout(r, 25));
    }
    stop();
    expect(collect).toHaveBeenCalled();
    expect(keep.length).toBeGreaterThan(0);
  });

  it('collects for real: an object nothing refers to is gone after fullGc', async () => {
    const ref = ((): WeakRef<object> => new WeakRef({ big: new Array(1000).fill('x') }))();
    // WeakRef targets stay alive until the current job ends.
    await new Promise((r) => setTimeout(r, 0));
    fullGc();
    await new Promise((r) => setTimeout(r, 0));
    expect(ref.deref()).toBeUndefined();
  });
});
