import { Text } from 'ink';
import type { Finding } from '../../engine/events.js';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { PANE_CHROME } from '../layout.js';
import type { ProblemView } from '../store/engine-view.js';
import { type Tone, useTheme } from '../theme.js';
import { truncate } from '../text.js';

export interface AnalyzePaneProps {
  width: number;
  height: number;
  /** Null until a report arrives. */
  findings: readonly Finding[] | null;
  problems: readonly ProblemView[];
  scroll: number;
}

interface Line {
  text: string;
  tone?: Tone;
  dim?: boolean;
}

/** Flatten findings and recent engine problems into display lines (pure, for windowing). */
export function analyzeLines(findings: readonly Finding[] | null, problems: readonly ProblemView[]): Line[] {
  const out: Line[] = [];
  if (findings === null) out.push({ text: 'waiting for an analyze report…', dim: true });
  else if (findings.length === 0) out.push({ text: '✓ no problems found in the namespace', tone: 'ok' });
  for (const f of findings ?? []) {
    out.push({ text: `${f.severity === 'error' ? '✗' : '!'} ${f.object}  ${f.kind}: ${f.message}`, tone: f.severity === 'error' ? 'error' : 'warn' });
    if (f.hint) out.push({ text: `    → ${f.hint}` });
    for (const l of f.logTail ?? []) out.push({ text: `    │ ${l}`, dim: true });
  }
  if (problems.length > 0) {
    out.push({ text: '' }, { text: 'Recent problems', dim: true });
    for (const p of [...problems].reverse()) {
      out.push({ text: `${p.level === 'error' ? '✗' : '!'} ${p.scope}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`, tone: p.level === 'error' ? 'error' : 'warn' });
    }
  }
  return out;
}

/** The analyze view: pod problems with a one-line hint each, like `devspace analyze`. */
export function AnalyzePane({ width, height, findings, problems, scroll }: AnalyzePaneProps) {
  const theme = useTheme();
  const inner = paneInnerWidth(width);
  const lines = analyzeLines(findings, problems);
  const space = Math.max(1, height - PANE_CHROME);
  const start = Math.min(scroll, Math.max(0, lines.length - space));
  const failed = findings?.some((f) => f.severity === 'error') ?? false;
  return (
    <Pane title="Analyze" width={width} height={height} focused failure={failed ? `${findings?.length} finding${findings?.length === 1 ? '' : 's'}` : undefined}>
      {lines.slice(start, start + space).map((l, i) => (
        <Text key={start + i} color={l.tone ? theme.tone(l.tone) : undefined} dimColor={l.dim} wrap="truncate-end">
          {truncate(l.text, inner) || ' '}
        </Text>
      ))}
    </Pane>
  );
}
