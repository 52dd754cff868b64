import { Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { FailureNote, nameColumn, StatusRow } from '../components/StatusRow.js';
import { useNow } from '../hooks/use-now.js';
import { PANE_CHROME } from '../layout.js';
import type { EngineView } from '../store/engine-view.js';
import type { PaneFailure } from '../store/selectors.js';
import { type BuildRow, buildRows, sourceLabels } from '../store/workloads.js';
import { truncate } from '../text.js';
import { describeContainer, describeDeployment, describeImage, type RowText, visibleRange } from './row-text.js';

export interface BuildPaneProps {
  width: number;
  height: number;
  focused: boolean;
  engine: EngineView;
  selected: number;
  /** Set by `buildFailure`; turns the border red and puts the hint under the rows. */
  failure?: PaneFailure;
}

function rowText(row: BuildRow, labels: ReadonlyMap<string, string>, now: number): RowText {
  switch (row.kind) {
    case 'image':
      return describeImage(row.image, now);
    case 'deployment':
      return describeDeployment(row.deployment, now);
    case 'container':
      return describeContainer(row.source, labels.get(row.source.key) ?? row.source.label);
  }
}

const rowKey = (row: BuildRow) => (row.kind === 'image' ? `i:${row.image.name}` : row.kind === 'deployment' ? `d:${row.deployment.name}` : `c:${row.source.key}`);

/**
 * Images (build steps, push), deployments (apply, rollout) and the
 * containers under them, one row each; a failure shows its hint, a failed
 * build its last output lines.
 */
export function BuildPane({ width, height, focused, engine, selected, failure }: BuildPaneProps) {
  const inner = paneInnerWidth(width);
  const rows = buildRows(engine);
  const busy = engine.images.some((i) => i.state === 'building') || engine.deployments.some((d) => d.state === 'deploying' || d.state === 'applied');
  const now = useNow(busy ? 1000 : 0);
  const labels = sourceLabels(engine.sources);
  const texts = rows.map((r) => rowText(r, labels, now));
  const space = Math.max(1, height - PANE_CHROME);
  const [from, to] = visibleRange(rows.length, space, selected);
  const failed = engine.images.find((i) => i.state === 'failed');
  const room = space - (to - from);
  const detail = failed ? failed.lastLines.slice(-Math.max(0, room - 1)) : [];
  const nameWidth = nameColumn(texts, inner, 24);
  return (
    <Pane title="1 Build · Deploy" width={width} height={height} focused={focused} failure={failure?.reason}>
      {rows.length === 0 ? <Text dimColor>no images or deployments yet</Text> : null}
      {rows.slice(from, to).map((row, i) => (
        <StatusRow key={rowKey(row)} row={texts[from + i] as RowText} nameWidth={nameWidth} selected={focused && from + i === selected} />
      ))}
      {detail.map((line, i) => (
        <Text key={`d${i}`} dimColor wrap="truncate-end">
          {truncate(`  ${line}`, inner)}
        </Text>
      ))}
      <FailureNote text={failure?.hint} rows={room - detail.length} glyph="→" />
    </Pane>
  );
}
