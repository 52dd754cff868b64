import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { BORDERS, paneChrome, useTheme } from '../theme.js';
import { truncate } from '../text.js';

export interface PaneProps {
  title: string;
  width: number;
  height: number;
  focused?: boolean;
  /** When set the border turns red and the reason sits in the top edge. */
  failure?: string;
  /** Extra status in the top edge (toggles, counts). */
  note?: string;
  children?: ReactNode;
}

/** Inner width of a pane: borders and one column of padding on each side. */
export function paneInnerWidth(width: number): number {
  return Math.max(1, width - 4);
}

/**
 * A bordered pane with its title drawn into the top edge (Ink 6.8 has no
 * border titles), so a pane costs two rows of chrome instead of three.
 */
export function Pane({ title, width, height, focused = false, failure, note, children }: PaneProps) {
  const theme = useTheme();
  const chrome = paneChrome(theme, { focused, failed: failure !== undefined });
  const b = BORDERS[chrome.style];
  const head = `${b.tl}${b.t} `;
  const label = `${title} `;
  const extraText = failure ? `✗ ${failure}` : note;
  // Leave room for "─ ", a trailing space, one fill character and the corner.
  const room = width - head.length - label.length - 5;
  const extra = extraText && room > 3 ? truncate(extraText, room) : '';
  const extraLen = extra ? extra.length + 3 : 0;
  const fill = b.t.repeat(Math.max(0, width - head.length - label.length - extraLen - 1));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text color={chrome.color}>{head}</Text>
        <Text bold={focused} inverse={focused && !theme.color}>
          {label}
        </Text>
        {extra ? (
          <>
            <Text color={chrome.color}>{`${b.t} `}</Text>
            <Text color={failure ? theme.tone('error') : undefined} dimColor={!failure}>
              {extra}
            </Text>
            <Text> </Text>
          </>
        ) : null}
        <Text color={chrome.color}>{`${fill}${b.tr}`}</Text>
      </Text>
      {/* Keyed by style: Ink 6.8 applies only changed style keys, so a new borderStyle alone
          would turn the top border (which we draw ourselves) back on and push every row down. */}
      <Box
        key={chrome.style}
        flexDirection="column"
        width={width}
        height={Math.max(1, height - 1)}
        borderStyle={chrome.style}
        borderTop={false}
        borderColor={chrome.color}
        paddingX={1}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}
