import { Text } from 'ink';
import type { Finding } from '../../engine/events.js';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { PANE_CHROME } from '../layout.js';
import type { ProblemView } from '../store/engine-view.js';
import { type Tone, useTheme } from '../theme.js';
import { truncate, wrapText } from '../text.js';

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

/**
 * Flatten findings and recent engine problems into display lines, wrapped
 * to `width` so nothing is cut (pure, for windowing and scrolling).
 */
export function analyzeLines(findings: readonly Finding[] | null, problems: readonly ProblemView[], width = Infinity): Line[] {
  const out: Line[] = [];
  const add = (text: string, style: Omit<Line, 'text'>, indent: string) => {
    for (const t of wrapText(text, width, indent)) out.push({ text: t, ...style });
  };
  if (findings === null) out.push({ text: 'waiting for an analyze report…', dim: true });
  else if (findings.length === 0) out.push({ text: '✓ no problems found in the namespace', tone: 'ok' });
  for (const f of findings ?? []) {
    add(`${f.severity === 'error' ? '✗' : '!'} ${f.object}  ${f.kind}: ${f.message}`, { tone: f.severity === 'error' ? 'error' : 'warn' }, '  ');
    if (f.hint) add(`    → ${f.hint}`, {}, '      ');
    for (const l of f.logTail ?? []) out.push({ text: `    │ ${l}`, dim: true });
  }
  if (problems.length > 0) {
    out.push({ text: '' }, { text: 'Recent problems', dim: true });
    for (const p of [...problems].reverse()) {
      add(`${p.level === 'error' ? '✗' : '!'} ${p.scope}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`, { tone: p.level === 'error' ? 'error' : 'warn' }, '  ');
    }
  }
  return out;
}

/** The analyze view: pod problems with a one-line hint each, like `devspace analyze`. */
export function AnalyzePane({ width, height, findings, problems, scroll }: AnalyzePaneProps) {
  const theme = useTheme();
  const inner = paneInnerWidth(width);
  const lines = analyzeLines(findings, problems, inner);
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
