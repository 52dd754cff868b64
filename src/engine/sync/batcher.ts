/**
 * Collects changed paths into batches: a batch closes when no new path
 * arrived for `quietMs`, or at the latest `maxWaitMs` after its first path,
 * so a single save goes out almost at once and a `git checkout` storm goes
 * out in a few large batches instead of thousands of tiny ones.
 */
export interface Batcher<T> {
  add(item: T): void;
  /** Close the current batch now (if it has anything). */
  flush(): void;
  /** Items waiting in the open batch. */
  readonly pending: number;
  /** Drop the open batch and stop the timers. */
  close(): void;
}

export interface BatcherOptions {
  quietMs: number;
  maxWaitMs: number;
}

/** A batcher that calls `onBatch` with each closed batch (deduplicated, in arrival order). */
export function createBatcher<T>(opts: BatcherOptions, onBatch: (items: T[]) => void): Batcher<T> {
  let items = new Set<T>();
  let quiet: NodeJS.Timeout | undefined;
  let cap: NodeJS.Timeout | undefined;
  let closed = false;
  const clear = (): void => {
    if (quiet) clearTimeout(quiet);
    if (cap) clearTimeout(cap);
    quiet = cap = undefined;
  };
  const flush = (): void => {
    clear();
    if (items.size === 0 || closed) return;
    const batch = [...items];
    items = new Set();
    onBatch(batch);
  };
  return {
    add(item) {
      if (closed) return;
      items.add(item);
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(flush, opts.quietMs);
      cap ??= setTimeout(flush, opts.maxWaitMs);
    },
    flush,
    get pending() {
      return items.size;
    },
    close() {
      closed = true;
      clear();
      items.clear();
    },
  };
}

/** Runs async jobs one at a time, in order; a failed job does not stop the next. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queue `job`; the result settles like the job. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
