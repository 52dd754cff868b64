import type { LoadedConfig } from '../engine/config/index.js';
import type { ResolvedDependency } from '../engine/dependencies/index.js';
import { UserError } from '../engine/errors.js';
import { DevEngineEmitter } from '../engine/events.js';
import { resolveKubeTarget, type KubeTarget } from '../engine/kube/context.js';
import { promptFor, startPlain } from './commands/dev-ui.js';
import type { CliIO } from './program.js';
import { SIGNAL_EXIT_CODES, trapSignals } from './signals.js';

/**
 * The steps every project command (dev, build, deploy, purge) takes before
 * its real work: find the project, load devspace.yaml, pick the cluster;
 * and the frame of the one-shot commands (plain output, Ctrl-C).
 */

/** Reject with an AbortError as soon as `signal` aborts, for steps that take no signal. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException('stopped', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DOMException('stopped', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The folder holding devspace.yaml (this one or a parent), or a usage error pointing at `devspace init`. */
export async function requireProjectRoot(cwd: string): Promise<string> {
  const { findProjectRoot } = await import('../engine/config/index.js');
  const root = await findProjectRoot(cwd);
  if (!root) throw new UserError(`no devspace.yaml in ${cwd} or any parent folder; run \`devspace init\` to create one`, 2);
  return root;
}

/**
 * Load devspace.yaml with `--var` values and prompts (on a terminal), and
 * refuse keys whose feature is not built yet, at their line, before any work.
 */
export async function loadProjectConfig(
  io: CliIO,
  vars: Record<string, string> | undefined,
  signal: AbortSignal,
  scope: 'dev' | 'deploy' = 'dev',
  /** Ask for missing `${VAR}`s on a TTY (not while the dashboard owns the screen). */
  prompt = true,
): Promise<LoadedConfig> {
  const { assertSupported, loadConfig } = await import('../engine/config/index.js');
  const loaded = await untilAborted(
    loadConfig({
      cwd: io.cwd, // finds the same root; messages then name the file relative to where the user is
      env: io.env,
      ...(vars ? { vars } : {}),
      interactive: prompt && io.stdin.isTTY === true,
      prompt: promptFor(io, signal),
    }),
    signal,
  );
  assertSupported(loaded, loaded.file, scope);
  return loaded;
}

/** The cluster and namespace: flags first, then devspace.yaml's `cluster`, then the kubeconfig. */
export function resolveProjectKube(
  loaded: LoadedConfig,
  flags: { kubeContext?: string; namespace?: string },
  io: CliIO,
  signal: AbortSignal,
): Promise<KubeTarget> {
  return untilAborted(
    resolveKubeTarget({
      ...(flags.kubeContext ? { kubeContext: flags.kubeContext } : {}),
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      ...(loaded.config.cluster ? { cluster: loaded.config.cluster } : {}),
      env: io.env,
    }),
    signal,
  );
}

/** What a one-shot command body gets: the event bus (printed as plain lines) and the Ctrl-C signal. */
export interface OneShot {
  events: DevEngineEmitter;
  signal: AbortSignal;
}

/**
 * Run a one-shot command (build, deploy, purge) with plain line output on
 * stdout and a Ctrl-C/SIGTERM trap: 0 when the body finishes, 130/143 when
 * stopped by a signal, and the body's error otherwise (printed by run.ts).
 */
export async function runOneShot(io: CliIO, body: (run: OneShot) => Promise<void>): Promise<number> {
  const controller = new AbortController();
  const trap = trapSignals(controller);
  const events = new DevEngineEmitter();
  const presenter = await startPlain(events, io);
  try {
    await body({ events, signal: controller.signal });
    return trap.received ? SIGNAL_EXIT_CODES[trap.received] : 0;
  } catch (err) {
    // Whatever a step threw while being stopped (an AbortError or the signal's reason), it was stopped.
    if (controller.signal.aborted && trap.received) return SIGNAL_EXIT_CODES[trap.received];
    throw err;
  } finally {
    await presenter.close();
    trap.dispose();
  }
}

/** The project's dependencies, resolved (checked out, loaded) in deploy order; none without `dependencies`. */
export async function projectDependencies(loaded: LoadedConfig, io: CliIO, vars: Record<string, string> | undefined, signal: AbortSignal): Promise<ResolvedDependency[]> {
  if (!loaded.config.dependencies?.length) return [];
  const { resolveDependencies } = await import('../engine/dependencies/index.js');
  return untilAborted(resolveDependencies(loaded.root, loaded.config, { env: io.env, signal, ...(vars ? { vars } : {}) }), signal);
}
