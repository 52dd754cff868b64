import { Text } from 'ink';
import { Pane, paneInnerWidth } from '../components/Pane.js';
import { nameColumn, StatusRow } from '../components/StatusRow.js';
import { PANE_CHROME } from '../layout.js';
import type { DeploymentView, ImageView } from '../store/engine-view.js';
import { truncate } from '../text.js';
import { describeDeployment, describeImage, visibleRange } from './row-text.js';

export interface BuildPaneProps {
  width: number;
  height: number;
  focused: boolean;
  images: readonly ImageView[];
  deployments: readonly DeploymentView[];
  selected: number;
  /** Set by `buildFailure`; turns the border red. */
  failure?: string;
}

/** Images (build, push) and deployments (apply, rollout), one row each; a failure shows its last output lines. */
export function BuildPane({ width, height, focused, images, deployments, selected, failure }: BuildPaneProps) {
  const inner = paneInnerWidth(width);
  const rows = [...images.map(describeImage), ...deployments.map(describeDeployment)];
  const space = Math.max(1, height - PANE_CHROME);
  const [from, to] = visibleRange(rows.length, space, selected);
  const failed = images.find((i) => i.state === 'failed');
  const detail = failed ? failed.lastLines.slice(-Math.max(0, space - (to - from))) : [];
  const nameWidth = nameColumn(rows, inner);
  return (
    <Pane title="1 Build" width={width} height={height} focused={focused} failure={failure}>
      {rows.length === 0 ? <Text dimColor>no images or deployments yet</Text> : null}
      {rows.slice(from, to).map((row, i) => (
        <StatusRow key={row.name} row={row} nameWidth={nameWidth} selected={focused && from + i === selected} />
      ))}
      {detail.map((line, i) => (
        <Text key={`d${i}`} dimColor wrap="truncate-end">
          {truncate(`  ${line}`, inner)}
        </Text>
      ))}
    </Pane>
  );
}
