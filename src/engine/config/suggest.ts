/** Edit distance counting a swap of neighbours as one edit (`prots` → `ports` is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate a typo most likely meant, or undefined when none is close enough to be a useful hint. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Nobody mistypes a 100-character key, and the distance table grows with its square.
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  const ignoringCase = candidates.find((c) => c.toLowerCase() === lower);
  if (ignoringCase) return ignoringCase;
  // Short words are all close to each other (`b` is one edit from `a`), so they need an exact prefix instead.
  const allowed = word.length <= 2 ? 0 : word.length <= 5 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.length > 64) continue;
    const prefix = word.length >= 2 && c.toLowerCase().startsWith(lower);
    const dist = prefix ? 0.5 : editDistance(lower, c.toLowerCase());
    if ((prefix || dist <= allowed) && dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}
