import { scrubSecrets } from '../engine/secrets.js';
import { isAbortError } from '../engine/errors.js';

/** The fields of UserError the CLI relies on, checked structurally so any copy of the class works. */
interface UserErrorLike {
  message: string;
  exitCode: 1 | 2;
  hint?: string;
}

function isUserError(err: unknown): err is UserErrorLike {
  if (!(err instanceof Error)) return false;
  const code = (err as { exitCode?: unknown }).exitCode;
  return (err.name === 'UserError' || err.name === 'ConfigError') && (code === 1 || code === 2);
}

/** Whether internal errors should show their stack: `--debug` anywhere in argv, or DEVSPACE_DEBUG=1. */
export function debugEnabled(argv: string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--debug') || env.DEVSPACE_DEBUG === '1' || env.DEVSPACE_DEBUG === 'true';
}

function paint(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, code: string, text: string): string {
  const color = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/**
 * Print an error the way a person needs it and return the exit code: a
 * UserError as `error:` lines (plus `hint:`), anything else as one
 * `internal error:` line, with the stack only in debug mode. Everything
 * printed passes the secrets net (credentials this process read, and
 * credential-shaped text such as `Authorization:` headers): a library's
 * message or stack may carry what the source code never put there.
 */
export function reportError(err: unknown, stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv, debug: boolean): number {
  const label = (kind: string): string => paint(stderr, env, kind === 'hint' ? '2' : '31', `${kind}:`);
  const write = (text: string): boolean => stderr.write(scrubSecrets(text));
  if (isUserError(err)) {
    // ConfigError carries one `file:line:col: path: message` per line; each gets its own prefix.
    for (const line of err.message.split('\n').filter((l) => l.trim() !== '')) write(`${label('error')} ${line}\n`);
    if (err.hint) write(`${label('hint')} ${err.hint}\n`);
    return err.exitCode;
  }
  if (isAbortError(err)) return 130;
  const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const first = message.split('\n')[0] ?? 'unknown error';
  write(`${label('internal error')} ${first}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  if (debug && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return 1;
}
