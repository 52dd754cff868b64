import path from 'node:path';
import { isAbortError } from '../../engine/errors.js';
import { DevEngineEmitter } from '../../engine/events.js';
import { acquireProjectLock, type ProjectLock } from '../../engine/lock/project-lock.js';
import { devImplementations } from '../../engine/pipeline/dev-implementations.js';
import { createEngine } from '../../engine/pipeline/engine.js';
import type { CommandRun } from '../program.js';
import { loadProjectConfig, projectDependencies, requireProjectRoot, resolveProjectKube } from '../project-context.js';
import { SIGNAL_EXIT_CODES, trapSignals } from '../signals.js';
import type { LoadedConfig } from '../../engine/config/index.js';
import type { ResolvedDependency } from '../../engine/dependencies/index.js';
import type { KubeTarget } from '../../engine/kube/context.js';
import { dashboardActions, type DevSession } from './dev-actions.js';
import { startReloadWatch } from './dev-reload.js';
import { printWarningsUntilUi, startDashboard, startPlain, type Presenter } from './dev-ui.js';

/** The flags of `devspace dev` after commander parsed them. */
interface DevFlags {
  forceBuild?: boolean;
  forceDeploy?: boolean;
  skipPush?: boolean;
  namespace?: string;
  kubeContext?: string;
  tui?: boolean;
  var?: Record<string, string>;
}

// Teardown gets 1.5 s so the whole exit, dashboard included, fits in the 2 s grace period.
const TEARDOWN = { teardownTimeoutMs: 1500, teardownBudgetMs: 1500 };

/**
 * `devspace dev`: find the project, take its lock, load the config, pick the
 * cluster, show the dashboard (or plain lines) and run the pipeline until
 * the user quits (0), Ctrl-C (130) or SIGTERM (143). A failed start ends
 * plain mode (1) but not the dashboard, where a key starts it again.
 * Teardown and lock release happen on every path.
 */
export const runDev: CommandRun = async (opts, _args, io) => {
  const flags = opts as DevFlags;
  const controller = new AbortController();
  const trap = trapSignals(controller);
  const events = new DevEngineEmitter();
  // Ink draws no frames at all when it believes it runs in CI, so CI means plain lines.
  const useTui = flags.tui !== false && io.stdout.isTTY === true && io.stdin.isTTY === true && !inCi(io.env);
  // The dashboard streams logs and opens shells on a key; plain mode opens the
  // dev terminal like v3.5 when there is a terminal to give it, else streams logs.
  const session = useTui || io.stdin.isTTY !== true ? ('logs' as const) : undefined;
  let terminalExit: number | undefined;
  let presenter: Presenter | undefined;
  let lock: ProjectLock | undefined;
  let stopEarlyWarnings: (() => void) | undefined;
  const releaseOnExit = (): void => lock?.releaseSync();
  try {
    const root = await requireProjectRoot(io.cwd);
    // Events before the UI attaches wait in the emitter's backlog; in TUI mode warnings also
    // go to stderr now, so they are not lost if we fail before the dashboard opens. Plain
    // lines start at once: a stale lock taken over must be said even if the cluster is down.
    if (useTui) stopEarlyWarnings = printWarningsUntilUi(events, io.stderr);
    else presenter = await startPlain(events, io);

    lock = await acquireProjectLock(root, { command: ['devspace', ...io.argv].join(' '), events });
    process.on('exit', releaseOnExit);

    events.send('engine:phase', { phase: 'config', at: Date.now() });
    const load = async (prompt: boolean) => {
      const loaded = await loadProjectConfig(io, flags.var, controller.signal, 'dev', prompt);
      const kube = await resolveProjectKube(loaded, flags, io, controller.signal);
      events.send('engine:info', { scope: 'kube', message: `context ${kube.context}, namespace ${kube.namespace}` });
      // A cluster that is not there fails now, not after a build and a push.
      const { assertClusterReachable } = await import('../../engine/pipeline/cluster-check.js');
      await assertClusterReachable(kube, controller.signal);
      const dependencies = await projectDependencies(loaded, io, flags.var, controller.signal);
      return { loaded, kube, dependencies };
    };
    const { loaded, kube, dependencies } = await load(true);

    let reloading = false;
    // -b and -d force the first run; a reload rebuilds and redeploys what its change touched.
    const makeEngine = (config: LoadedConfig, target: KubeTarget, deps: readonly ResolvedDependency[], first = false) =>
      createEngine({
        root,
        config: config.config,
        kube: target,
        events,
        options: {
          forceBuild: first && !!flags.forceBuild,
          forceDeploy: first && !!flags.forceDeploy,
          skipPush: !!flags.skipPush,
          dependencies: deps,
          ...(session ? { session } : {}),
        },
        pipeline: TEARDOWN,
        implementations: devImplementations({
          dev: true,
          terminal: {
            onExit: (code) => {
              if (reloading) return;
              terminalExit = code;
              controller.abort('terminal');
            },
          },
        }),
      });
    const current: DevSession = { engine: makeEngine(loaded, kube, dependencies, true), config: loaded.config, kube };
    if (useTui) {
      const header = { project: path.basename(root), context: kube.context, namespace: kube.namespace };
      presenter = await startDashboard(events, header, dashboardActions(current, () => controller.abort('quit')));
      stopEarlyWarnings?.();
    }
    // Watching starts before the first run, so a file saved during its build is not lost.
    const reload = await startReloadWatch({
      root,
      configFile: loaded.file,
      session: current,
      events,
      signal: controller.signal,
      load: () => load(false),
      makeEngine: (next) => makeEngine(next.loaded, next.kube, next.dependencies),
      setReloading: (on) => (reloading = on),
    });
    await current.engine.start(controller.signal).catch((err: unknown) => {
      // The dashboard stays open on a failed start, Tilt-like: the failure is on screen (the
      // pipeline sent it as `engine:error`), and the rebuild or redeploy key starts it all again.
      if (!useTui || controller.signal.aborted || isAbortError(err)) {
        reload.close();
        throw err;
      }
    });
    // Stages run in the background; hold the process open until quit or a signal.
    const keepAlive = setInterval(() => {}, 1 << 30);
    await reload.serve().finally(() => clearInterval(keepAlive));
    await current.engine.stop();
    return finish(trap.received, presenter, terminalExit);
  } catch (err) {
    if (controller.signal.aborted && isAbortError(err)) return finish(trap.received, presenter, terminalExit);
    throw err;
  } finally {
    stopEarlyWarnings?.();
    await presenter?.close();
    await lock?.release();
    process.off('exit', releaseOnExit);
    trap.dispose();
  }
};

/** The test Ink 6.8 (is-in-ci) applies: `CI` or `CONTINUOUS_INTEGRATION` set and not "0"/"false". */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  const set = (k: string): boolean => k in env && env[k] !== '0' && env[k] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}

/** Exit code after a clean stop: the dev terminal's (v3.5), the signal's, or 0; a crashed dashboard is still an error. */
function finish(signal: keyof typeof SIGNAL_EXIT_CODES | undefined, presenter: Presenter | undefined, terminalExit?: number): number {
  if (presenter?.failure) throw presenter.failure;
  if (signal) return SIGNAL_EXIT_CODES[signal];
  return terminalExit ?? 0;
}

