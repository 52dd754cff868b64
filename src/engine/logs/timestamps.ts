/**
 * Log lines requested with `timestamps=true` start with an RFC 3339 time
 * with up to nanoseconds. Re-opening a stream (`sinceTime` only has second
 * precision) repeats lines; comparing these stamps drops exactly the ones
 * already shown, so a reconnect or container restart neither duplicates nor
 * loses lines.
 */

/** A line split into its stamp (as a comparable number of nanoseconds) and text. */
export interface StampedLine {
  /** Nanoseconds since the epoch, or -1 when the line carried no stamp. */
  ns: bigint;
  text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ?/;

/** Split `2024-05-01T10:00:00.123456789Z text` into stamp and text. */
export function parseStamped(line: string): StampedLine {
  const m = STAMP.exec(line);
  if (!m) return { ns: -1n, text: line };
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return { ns: -1n, text: line };
  const frac = (m[2] ?? '').padEnd(9, '0');
  return { ns: BigInt(ms) * 1_000_000n + BigInt(frac), text: line.slice(m[0].length) };
}

/** `sinceTime` for a re-open: the stamp rounded down to whole seconds, as RFC 3339. */
export function sinceTimeOf(ns: bigint): string {
  const secondsMs = (ns / 1_000_000_000n) * 1000n;
  return new Date(Number(secondsMs)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Remembers the newest stamp shown and how many lines carried it; lines of
 * a re-opened stream at or before that point are dropped.
 */
export class LineDeduper {
  private last = -1n;
  private atLast = 0;
  private skip = 0;

  /** The newest stamp shown so far (-1 before any). */
  get newest(): bigint {
    return this.last;
  }

  /** Call when a new stream (re-)opens. */
  reopen(): void {
    this.skip = this.atLast;
  }

  /** True when the line is new and should be shown. */
  accept(line: StampedLine): boolean {
    if (line.ns < 0n) return true;
    if (line.ns < this.last) return false;
    if (line.ns === this.last) {
      if (this.skip > 0) {
        this.skip--;
        return false;
      }
      this.atLast++;
      return true;
    }
    this.last = line.ns;
    this.atLast = 1;
    this.skip = 0;
    return true;
  }
}
