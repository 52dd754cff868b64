import { Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { FailureNote, nameColumn, StatusRow } from '../components/StatusRow.js';
import { PANE_CHROME } from '../layout.js';
import type { ForwardView } from '../store/engine-view.js';
import { describeForward, visibleRange } from './row-text.js';

export interface PortsPaneProps {
  width: number;
  height: number;
  focused: boolean;
  forwards: readonly ForwardView[];
  selected: number;
  failure?: string;
}

/** Port forwards: `local → pod:remote` with state; a failed forward turns the border red. */
export function PortsPane({ width, height, focused, forwards, selected, failure }: PortsPaneProps) {
  const inner = paneInnerWidth(width);
  // Leave the state its words ("ready", "reconnecting") and cut the pod name instead.
  const stateWidth = Math.max(5, ...forwards.map((f) => describeForward(f).text.length));
  const rows = forwards.map((f) => describeForward(f, Math.max(12, inner - 3 - stateWidth)));
  const space = Math.max(1, height - PANE_CHROME);
  const [from, to] = visibleRange(rows.length, space, selected);
  const nameWidth = nameColumn(rows, inner, 40);
  return (
    <Pane title="2 Ports" width={width} height={height} focused={focused} failure={failure}>
      {rows.length === 0 ? <Text dimColor>no port forwards</Text> : null}
      {rows.slice(from, to).map((row, i) => (
        <StatusRow key={forwards[from + i]?.id ?? i} row={row} nameWidth={nameWidth} selected={focused && from + i === selected} />
      ))}
      <FailureNote text={failure} rows={space - (to - from)} />
    </Pane>
  );
}
