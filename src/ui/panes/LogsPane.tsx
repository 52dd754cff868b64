import { Box, Text } from 'ink';
import { LogView } from '../components/LogView.js';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { PANE_CHROME } from '../layout.js';
import type { LogEntry } from '../store/log-book.js';
import type { LogFilter } from '../store/log-filter.js';
import { useTheme } from '../theme.js';

export interface LogsPaneProps {
  width: number;
  height: number;
  focused: boolean;
  /** The visible window only. */
  lines: readonly LogEntry[];
  /** Lines below the window while scrolled back (autoscroll off). */
  newer?: number;
  /** Short labels for the combined view's source column. */
  labels?: ReadonlyMap<string, string>;
  /** Label of the selected source tab, or null for all sources. */
  source: string | null;
  sourceCount: number;
  autoscroll: boolean;
  filter: { text: string; editing: boolean; compiled?: LogFilter };
  /** Pane number shown in the title; the full-screen view has none. */
  index?: number;
}

/** Rows left for log lines once the pane chrome and the filter line are taken. */
export function logWindowRows(height: number, filter: { text: string; editing: boolean }): number {
  return Math.max(1, height - PANE_CHROME - (filter.editing || filter.text !== '' ? 1 : 0));
}

/** The log pane: a window onto the ring buffer plus a filter line. */
export function LogsPane({ width, height, focused, lines, newer = 0, labels, source, sourceCount, autoscroll, filter, index }: LogsPaneProps) {
  const theme = useTheme();
  const inner = paneInnerWidth(width);
  const follow = autoscroll ? 'following' : `paused${newer > 0 ? ` · ${newer} newer line${newer === 1 ? '' : 's'} (G)` : ''}`;
  const note = [source ?? `all sources (${sourceCount})`, follow, filter.text && !filter.editing ? `filter ${filter.text}` : '']
    .filter(Boolean)
    .join(' · ');
  const showFilter = filter.editing || filter.text !== '';
  return (
    <Pane title={index ? `${index} Logs` : 'Logs'} width={width} height={height} focused={focused} note={note}>
      {/* flexGrow keeps the filter line at the bottom of the pane. */}
      <Box flexDirection="column" flexGrow={1}>
        {lines.length === 0 ? (
          <Text dimColor>{filter.text ? 'no lines match the filter' : 'waiting for logs…'}</Text>
        ) : (
          <LogView lines={lines} width={inner} showSource={source === null} labels={labels} />
        )}
      </Box>
      {showFilter ? (
        <Text wrap="truncate-end">
          <Text color={theme.tone('accent')}>/</Text>
          {filter.text}
          {filter.editing ? <Text inverse> </Text> : null}
          {filter.compiled?.kind === 'regex' ? <Text dimColor>  regex</Text> : null}
          {filter.compiled?.error ? <Text color={theme.tone('error')}>{`  ${filter.compiled.error}`}</Text> : null}
        </Text>
      ) : null}
    </Pane>
  );
}
