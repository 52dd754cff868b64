import type { KubeConfig } from '@kubernetes/client-node';
import { terminalCommand } from '../config/index.js';
import { isAbortError, UserError } from '../errors.js';
import type { ContainerRef } from '../events.js';
import { resolveTargetSpec } from '../kube/target-spec.js';
import { selectContainer } from '../kube/target.js';
import type { EngineContext } from '../pipeline/dev-stages.js';
import type { Stage } from '../stage.js';
import { openTerminal, refLabel, type TerminalIO } from './open-terminal.js';

/** How `devspace dev` runs its terminal. */
export interface TerminalStageOptions {
  /** Where the session reads and writes (default: the process's stdin/stdout/stderr). */
  io?: TerminalIO;
  /** The command instead of `dev.terminal.command` (dev's positional arguments). */
  command?: string[];
  /** Called once with the exit code when the session is over; `dev` exits with it (v3.5). */
  onExit?: (code: number) => void;
  /** How long to wait for a running pod (default 120 s). */
  timeoutMs?: number;
}

// A session that dies sooner than this after opening does not earn an automatic reopen.
const MIN_HEALTHY_MS = 5000;

/**
 * The `terminal` stage of `devspace dev`: opens a shell in the
 * `dev.terminal` container and returns once it is connected. When the pod
 * is replaced under it (redeploy, eviction), a new shell opens in the new
 * pod instead of ending the session; the remote exit code goes to `onExit`.
 */
export function createTerminalStage(options: TerminalStageOptions = {}): Stage<EngineContext> {
  return {
    name: 'terminal',
    async run(ctx, signal) {
      const io = options.io ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      const dev = ctx.config.dev;
      const spec = resolveTargetSpec(dev?.terminal, dev?.selectors, ctx.kube.namespace);
      const command = options.command?.length ? options.command : terminalCommand(dev?.terminal);
      const kc = ctx.kube.kubeConfig;
      const ctl = new AbortController();
      const onAbort = (): void => ctl.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const select = (): Promise<ContainerRef> => selectContainer(kc, spec, { signal: ctl.signal, timeoutMs: options.timeoutMs ?? 120_000 });

      let wasOpen = false;
      let resolveOpen: () => void = () => {};
      let failOpen: (err: unknown) => void = () => {};
      const opened = new Promise<void>((resolve, reject) => {
        resolveOpen = resolve;
        failOpen = reject;
      });
      const markOpen = (): void => {
        wasOpen = true;
        resolveOpen();
      };
      const loop = async (): Promise<void> => {
        let target = await select();
        for (let reopened = false; ; reopened = true) {
          ctx.events.send('terminal:state', { target, state: 'opening' });
          if (reopened) io.stderr.write(`\r\n[devspace] opening a new shell in ${refLabel(target)}\r\n`);
          let since = Date.now();
          try {
            const code = await openTerminal(kc, target, command, io, ctl.signal, {
              noShell: { who: 'devspace dev', remedy: 'set dev.terminal.command to a program it has' },
              onOpen: () => {
                since = Date.now();
                ctx.events.send('terminal:state', { target, state: 'open' });
                markOpen();
              },
            });
            ctx.events.send('terminal:state', { target, state: 'closed', exitCode: code });
            // A shell killed because its pod went away (redeploy, eviction) is not the user's exit.
            if (!ctl.signal.aborted && Date.now() - since >= MIN_HEALTHY_MS && (await podGoing(kc, target))) {
              ctx.events.send('engine:warning', { scope: 'terminal', message: `pod ${target.pod} went away (exit ${code}); reconnecting` });
              target = await select();
              continue;
            }
            options.onExit?.(code);
            return;
          } catch (err) {
            ctx.events.send('terminal:state', { target, state: 'closed' });
            const lost = err instanceof UserError && /ended before the command finished/.test(err.message);
            if (ctl.signal.aborted || !lost || Date.now() - since < MIN_HEALTHY_MS) throw err;
            ctx.events.send('engine:warning', { scope: 'terminal', message: `${err.message}; reconnecting` });
            target = await select();
          }
        }
      };
      const session = loop().then(
        () => markOpen(),
        (err: unknown) => {
          // Before the first open the stage itself fails (and the pipeline reports it).
          if (!wasOpen) return failOpen(err);
          if (ctl.signal.aborted || isAbortError(err)) return;
          ctx.events.send('engine:error', { scope: 'terminal', message: err instanceof Error ? err.message : String(err) });
          options.onExit?.(err instanceof UserError ? err.exitCode : 1);
        },
      );
      await opened;
      return {
        stop: async () => {
          signal.removeEventListener('abort', onAbort);
          ctl.abort();
          await session;
        },
      };
    },
  };
}

/** Whether the pod is being deleted or already gone. */
async function podGoing(kc: KubeConfig, target: ContainerRef): Promise<boolean> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  try {
    const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: target.pod, namespace: target.namespace });
    return Boolean(pod.metadata?.deletionTimestamp);
  } catch (err) {
    return (err as { code?: number }).code === 404;
  }
}
