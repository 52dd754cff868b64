import { runCli } from './run.js';

/**
 * Entry point of the `devspace` binary. Kept to node built-ins and commander
 * so `--version` and `--help` start fast; every command imports its own
 * implementation when it runs.
 */
const argv = process.argv.slice(2);
let settled = false;
// If the event loop drains while a command is still awaiting something, nothing can ever
// resolve it: say so instead of exiting silently with 0.
const onBeforeExit = (): void => {
  if (settled) return;
  process.stderr.write('internal error: devspace stopped waiting with nothing left to run\n');
  process.exit(1);
};
process.on('beforeExit', onBeforeExit);
// `devspace --help | head` closes the pipe early: that is the reader's choice, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const code = await runCli(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  argv,
});
settled = true;
process.exitCode = code;
// Let pending output drain; if a stray handle would keep us alive, leave anyway.
setTimeout(() => process.exit(code), 1000).unref();
