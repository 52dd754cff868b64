/** Container logs: line splitting, restart-proof following and the dev `logs` stage. */
export { followLog, containerStatus, servedInstance } from './follow.js';
export type { FollowOptions, LogStreamState } from './follow.js';
export { LineSplitter, MAX_LINE } from './line-splitter.js';
export { LineDeduper, parseStamped, sinceTimeOf } from './timestamps.js';
export type { StampedLine } from './timestamps.js';
export { LogBatcher } from './batcher.js';
export { createLogsStage, logTargets } from './stage.js';
export type { LogsStageOptions } from './stage.js';
