/**
 * Label selector matching, so events about controllers (a ReplicaSet that
 * cannot create pods) are kept or dropped by the same `-l` the pods used.
 * Supports the whole kubectl grammar: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`.
 */

type Requirement = (labels: Record<string, string>) => boolean;

/** Split at commas that are not inside `( )`. */
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string): Requirement | undefined {
  let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!);
  }
  m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (/^!\s*\S+$/.test(term)) {
    const key = term.slice(1).trim();
    return (l) => !(key in l);
  }
  if (/^\S+$/.test(term)) return (l) => term in l;
  return undefined;
}

/**
 * Whether `labels` satisfy `selector`. An empty selector matches everything;
 * a selector this parser cannot read matches too, so nothing is hidden by a
 * grammar corner case (the API server already accepted it for the pod list).
 */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector || selector.trim() === '') return true;
  const reqs = splitTerms(selector).map(parseTerm);
  if (reqs.some((r) => r === undefined)) return true;
  const l = labels ?? {};
  return reqs.every((r) => r!(l));
}
