import v8 from 'node:v8';
import vm from 'node:vm';

export interface HeapNudgeOptions {
  /** How much the old generation may grow past what the last collection left, in bytes. */
  slackBytes?: number;
  everyMs?: number;
  /** Reads the old generation's used bytes; tests pass their own. */
  oldUsed?: () => number;
  /** Runs a full collection; tests pass their own. */
  collect?: () => void;
}

/** The old generation's used bytes, from V8's per-space figures. */
function oldSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
}

let cachedGc: (() => void) | undefined;
/** V8's collector as a function; exposing it at run time is supported for exactly this use. */
export function fullGc(): void {
  if (!cachedGc) {
    v8.setFlagsFromString('--expose-gc');
    cachedGc = vm.runInNewContext('gc') as () => void;
  }
  cachedGc();
}

/**
 * Keep the dashboard's heap near what it really uses. Every frame Ink builds a
 * fresh grid of cell objects; under a log flood on a busy machine frames run
 * long enough that many of them are promoted, and V8 lets that garbage pile up
 * in the old generation to two or three times the live size before it collects
 * (the 5,000 lines/s benchmark saw 100–250 MiB of it). A full collection of
 * this heap takes a few tens of milliseconds, so once the old generation has
 * grown by `slackBytes` since the last one, run one. Returns a stop function.
 */
export function startHeapNudge(opts: HeapNudgeOptions = {}): () => void {
  const slack = opts.slackBytes ?? 8 * 1024 * 1024;
  const oldUsed = opts.oldUsed ?? oldSpaceUsed;
  const collect = opts.collect ?? fullGc;
  let floor = oldUsed();
  const timer = setInterval(() => {
    const used = oldUsed();
    if (used < floor) floor = used;
    else if (used - floor > slack) {
      collect();
      floor = oldUsed();
    }
  }, opts.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
