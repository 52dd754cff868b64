import { Box, Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { FailureNote, nameColumn, StatusRow } from '../components/StatusRow.js';
import { PANE_CHROME } from '../layout.js';
import type { SyncView } from '../store/engine-view.js';
import { truncate } from '../text.js';
import { describeSync, syncFiles, visibleRange } from './row-text.js';

export interface SyncPaneProps {
  width: number;
  height: number;
  focused: boolean;
  syncs: readonly SyncView[];
  selected: number;
  failure?: string;
}

/** File syncs: paths, state, last batch; the files it moved get a line of their own when there is room. */
export function SyncPane({ width, height, focused, syncs, selected, failure }: SyncPaneProps) {
  const inner = paneInnerWidth(width);
  const space = Math.max(1, height - PANE_CHROME);
  const rows = syncs.map((s) => describeSync(s));
  const [from, to] = visibleRange(rows.length, space, selected);
  const withFiles = rows.length * 2 + (failure ? 1 : 0) <= space;
  const nameWidth = nameColumn(rows, inner, 36);
  return (
    <Pane title="3 Sync" width={width} height={height} focused={focused} failure={failure}>
      {rows.length === 0 ? <Text dimColor>no sync paths</Text> : null}
      {rows.slice(from, to).map((row, i) => {
        const s = syncs[from + i] as SyncView;
        const files = withFiles ? syncFiles(s) : undefined;
        return (
          <Box key={s.id} flexDirection="column">
            <StatusRow row={row} nameWidth={nameWidth} selected={focused && from + i === selected} />
            {files ? (
              <Text dimColor wrap="truncate-end">
                {`  ${truncate(files, inner - 2)}`}
              </Text>
            ) : null}
          </Box>
        );
      })}
      <FailureNote text={failure} rows={space - (to - from) * (withFiles ? 2 : 1)} />
    </Pane>
  );
}
