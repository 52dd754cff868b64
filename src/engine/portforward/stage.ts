import type { EngineContext } from '../pipeline/dev-stages.js';
import { resolveTargetSpec } from '../kube/target-spec.js';
import type { Stage } from '../stage.js';
import { startPortForward, type ForwardHandle } from './forwarder.js';

/**
 * The `ports` stage of `devspace dev`: one forward per `dev.ports` entry,
 * each following its pods across restarts and rollouts. It returns once
 * every port listens; a taken port fails the stage with a UserError that
 * names the key to change.
 */
export function createPortsStage(): Stage<EngineContext> {
  return {
    name: 'ports',
    async run(ctx, signal) {
      const entries = ctx.config.dev?.ports ?? [];
      const selectors = ctx.config.dev?.selectors;
      const handles: ForwardHandle[] = [];
      const stopAll = async (): Promise<void> => {
        await Promise.all(handles.map((h) => h.close()));
      };
      try {
        for (const [i, entry] of entries.entries()) {
          const target = resolveTargetSpec(entry, selectors, ctx.kube.namespace);
          handles.push(
            await startPortForward(
              ctx.kube.kubeConfig,
              { target, forward: entry.forward },
              {
                signal,
                configPath: `dev.ports[${i}]`,
                onState: (s) => ctx.events.send('portforward:state', s),
                onWarning: (message) => ctx.events.send('engine:warning', { scope: `portforward:${i}`, message }),
              },
            ),
          );
        }
      } catch (err) {
        await stopAll();
        throw err;
      }
      return { stop: stopAll };
    },
  };
}
