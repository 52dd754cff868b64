// Small statistics helpers shared by the benchmarks.

/** The q-quantile (0..1) of numeric samples, by linear interpolation. */
export function quantile(samples, q) {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median and p95 of samples. */
export function summarize(samples) {
  return { n: samples.length, median: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

/** Run `fn` `warmup` times unmeasured, then `runs` times, returning the values it resolves to. */
export async function sample(fn, { runs, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}
