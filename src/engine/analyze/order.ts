import type { Finding } from '../events.js';

/** The report groups findings by pod: `pod/api-1/main` belongs to `pod/api-1`; other objects stand alone. */
export function groupOf(object: string): string {
  const m = /^pod\/([^/]+)/.exec(object);
  return m ? `pod/${m[1]}` : object;
}

/** Findings of one pod (or one other object), errors first. */
export interface FindingGroup {
  group: string;
  findings: Finding[];
}

const rank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);

/**
 * Group findings by pod, in a stable order: groups holding an error come
 * first, then by name; inside a group errors precede warnings, the pod's
 * own findings precede events, and pod-level ones precede container-level ones.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groupOf(f.object);
    groups.set(g, [...(groups.get(g) ?? []), f]);
  }
  const depth = (f: Finding): number => f.object.split('/').length;
  const event = (f: Finding): number => (f.kind === 'event' ? 1 : 0);
  return [...groups.entries()]
    .map(([group, list]) => ({ group, findings: [...list].sort((a, b) => rank(a) - rank(b) || event(a) - event(b) || depth(a) - depth(b)) }))
    .sort((a, b) => Math.min(...a.findings.map(rank)) - Math.min(...b.findings.map(rank)) || a.group.localeCompare(b.group));
}

/** The findings in report order, for JSON output and the dashboard. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return groupFindings(findings).flatMap((g) => g.findings);
}
