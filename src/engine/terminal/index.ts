/** Terminal sessions in containers: `devspace enter`, the dev terminal, and the dashboard's shell. */
export { openTerminal, exitCodeOf, refLabel } from './open-terminal.js';
export type { NoShellAdvice, TerminalIO, TerminalOptions } from './open-terminal.js';
export { createTerminalStage } from './stage.js';
export type { TerminalStageOptions } from './stage.js';
