/**
 * Errors that come from the user's input or environment rather than from a
 * bug. The CLI prints their message as one line (no stack) and exits with
 * their code: 2 for usage and config errors, 1 for everything else.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A config error at one place in a file, printed as `file:line:col: path: message`. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted key path, e.g. `dev.ports[0].forward[1].port`. */
  path: string;
  message: string;
}

/** One or more config problems, reported together; always exit code 2. */
export class ConfigError extends UserError {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join('\n'), 2);
    this.name = 'ConfigError';
  }
}

export function formatConfigIssue(i: ConfigIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

/** True when an error was aborted through an AbortSignal. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}
