/**
 * A fixed-capacity FIFO that overwrites its oldest item, so a chatty
 * container can never grow the dashboard's memory past a known bound.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[] = [];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** How many items are held now (never more than `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Append an item; returns the item it evicted, if the buffer was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** The item at logical index `i`, where 0 is the oldest. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** The newest item. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Items `from` (inclusive) to `to` (exclusive), oldest first, without copying the whole buffer. */
  slice(from = 0, to = this.count): T[] {
    const out: T[] = [];
    const end = Math.min(to, this.count);
    for (let i = Math.max(0, from); i < end; i++) out.push(this.at(i) as T);
    return out;
  }

  /** Every item, oldest first. */
  toArray(): T[] {
    return this.slice();
  }

  /**
   * The largest index whose key is at or below `target`, or -1; keys must grow
   * with insertion order (log sequence numbers do).
   */
  findLastAtOrBefore(target: number, key: (item: T) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (key(this.at(mid) as T) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drop everything. */
  clear(): void {
    this.items.length = 0;
    this.start = 0;
    this.count = 0;
  }
}
