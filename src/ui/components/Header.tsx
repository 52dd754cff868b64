import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Phase } from '../../engine/events.js';
import type { ProblemView } from '../store/engine-view.js';
import { useTheme } from '../theme.js';
import { truncate } from '../text.js';

export interface HeaderProps {
  width: number;
  project: string;
  context: string;
  namespace: string;
  phase: Phase;
  problem?: ProblemView;
  problemCount: number;
  /** Something failing right now (a crash loop, a failed build); outranks older problems. */
  failure?: { reason: string };
  flash?: { text: string; tone: 'info' | 'error' };
  info?: { scope: string; message: string };
}

const BUSY: readonly Phase[] = ['config', 'build', 'push', 'deploy', 'stopping'];

/** Two lines: where we are (project, context, namespace, phase) and the latest thing worth reading. */
export function Header({ width, project, context, namespace, phase, problem, problemCount, failure, flash, info }: HeaderProps) {
  const theme = useTheme();
  const phaseWidth = phase.length + 3;
  const where = truncate(` devspace · ${project}  ctx ${context}  ns ${namespace}`, Math.max(1, width - phaseWidth - 1));
  let status: { text: string; color?: string; dim?: boolean };
  if (flash) status = { text: flash.text, color: flash.tone === 'error' ? theme.tone('error') : theme.tone('accent') };
  else if (failure) status = { text: `✗ ${failure.reason} (a: analysis)`, color: theme.tone('error') };
  else if (problem) {
    const more = problemCount > 1 ? ` (+${problemCount - 1} more, a: analyze)` : '';
    const hint = problem.hint ? ` — ${problem.hint}` : '';
    status = { text: `${problem.level === 'error' ? '✗' : '!'} ${problem.scope}: ${problem.message}${hint}${more}`, color: theme.tone(problem.level === 'error' ? 'error' : 'warn') };
  } else if (info) status = { text: `${info.scope}: ${info.message}`, dim: true };
  else status = { text: 'press ? for keys', dim: true };
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width} justifyContent="space-between">
        <Text bold wrap="truncate-end">
          {where}
        </Text>
        <Text color={phase === 'dev' ? theme.tone('ok') : theme.tone('accent')}>
          {BUSY.includes(phase) ? <Spinner type="dots" /> : '●'}
          {` ${phase} `}
        </Text>
      </Box>
      <Text color={status.color} dimColor={status.dim} wrap="truncate-end">
        {truncate(` ${status.text}`, width)}
      </Text>
    </Box>
  );
}
