import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { createProgram, type CliIO } from './program.js';
import { debugEnabled, reportError } from './report-error.js';

/** The version in package.json, read at run time so it never drifts from the package. */
export function readVersion(): string {
  // dist/cli/run.js and src/cli/run.ts both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * Run one `devspace` invocation and return its exit code: 0 success, 1
 * failure, 2 usage or config error (a one-line message, never a stack).
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const { command, exitCode } = createProgram(readVersion(), io);
  if (argv.length === 0) {
    command.outputHelp();
    return 0;
  }
  // commander answers `help <unknown>` with the whole help on stderr; one line is kinder.
  const names = command.commands.map((c) => c.name());
  if (argv[0] === 'help' && argv[1] !== undefined && !names.includes(argv[1])) {
    io.stderr.write(`error: unknown command '${argv[1]}' (see \`devspace --help\`)\n`);
    return 2;
  }
  try {
    await command.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (err) {
    if (err instanceof CommanderError) return usageError(err, argv, io);
    return reportError(err, io.stderr, io.env, debugEnabled(argv, io.env));
  }
}

function usageError(err: CommanderError, argv: string[], io: CliIO): number {
  // Help and version also arrive here, as "errors" with exit code 0.
  if (err.exitCode === 0) return 0;
  if (err.code === 'commander.help') return 2; // Help was shown for a usage mistake; nothing to add.
  // Keep it one line, including commander's "(Did you mean ...?)" suggestion.
  const message = err.message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const sub = argv.find((a) => !a.startsWith('-'));
  const known = sub !== undefined && sub !== 'help' && message.indexOf(`unknown command '${sub}'`) === -1;
  const helpCmd = known ? `devspace ${sub} --help` : 'devspace --help';
  io.stderr.write(`error: ${message} (see \`${helpCmd}\`)\n`);
  return 2;
}
