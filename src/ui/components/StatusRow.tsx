import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { memo } from 'react';
import type { Glyph, RowText } from '../panes/row-text.js';
import { type Tone, useTheme } from '../theme.js';

const GLYPHS: Record<Exclude<Glyph, 'busy'>, { char: string; tone: Tone }> = {
  ok: { char: '✓', tone: 'ok' },
  fail: { char: '✗', tone: 'error' },
  idle: { char: '·', tone: 'muted' },
  warn: { char: '●', tone: 'warn' },
};

export interface StatusRowProps {
  row: RowText;
  /** Column width for the name, so rows line up. */
  nameWidth: number;
  selected?: boolean;
}

/** One status line: glyph, name column, then text; a failed row is red. */
export const StatusRow = memo(function StatusRow({ row, nameWidth, selected = false }: StatusRowProps) {
  const theme = useTheme();
  const g = row.glyph === 'busy' ? undefined : GLYPHS[row.glyph];
  const name = row.name.length > nameWidth ? `${row.name.slice(0, Math.max(0, nameWidth - 1))}…` : row.name.padEnd(nameWidth);
  return (
    <Text wrap="truncate-end">
      {g ? <Text color={theme.tone(g.tone)}>{g.char}</Text> : <Text color={theme.tone('accent')}><Spinner type="dots" /></Text>}
      <Text> </Text>
      <Text inverse={selected} bold={selected}>
        {name}
      </Text>
      <Text color={row.glyph === 'fail' ? theme.tone('error') : undefined}>{` ${row.text}`}</Text>
    </Text>
  );
});

/** Name column width for a set of rows, capped so the status text keeps at least six columns. */
export function nameColumn(rows: readonly RowText[], innerWidth: number, cap = 20): number {
  const widest = Math.max(4, ...rows.map((r) => r.name.length));
  return Math.min(widest, cap, Math.max(4, innerWidth - 2 - 6));
}

/** A pane's failure reason or hint in full (wrapped, clipped to `rows`), under its rows when there is room. */
export function FailureNote({ text, rows, glyph = '✗' }: { text: string | undefined; rows: number; glyph?: string }) {
  const theme = useTheme();
  if (!text || rows < 1) return null;
  return (
    <Box height={rows} overflow="hidden">
      <Text color={theme.tone('error')} wrap="wrap">{`${glyph} ${text}`}</Text>
    </Box>
  );
}
