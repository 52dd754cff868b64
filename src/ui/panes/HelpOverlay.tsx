import { Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import type { CommandSpec, KeyContext } from '../keys/commands.js';
import { formatBindings } from '../keys/keymap.js';
import { PANE_CHROME } from '../layout.js';
import { useTheme } from '../theme.js';
import { truncate, wrapText } from '../text.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
  commands: readonly CommandSpec[];
  scroll: number;
}

const CONTEXT_COUNT = 5;

/** Where a command works, in words. */
export function describeContexts(when: readonly KeyContext[]): string {
  if (when.length >= CONTEXT_COUNT) return 'everywhere';
  return when.map((c) => (c === 'logs' ? 'log view' : c)).join(', ');
}

/** One row of the help overlay: the keys on a command's first row, its description wrapped below. */
export interface HelpLine {
  id: string;
  keys: string;
  text: string;
  where?: string;
}

/** The help overlay's rows for an inner width: descriptions wrap instead of being cut (pure, for scrolling). */
export function helpLines(commands: readonly CommandSpec[], inner: number): HelpLine[] {
  const keyWidth = Math.min(16, Math.max(...commands.map((c) => formatBindings(c).length)));
  const wide = inner >= 90;
  const out: HelpLine[] = [];
  for (const c of commands) {
    const where = wide ? `  (${describeContexts(c.when)})` : '';
    const room = Math.max(10, inner - keyWidth - 2);
    const wrapped = wrapText(c.description, wide ? room - where.length : room);
    wrapped.forEach((text, i) => {
      const last = i === wrapped.length - 1;
      out.push({ id: `${c.id}#${i}`, keys: i === 0 ? truncate(formatBindings(c), keyWidth).padEnd(keyWidth) : ' '.repeat(keyWidth), text, ...(last && where ? { where } : {}) });
    });
  }
  return out;
}

/** Every command in the key table with all its keys, scrollable with j/k. */
export function HelpOverlay({ width, height, commands, scroll }: HelpOverlayProps) {
  const theme = useTheme();
  const inner = paneInnerWidth(width);
  const space = Math.max(1, height - PANE_CHROME);
  const lines = helpLines(commands, inner);
  const start = Math.min(scroll, Math.max(0, lines.length - space));
  return (
    <Pane title="Keys" width={width} height={height} focused note={`${commands.length} commands${lines.length > space ? ' · j/k scroll' : ''} · esc to close`}>
      {lines.slice(start, start + space).map((l) => (
        <Text key={l.id} wrap="truncate-end">
          <Text bold color={theme.tone('accent')}>
            {l.keys}
          </Text>
          {`  ${l.text}`}
          {l.where ? <Text dimColor>{l.where}</Text> : null}
        </Text>
      ))}
    </Pane>
  );
}
