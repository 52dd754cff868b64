import { memo } from 'react';
import type { LogEntry } from '../store/log-book.js';
import { useTheme } from '../theme.js';
import { truncate } from '../text.js';
import { FlatText } from './FlatText.js';

export interface LogViewProps {
  /** Exactly the visible rows, oldest first; the caller has already windowed them. */
  lines: readonly LogEntry[];
  width: number;
  /** Prefix each row with its source (the combined view). */
  showSource: boolean;
  /** Short display label per source key; keys without one are shown as they are. */
  labels?: ReadonlyMap<string, string>;
}

/** The widest source column we allow before cutting labels. */
const SOURCE_MAX = 24;

/** Draw a window of log rows, one terminal row each (long lines are cut, never wrapped). */
export function LogView({ lines, width, showSource, labels }: LogViewProps) {
  const labelOf = (key: string) => labels?.get(key) ?? key;
  const sourceWidth = showSource ? Math.min(SOURCE_MAX, Math.max(0, ...lines.map((l) => labelOf(l.source).length)), Math.floor(width / 3)) : 0;
  return (
    <>
      {lines.map((line) => (
        <LogRow key={line.seq} line={line} label={labelOf(line.source)} width={width} sourceWidth={sourceWidth} />
      ))}
    </>
  );
}

const LogRow = memo(function LogRow({ line, label, width, sourceWidth }: { line: LogEntry; label: string; width: number; sourceWidth: number }) {
  const theme = useTheme();
  if (sourceWidth === 0) return <FlatText parts={[{ text: truncate(line.text, width) }]} />;
  const src = truncate(label, sourceWidth).padEnd(sourceWidth);
  return (
    <FlatText
      parts={[
        { text: src, color: theme.sourceColor(line.source) },
        { text: ' │ ', dim: true },
        { text: truncate(line.text, Math.max(1, width - sourceWidth - 3)) },
      ]}
    />
  );
});
