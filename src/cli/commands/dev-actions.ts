import type { DevspaceConfig } from '../../engine/config/index.js';
import type { ContainerRef } from '../../engine/events.js';
import type { KubeTarget } from '../../engine/kube/context.js';
import type { Engine } from '../../engine/pipeline/engine.js';
import type { DashboardActions } from '../../ui/actions.js';

/** The engine, config and cluster of the current run; an auto reload replaces all three. */
export interface DevSession {
  engine: Engine;
  config: DevspaceConfig;
  kube: KubeTarget;
}

/**
 * What the dashboard's keys do in `devspace dev`: a shell in the selected
 * container (the dashboard has handed over the TTY), an analyze pass, and
 * rebuild/redeploy while port forwards, sync and logs keep running. Each
 * key reads `session` when pressed, so it acts on the run after a reload.
 */
export function dashboardActions(session: DevSession, quit: () => void): DashboardActions {
  const life = new AbortController();
  return {
    quit() {
      life.abort();
      quit();
    },
    interrupt() {
      // Raw mode turns Ctrl-C into a key; raise the signal it stands for, so the
      // usual trap stops the session with 130 and a second Ctrl-C still forces it.
      process.kill(process.pid, 'SIGINT');
    },
    rebuild() {
      void session.engine.rerun({ build: true });
    },
    redeploy() {
      void session.engine.rerun({ deploy: true });
    },
    async openTerminal(target: ContainerRef) {
      const { engine, kube, config } = session;
      const [{ openTerminal }, { terminalCommand }] = await Promise.all([
        import('../../engine/terminal/open-terminal.js'),
        import('../../engine/config/index.js'),
      ]);
      const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      engine.events.send('terminal:state', { target, state: 'opening' });
      try {
        const code = await openTerminal(kube.kubeConfig, target, terminalCommand(config.dev?.terminal), io, life.signal);
        engine.events.send('terminal:state', { target, state: 'closed', exitCode: code });
      } catch (err) {
        engine.events.send('terminal:state', { target, state: 'closed' });
        engine.events.send('engine:error', { scope: 'terminal', message: err instanceof Error ? err.message : String(err) });
      }
    },
    analyze() {
      const { engine, kube } = session;
      void (async () => {
        const { analyzeNamespace } = await import('../../engine/analyze/index.js');
        await analyzeNamespace(kube.kubeConfig, kube.namespace, { wait: false, events: engine.events, signal: life.signal }).catch((err: unknown) => {
          if (!life.signal.aborted) {
            engine.events.send('engine:warning', { scope: 'analyze', message: err instanceof Error ? err.message : String(err) });
          }
        });
      })();
    },
  };
}
