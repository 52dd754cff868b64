import { sanitizeLine } from '../text.js';
import { RingBuffer } from './ring-buffer.js';

/** One stored log row; `seq` grows across all sources so a scroll position survives source switches. */
export interface LogEntry {
  seq: number;
  ts: number;
  /** Key of the source (`namespace/pod/container` or `build:api`); the view turns it into a label. */
  source: string;
  text: string;
  stream: 'stdout' | 'stderr';
}

/** Which lines a log view wants: a source (or all), an optional matcher, and where it ends. */
export interface LogQuery {
  /** Source key, or null for the combined stream. */
  source: string | null;
  match?: (text: string) => boolean;
  /** `seq` of the last visible line, or null to follow the newest. */
  anchor: number | null;
  /** Rows available. */
  height: number;
}

export interface LogWindow {
  /** Oldest first, never more than the query height. */
  lines: LogEntry[];
  /** True when nothing newer than the last line exists for this query. */
  atEnd: boolean;
  /** Lines the query would show below the window (0 while following). */
  newer: number;
}

export interface LogBookOptions {
  perSource?: number;
  combined?: number;
  maxLineLength?: number;
}

/**
 * Capped log storage: a ring buffer per source plus a combined one. It is
 * mutable on purpose (copying thousands of lines per 50 ms batch would cost
 * more than the frame); the store bumps a revision when it changes.
 */
export class LogBook {
  private readonly perSource: number;
  private readonly maxLineLength: number;
  private readonly combinedBuffer: RingBuffer<LogEntry>;
  private readonly bySource = new Map<string, RingBuffer<LogEntry>>();
  private nextSeq = 1;

  constructor(opts: LogBookOptions = {}) {
    this.perSource = opts.perSource ?? 5000;
    this.maxLineLength = opts.maxLineLength ?? 2000;
    this.combinedBuffer = new RingBuffer(opts.combined ?? 10_000);
  }

  /** Store a batch of lines for one source; lines are sanitised and truncated here, once. */
  append(key: string, lines: readonly { ts: number; text: string; stream: 'stdout' | 'stderr' }[]): void {
    let buffer = this.bySource.get(key);
    if (!buffer) {
      buffer = new RingBuffer(this.perSource);
      this.bySource.set(key, buffer);
    }
    for (const line of lines) {
      const entry: LogEntry = { seq: this.nextSeq++, ts: line.ts, source: key, text: sanitizeLine(line.text, this.maxLineLength), stream: line.stream };
      buffer.push(entry);
      this.combinedBuffer.push(entry);
    }
  }

  /** Source keys in the order they first logged. */
  sources(): string[] {
    return [...this.bySource.keys()];
  }

  /** The buffer behind a query: one source, or the combined stream. */
  buffer(source: string | null): RingBuffer<LogEntry> {
    if (source === null) return this.combinedBuffer;
    return this.bySource.get(source) ?? EMPTY;
  }

  /** The newest `seq` a query can see, or null when it sees nothing. */
  newest(q: Omit<LogQuery, 'anchor' | 'height'>): number | null {
    const buf = this.buffer(q.source);
    for (let i = buf.size - 1; i >= 0; i--) {
      const e = buf.at(i) as LogEntry;
      if (!q.match || q.match(e.text)) return e.seq;
    }
    return null;
  }

  /** Only the rows a pane can show: walks back from the anchor, so cost is bounded by height (or by matches when filtering). */
  window(q: LogQuery): LogWindow {
    const buf = this.buffer(q.source);
    const end = this.endIndex(buf, q.anchor);
    const lines: LogEntry[] = [];
    if (!q.match) {
      lines.push(...buf.slice(Math.max(0, end - q.height + 1), end + 1));
    } else {
      for (let i = end; i >= 0 && lines.length < q.height; i--) {
        const e = buf.at(i) as LogEntry;
        if (q.match(e.text)) lines.unshift(e);
      }
    }
    const newer = q.anchor === null ? 0 : this.countAfter(buf, q, end);
    return { lines, atEnd: newer === 0, newer };
  }

  // Matching entries after index `end`; bounded by the buffer's capacity.
  private countAfter(buf: RingBuffer<LogEntry>, q: LogQuery, end: number): number {
    if (!q.match) return buf.size - 1 - end;
    let n = 0;
    for (let i = end + 1; i < buf.size; i++) if (q.match((buf.at(i) as LogEntry).text)) n++;
    return n;
  }

  /**
   * Move the last visible line by `delta` matching lines (negative is older).
   * Returns null when the move reaches the newest line, meaning "follow again".
   */
  moveAnchor(q: LogQuery, delta: number): number | null {
    const buf = this.buffer(q.source);
    if (buf.size === 0) return null;
    // Snap to the last line the query can see, so a filtered view counts matching lines only.
    const end = this.endIndex(buf, q.anchor);
    const start = this.stepFrom(buf, q, end + 1, -1);
    if (start > end) return null;
    let idx = this.stepFrom(buf, q, start, delta);
    if (delta > 0 && this.stepFrom(buf, q, idx, 1) === idx) return null;
    // Never scroll so far up that the window would show fewer rows than it has.
    const floor = this.stepFrom(buf, q, this.stepFrom(buf, q, -1, 1), q.height - 1);
    if (idx < floor) idx = floor;
    if (this.stepFrom(buf, q, idx, 1) === idx) return null;
    return (buf.at(idx) as LogEntry).seq;
  }

  private endIndex(buf: RingBuffer<LogEntry>, anchor: number | null): number {
    if (anchor === null) return buf.size - 1;
    return Math.max(0, buf.findLastAtOrBefore(anchor, (e) => e.seq));
  }

  // Walk |delta| matching entries from index `from`; stops at either end.
  private stepFrom(buf: RingBuffer<LogEntry>, q: LogQuery, from: number, delta: number): number {
    const dir = delta < 0 ? -1 : 1;
    let idx = from;
    let left = Math.abs(delta);
    for (let i = from + dir; left > 0 && i >= 0 && i < buf.size; i += dir) {
      const e = buf.at(i) as LogEntry;
      if (!q.match || q.match(e.text)) {
        idx = i;
        left--;
      }
    }
    return idx;
  }
}

const EMPTY = new RingBuffer<LogEntry>(1);
