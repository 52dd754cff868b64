/**
 * `devspace analyze`: what is wrong with the deployment, in plain words.
 * Pure checks turn pods and events into findings; a thin I/O layer lists
 * them, waits for pods still starting and attaches log lines.
 */
export { analyze, analyzeNamespace, type AnalyzeOptions, type AnalyzeResult, type StartingPod } from './analyze.js';
export { diagnosePod } from './diagnose-pod.js';
export { diagnoseContainer } from './diagnose-container.js';
export { eventFindings, recentWarnings, objectKey, type EventCheckContext, type ObjectState } from './warning-events.js';
export { startingReason, HOPELESS_WAITING } from './starting.js';
export { formatReport, type ReportInput, type ReportOptions } from './report.js';
export { groupFindings, orderFindings, groupOf, type FindingGroup } from './order.js';
export { matchesSelector } from './selector.js';
export { registryOf } from './explain-start.js';
export type { Diagnosis, LogRequest, PodCheckContext } from './types.js';
