import { createInterface } from 'node:readline';
import type { DevspaceConfig } from '../../engine/config/index.js';
import { UserError } from '../../engine/errors.js';
import type { KubeTarget } from '../../engine/kube/context.js';
import type { Picker, TargetSpec } from '../../engine/kube/target.js';
import type { CliIO, CommandRun } from '../program.js';
import { SIGNAL_EXIT_CODES, trapSignals, type SignalTrap } from '../signals.js';

/** The pod/container flags of `enter` and `logs` after commander parsed them. */
export interface TargetCliFlags {
  namespace?: string;
  labelSelector?: string;
  container?: string;
  pod?: string;
  pick?: boolean;
}

/** Config (when there is a project), cluster and the spec the flags and `dev.terminal` select. */
export interface CommandTarget {
  config: DevspaceConfig | undefined;
  kube: KubeTarget;
  spec: TargetSpec;
  /** Set when the user may be asked: `-p`, or no selector at all on a terminal. */
  pick: Picker | undefined;
}

/**
 * Load devspace.yaml if there is one (enter and logs also work without),
 * resolve the cluster and build the target from `dev.terminal` and the
 * flags (research §2.1); `-p` ignores both and lists every running pod.
 */
export async function resolveCommandTarget(io: CliIO, flags: TargetCliFlags, signal: AbortSignal): Promise<CommandTarget> {
  const { findProjectRoot, loadConfig } = await import('../../engine/config/index.js');
  const { resolveKubeTarget } = await import('../../engine/kube/context.js');
  const { hasSelector, resolveTargetSpec } = await import('../../engine/kube/target-spec.js');
  const root = await findProjectRoot(io.cwd);
  let config: DevspaceConfig | undefined;
  if (root) {
    const { promptFor } = await import('./dev-ui.js');
    const loaded = await loadConfig({ cwd: io.cwd, env: io.env, interactive: io.stdin.isTTY === true, prompt: promptFor(io, signal) });
    config = loaded.config;
  }
  const kube = await resolveKubeTarget({
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(config?.cluster ? { cluster: config.cluster } : {}),
    env: io.env,
  });
  const spec: TargetSpec = flags.pick
    ? { namespace: flags.namespace || kube.namespace, ...(flags.container ? { container: flags.container } : {}) }
    : resolveTargetSpec(config?.dev?.terminal, config?.dev?.selectors, kube.namespace, flags);
  const canAsk = io.stdin.isTTY === true && io.stderr.isTTY === true;
  const pick = flags.pick || (canAsk && !hasSelector(spec)) ? stdinPicker(io, signal) : undefined;
  return { config, kube, spec, pick };
}

/** A numbered list on stderr answered with a line on stdin (the Picker of target.ts). */
export function stdinPicker(io: CliIO, signal: AbortSignal): Picker {
  return async (question, choices) => {
    io.stderr.write(`${question}\n${choices.map((c, i) => `  ${i + 1}) ${c}`).join('\n')}\n`);
    const rl = createInterface({ input: io.stdin, terminal: false });
    // The iterator queues lines, so answers typed (or piped) ahead are not lost.
    const lines = rl[Symbol.asyncIterator]();
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        io.stderr.write(`choose 1-${choices.length}: `);
        const next = await Promise.race([lines.next(), aborted]);
        if (next.done) break;
        const answer = String(next.value).trim();
        const n = Number(answer);
        if (Number.isInteger(n) && n >= 1 && n <= choices.length) return n - 1;
        io.stderr.write(`"${answer}" is not one of 1-${choices.length}\n`);
      }
    } finally {
      rl.close();
    }
    throw new UserError('no choice made', 2, 'name the pod with --pod or -l and the container with -c instead of -p');
  };
}

/** Run `body` with Ctrl-C/SIGTERM turned into an abort; a stop by signal exits 130/143. */
export async function withSignals(body: (signal: AbortSignal, trap: SignalTrap) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const trap = trapSignals(controller);
  try {
    const code = await body(controller.signal, trap);
    return trap.received ? SIGNAL_EXIT_CODES[trap.received] : code;
  } catch (err) {
    if (controller.signal.aborted && trap.received) return SIGNAL_EXIT_CODES[trap.received];
    throw clusterError(err);
  } finally {
    trap.dispose();
  }
}

/** API failures that escaped as library errors, turned into one line a person can act on. */
export function clusterError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof UserError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new UserError(`cannot reach the Kubernetes API server: ${code}`, 1, 'is the cluster up? check KUBECONFIG and the context');
  }
  if (typeof code === 'number' && code >= 400) {
    const message = statusMessage((err as { body?: unknown }).body);
    return new UserError(`the Kubernetes API refused the request (${code})${message ? `: ${message}` : ''}`, 1);
  }
  return err;
}

/**
 * `devspace enter [command...]`: pick the container (flags → `dev.terminal`
 * → the only selector → ask), run the command (default: bash if there,
 * else sh) with a TTY when stdin is one, and exit with its exit code.
 */
export const runEnter: CommandRun = (opts, args, io) =>
  withSignals(async (signal) => {
    const flags = opts as TargetCliFlags;
    const { config, kube, spec, pick } = await resolveCommandTarget(io, flags, signal);
    const { selectContainer } = await import('../../engine/kube/target.js');
    const { terminalCommand } = await import('../../engine/config/index.js');
    const { openTerminal } = await import('../../engine/terminal/open-terminal.js');
    const target = await selectContainer(kube.kubeConfig, spec, { signal, ...(pick ? { pick } : {}) });
    const command = args.length ? args : terminalCommand(config?.dev?.terminal);
    io.stderr.write(`Opening shell to pod:container ${target.pod}:${target.container}\n`);
    const remedy = `name a program it has: devspace enter -c ${target.container} -- <command>`;
    return openTerminal(kube.kubeConfig, target, command, io, signal, { noShell: { who: 'devspace enter', remedy } });
  });

/** The `message` of a Kubernetes Status body, given as text or already parsed. */
function statusMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return '';
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.split('\n')[0]!.slice(0, 300) : '';
}
