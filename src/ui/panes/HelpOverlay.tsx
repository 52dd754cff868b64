import { Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import type { CommandSpec, KeyContext } from '../keys/commands.js';
import { formatBindings } from '../keys/keymap.js';
import { PANE_CHROME } from '../layout.js';
import { useTheme } from '../theme.js';
import { truncate } from '../text.js';

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

/** Every command in the key table with all its keys, scrollable with j/k. */
export function HelpOverlay({ width, height, commands, scroll }: HelpOverlayProps) {
  const theme = useTheme();
  const inner = paneInnerWidth(width);
  const space = Math.max(1, height - PANE_CHROME);
  const keyWidth = Math.min(16, Math.max(...commands.map((c) => formatBindings(c).length)));
  const start = Math.min(scroll, Math.max(0, commands.length - space));
  const wide = inner >= 90;
  return (
    <Pane title="Keys" width={width} height={height} focused note={`${commands.length} commands${commands.length > space ? ' · j/k scroll' : ''} · esc to close`}>
      {commands.slice(start, start + space).map((c) => (
        <Text key={c.id} wrap="truncate-end">
          <Text bold color={theme.tone('accent')}>
            {truncate(formatBindings(c), keyWidth).padEnd(keyWidth)}
          </Text>
          {`  ${c.description}`}
          {wide ? <Text dimColor>{`  (${describeContexts(c.when)})`}</Text> : null}
        </Text>
      ))}
    </Pane>
  );
}
