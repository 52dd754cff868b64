import { Command } from 'commander';
import {
  buildOptions,
  collectList,
  kubeContextOption,
  namespaceOption,
  varOption,
  parseCount,
  parseNames,
  targetOptions,
} from './options.js';

/** Streams and environment a command runs with (the real process in the CLI, fakes in tests). */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The arguments as typed, recorded in the project lock. */
  argv: string[];
}

/** A command implementation: options and positional arguments in, exit code out. */
export type CommandRun = (opts: Record<string, unknown>, args: string[], io: CliIO) => Promise<number>;

/** The commander tree plus the exit code the chosen action produced. */
export interface Program {
  command: Command;
  exitCode(): number;
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Build the `devspace` command tree; implementations are imported only when their command runs. */
export function createProgram(version: string, io: CliIO): Program {
  let code = 0;
  const program = new Command('devspace')
    .description('The inner development loop for Kubernetes: build, deploy, forward ports, sync files and open a terminal.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--debug', 'print stack traces of internal errors (also DEVSPACE_DEBUG=1)')
    .showSuggestionAfterError(true)
    .helpCommand('help [command]', 'show help for a command')
    // Set before adding subcommands, which copy these settings: usage errors become
    // exceptions that run.ts prints as one line with exit code 2.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    });

  const act = (cmd: Command, load: () => Promise<CommandRun>): Command =>
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const positional = params.slice(0, -2).flatMap((p) => (Array.isArray(p) ? (p as string[]) : p === undefined ? [] : [String(p)]));
      const run = await load();
      code = await run(self.optsWithGlobals(), positional, io);
    });

  const dev = program
    .command('dev')
    .description('build, deploy and start port forwarding, file sync and a terminal; Ctrl-C stops everything');
  buildOptions(dev).option('-d, --force-deploy', 'deploy even if nothing changed');
  varOption(kubeContextOption(namespaceOption(dev)))
    .option('--no-tui', 'print plain log lines instead of the dashboard (the default when not on a terminal)')
    .addHelpText('after', examples('devspace dev', 'devspace dev -b --no-tui', 'devspace dev -n my-ns --var IMAGE_TAG=dev'));
  act(dev, async () => (await import('./commands/dev.js')).runDev);

  const enter = targetOptions(program.command('enter').argument('[command...]', 'command to run instead of a shell'))
    .description('open a shell (or run a command) in a container of the project')
    .addHelpText('after', examples('devspace enter', 'devspace enter -c api -- ls -la /app', 'devspace enter -p'));
  act(enter, async () => (await import('./commands/enter.js')).runEnter);

  const logs = targetOptions(program.command('logs'))
    .description('print the logs of a container')
    .option('-f, --follow', 'keep streaming new lines')
    .option('--lines <n>', 'how many past lines to print', parseCount, 200)
    .addHelpText('after', examples('devspace logs', 'devspace logs -f --lines 50', 'devspace logs -l app=api -c api'));
  act(logs, async () => (await import('./commands/logs.js')).runLogs);

  const analyze = namespaceOption(program.command('analyze'))
    .description('explain why pods are not running (crash loops, image pulls, scheduling)')
    .option('--no-wait', 'report at once instead of waiting for pods still starting')
    .addHelpText('after', examples('devspace analyze', 'devspace analyze -n my-ns --no-wait'));
  act(
    kubeContextOption(analyze)
      .option('-l, --label-selector <selector>', 'only pods with these labels, e.g. app=api (and events about them)')
      .option('--timeout <duration>', 'how long to wait for pods still starting, e.g. 90s or 2m (default: 120s)')
      .option('--json', 'print {namespace, findings} as JSON instead of the report')
      .addHelpText('after', 'Exit codes: 0 nothing wrong, 1 problems found (or analyze failed), 2 usage error.\n'),
    async () => (await import('./commands/analyze.js')).runAnalyze,
  );

  const build = varOption(buildOptions(program.command('build')))
    .description('build (and push) every image of devspace.yaml')
    .addHelpText('after', examples('devspace build', 'devspace build -b --skip-push'));
  act(build, async () => (await import('./commands/build.js')).runBuild);

  const deploy = varOption(kubeContextOption(namespaceOption(buildOptions(program.command('deploy')))))
    .description('build images and deploy every deployment, without the dev services')
    .option('-d, --force-deploy', 'deploy even if nothing changed')
    .addHelpText('after', examples('devspace deploy', 'devspace deploy -n staging --kube-context prod-cluster'));
  act(deploy, async () => (await import('./commands/deploy.js')).runDeploy);

  const purge = varOption(namespaceOption(program.command('purge')))
    .description('delete the deployments of devspace.yaml from the cluster, in reverse order')
    .option('-d, --deployments <a,b>', 'only these deployments', parseNames)
    .option('--dependencies', 'also purge the dependencies (after the project, in reverse order)')
    .addHelpText('after', examples('devspace purge', 'devspace purge -d api,worker', 'devspace purge --dependencies'));
  act(purge, async () => (await import('./commands/purge.js')).runPurge);

  const sync = targetOptions(program.command('sync'))
    .description('sync a local folder with a container until stopped')
    .option('--local-path <path>', 'local folder to sync', '.')
    .option('--container-path <path>', 'folder in the container (default: its working directory)')
    .option('-e, --exclude <pattern>', 'gitignore-style path to leave out (repeatable)', collectList)
    .addHelpText('after', examples('devspace sync --container-path /app', 'devspace sync -l app=api -e node_modules/ -e .git/'));
  act(sync, async () => (await import('./commands/sync.js')).runSync);

  const init = program
    .command('init')
    .description('write a starter devspace.yaml for a project with a Dockerfile')
    .option('--image <name>', 'image repository to build (default: 127.0.0.1:5000/<folder name>)')
    .option('--dockerfile <path>', 'Dockerfile to build', './Dockerfile')
    .option('-f, --force', 'overwrite an existing devspace.yaml')
    .addHelpText('after', examples('devspace init', 'devspace init --image registry.example.com/team/api --force'));
  act(init, async () => (await import('./commands/init.js')).runInit);

  program.addHelpText(
    'after',
    examples('devspace init', 'devspace dev', 'devspace dev --no-tui -n my-ns', 'devspace help dev') +
      '\nExit codes: 0 success, 1 failure, 2 usage or config error, 130/143 stopped by SIGINT/SIGTERM.\n',
  );
  return { command: program, exitCode: () => code };
}
