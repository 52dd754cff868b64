import { Box, Text } from 'ink';
import type { CommandSpec, KeyContext } from '../keys/commands.js';
import { footerHints } from '../keys/keymap.js';
import { useTheme } from '../theme.js';

export interface KeyHintsProps {
  commands: readonly CommandSpec[];
  context: KeyContext;
  width: number;
  /** Shown first, in the error tone: what to do while the session waits (a failed start). */
  notice?: string;
}

/** The footer: hints generated from the key table for the active context, dropped from the end when they do not fit. */
export function KeyHints({ commands, context, width, notice }: KeyHintsProps) {
  const theme = useTheme();
  const shown: { keys: string; label: string }[] = [];
  const lead = notice ? `✗ ${notice}  ` : '';
  let used = 1 + lead.length;
  for (const hint of footerHints(commands, context)) {
    const cost = hint.keys.length + 1 + hint.label.length + 2;
    if (used + cost > width) break;
    used += cost;
    shown.push(hint);
  }
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {' '}
        {lead && <Text color={theme.tone('error')}>{lead}</Text>}
        {shown.map((h) => (
          <Text key={h.keys}>
            <Text bold color={theme.tone('accent')}>
              {h.keys}
            </Text>
            <Text dimColor>{` ${h.label}  `}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
