import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UserError } from '../../engine/errors.js';
import { DevEngineEmitter } from '../../engine/events.js';
import type { Picker, TargetSpec } from '../../engine/kube/target.js';
import type { CliIO, CommandRun } from '../program.js';
import { SIGNAL_EXIT_CODES, trapSignals } from '../signals.js';

/** The flags of `devspace sync` after commander parsed them. */
interface SyncFlags {
  container?: string;
  labelSelector?: string;
  pod?: string;
  namespace?: string;
  pick?: boolean;
  localPath?: string;
  containerPath?: string;
  exclude?: string[];
}

/**
 * `devspace sync`: two-way sync of a local folder with a container folder
 * until Ctrl-C (exit 130) or SIGTERM (143). Needs no devspace.yaml: the pod
 * comes from `--pod`, `-l`, or the only/newest running pod of the namespace
 * (`-p` to choose from a list). A fatal sync error exits 1.
 */
export const runSync: CommandRun = async (opts, _args, io) => {
  const flags = opts as SyncFlags;
  if (flags.pod && flags.labelSelector) throw new UserError('use either --pod or -l/--label-selector, not both', 2);
  const controller = new AbortController();
  const trap = trapSignals(controller);
  const events = new DevEngineEmitter();
  const { attachPlainReporter } = await import('../../plain/line-reporter.js');
  const color = io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  // A fatal sync error ends the command with that error on stderr; the same line as a state change would say it twice.
  const shown = new DevEngineEmitter();
  const unsubscribe = events.subscribe((e) => {
    if (e.type !== 'sync:state' || e.payload.state !== 'error') shown.send(e.type, e.payload as never);
  });
  const detachReporter = attachPlainReporter(shown, io.stdout, { color });
  const detach = (): void => {
    unsubscribe();
    detachReporter();
  };
  try {
    const { resolveKubeTarget } = await import('../../engine/kube/context.js');
    const kube = await resolveKubeTarget({ ...(flags.namespace ? { namespace: flags.namespace } : {}), env: io.env });
    // A cluster that is not there, or refuses the credentials, fails now in one line instead of retrying.
    const { assertClusterReachable } = await import('../../engine/pipeline/cluster-check.js');
    await assertClusterReachable(kube, controller.signal);
    const target: TargetSpec = {
      namespace: kube.namespace,
      ...(flags.pick ? {} : flags.pod ? { pod: flags.pod } : flags.labelSelector ? { labelSelector: flags.labelSelector } : {}),
      ...(flags.container && !flags.pick ? { container: flags.container } : {}),
    };
    const localPath = path.resolve(io.cwd, flags.localPath ?? '.');
    const { startSync } = await import('../../engine/sync/index.js');
    const picker = flags.pick || (!flags.pod && !flags.labelSelector) ? ttyPicker(io) : undefined;
    const handle = await startSync(
      kube.kubeConfig,
      {
        id: 'sync',
        localPath,
        containerPath: flags.containerPath ?? '.',
        target,
        ...(flags.exclude?.length ? { excludePaths: flags.exclude } : {}),
      },
      { events, signal: controller.signal, ...(picker ? { pick: picker } : {}) },
    );
    const keepAlive = setInterval(() => {}, 1 << 30);
    const result = await handle.done.finally(() => clearInterval(keepAlive));
    if (trap.received) return SIGNAL_EXIT_CODES[trap.received];
    if (result.error) {
      // Failing before the first sync keeps the original error: its exit code (2 for usage) and hint.
      const early = await handle.initialSync.then(() => undefined, (e: unknown) => e);
      throw early instanceof UserError ? early : new UserError(result.error, 1);
    }
    return 0;
  } catch (err) {
    if (trap.received) return SIGNAL_EXIT_CODES[trap.received];
    throw err;
  } finally {
    detach();
    trap.dispose();
  }
};

/** Ask on the terminal which pod or container; without a terminal, choosing is a usage error. */
function ttyPicker(io: CliIO): Picker {
  return async (question, choices) => {
    if (!io.stdin.isTTY) {
      throw new UserError(`${question.replace(/\?$/, '')}: ${choices.length} candidates (${choices.join(', ')}); say which with --pod, -l or -c`, 2);
    }
    io.stdout.write(`${question}\n${choices.map((c, i) => `  ${i + 1}) ${c}`).join('\n')}\n`);
    const rl = createInterface({ input: io.stdin, output: io.stdout });
    try {
      for (;;) {
        const n = Number((await rl.question('number: ')).trim());
        if (Number.isInteger(n) && n >= 1 && n <= choices.length) return n - 1;
      }
    } finally {
      rl.close();
    }
  };
}
