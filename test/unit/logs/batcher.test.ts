import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { LogBatcher } from '../../../src/engine/logs/batcher.js';

const a = { namespace: 'ns', pod: 'p1', container: 'app' };
const b = { namespace: 'ns', pod: 'p2', container: 'app' };

describe('LogBatcher', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('sends one logs:lines event per container per interval', () => {
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    const batcher = new LogBatcher(events, 50);
    batcher.add(a, ['1', '2']);
    batcher.add(b, ['x']);
    batcher.add(a, ['3']);
    expect(got).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(got.map((e) => e.type)).toEqual(['logs:lines', 'logs:lines']);
    const first = got[0]!.payload as { source: typeof a; lines: { text: string; stream: string }[] };
    expect(first.source).toEqual(a);
    expect(first.lines.map((l) => l.text)).toEqual(['1', '2', '3']);
    expect(first.lines[0]!.stream).toBe('stdout');
    vi.advanceTimersByTime(500);
    expect(got).toHaveLength(2);
  });

  it('flushes at once when asked', () => {
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    const batcher = new LogBatcher(events, 50);
    batcher.add(a, ['now']);
    batcher.flush();
    expect(got).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(got).toHaveLength(1);
  });
});
