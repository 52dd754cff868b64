import type { Finding, PodSummary } from '../events.js';
import { type FindingGroup, groupFindings } from './order.js';
import { plural, sanitize } from './text.js';

/** What the report needs from an analyze pass (a subset of AnalyzeResult). */
export interface ReportInput {
  namespace: string;
  findings: readonly Finding[];
  pods: readonly PodSummary[];
  /** Pods still starting that were not judged (only without waiting). */
  starting: ReadonlyArray<{ name: string; status: string }>;
  labelSelector?: string;
}

export interface ReportOptions {
  /** ANSI colours (the CLI turns them off for NO_COLOR, TERM=dumb and non-terminals). */
  color: boolean;
  /** Wrap long lines at this width with a hanging indent; unset means no wrapping (pipes, files). */
  width?: number;
}

type Paint = (code: string, text: string) => string;

/** Break `text` into lines of at most `width` columns (long words overflow); continuation lines get `indent`. */
function wrap(text: string, first: string, indent: string, width: number | undefined): string[] {
  if (!width) return [first + text];
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  out.push(line);
  return out;
}

function header(group: string, pods: ReadonlyMap<string, PodSummary>, paint: Paint): string {
  const pod = group.startsWith('pod/') ? pods.get(group.slice(4)) : undefined;
  if (!pod) return paint('1', group);
  const restarts = pod.restarts > 0 ? `, ${plural(pod.restarts, 'restart')}` : '';
  return `${paint('1', `pod ${pod.name}`)}  ${paint('2', `${pod.status}${restarts}`)}`;
}

function findingLines(f: Finding, paint: Paint, width: number | undefined): string[] {
  const mark = f.severity === 'error' ? paint('31', '✗') : paint('33', '!');
  // `mark` may carry escape codes, so wrap on a plain stand-in of the same width.
  const msg = wrap(sanitize(f.message), '  ✗ ', '    ', width);
  msg[0] = `  ${mark} ${msg[0]!.slice(4)}`;
  const out = [...msg];
  if (f.hint) {
    const hint = wrap(sanitize(f.hint), '    hint: ', '          ', width);
    hint[0] = `    ${paint('36', 'hint:')} ${hint[0]!.slice(10)}`;
    out.push(...hint);
  }
  if (f.logTail) {
    if (f.logTail.length === 0) out.push(paint('2', '    (it printed no log lines)'));
    else {
      out.push(paint('2', `    last ${plural(f.logTail.length, 'log line')}:`));
      for (const l of f.logTail) out.push(`    ${paint('2', '│')} ${sanitize(l)}`);
    }
  }
  return out;
}

/** What makes two pods' problems "the same": kind, container and advice; ages and counts may differ. */
function signature(g: FindingGroup): string | undefined {
  if (!g.group.startsWith('pod/')) return undefined;
  return g.findings.map((f) => `${f.severity}|${f.kind}|${f.object.split('/')[2] ?? ''}|${f.hint ?? ''}`).join('\n');
}

/** Replicas with the same problem print once, naming the others, instead of N identical blocks. */
function collapseReplicas(groups: FindingGroup[]): Array<FindingGroup & { alike: string[] }> {
  const out: Array<FindingGroup & { alike: string[] }> = [];
  const seen = new Map<string, FindingGroup & { alike: string[] }>();
  for (const g of groups) {
    const sig = signature(g);
    const first = sig === undefined ? undefined : seen.get(sig);
    if (first) first.alike.push(g.group);
    else {
      const entry = { ...g, alike: [] as string[] };
      out.push(entry);
      if (sig !== undefined) seen.set(sig, entry);
    }
  }
  return out;
}

/**
 * The human report of `devspace analyze`: a summary line, then one block per
 * pod (or other object) with each finding, its hint and the last log lines;
 * replicas failing the same way share one block. Pure; every cluster-provided string is sanitised again before printing.
 */
export function formatReport(input: ReportInput, opts: ReportOptions): string {
  const paint: Paint = (code, text) => (opts.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const where = `namespace ${input.namespace}${input.labelSelector ? ` (pods with ${input.labelSelector})` : ''}`;
  const checked = input.pods.length === 0 ? 'it has no pods' : `${plural(input.pods.length, 'pod')} checked`;
  const lines: string[] = [];
  const errors = input.findings.filter((f) => f.severity === 'error').length;
  const warnings = input.findings.length - errors;
  if (input.findings.length === 0) {
    lines.push(`${paint('32', '✓')} no problems found in ${where} (${checked})`);
  } else {
    const parts = [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(' and ');
    lines.push(`${errors ? paint('31', '✗') : paint('33', '!')} ${parts} in ${where} (${checked})`);
  }
  const pods = new Map(input.pods.map((p) => [p.name, p]));
  for (const { group, findings, alike } of collapseReplicas(groupFindings(input.findings))) {
    lines.push('', header(group, pods, paint));
    if (alike.length > 0) lines.push(paint('2', `  (the same for ${alike.map((g) => g.slice(4)).join(', ')})`));
    for (const f of findings) lines.push(...findingLines(f, paint, opts.width));
  }
  if (input.starting.length > 0) {
    const list = input.starting.map((s) => `${s.name} (${s.status})`).join(', ');
    lines.push('', paint('2', `not judged yet, still starting: ${list}; run without --no-wait to wait for them`));
  }
  return `${lines.join('\n')}\n`;
}
