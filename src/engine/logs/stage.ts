import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { DevspaceConfig } from '../config/index.js';
import type { ContainerRef } from '../events.js';
import { watchPods, type PodWatch } from '../kube/pod-watch.js';
import { hasSelector, resolveTargetSpec } from '../kube/target-spec.js';
import { selectorString, type TargetSpec } from '../kube/target.js';
import type { EngineContext } from '../pipeline/dev-stages.js';
import type { Stage } from '../stage.js';
import { LogBatcher } from './batcher.js';
import { followLog } from './follow.js';

/** Tuning for the logs stage. */
export interface LogsStageOptions {
  /** Past lines shown for pods already running when dev starts (default 100); new pods show everything. */
  tailLines?: number;
  /** Batch interval for `logs:lines` (default 50 ms). */
  batchMs?: number;
}

/**
 * The pods whose logs `dev` streams: those of `dev.terminal`, every
 * `dev.selectors` entry and every `dev.ports`/`dev.sync` entry, once each;
 * with no selector anywhere, every pod of the namespace.
 */
export function logTargets(config: DevspaceConfig, namespace: string): TargetSpec[] {
  const dev = config.dev ?? {};
  const selectors = dev.selectors;
  const specs = [
    resolveTargetSpec(dev.terminal, selectors, namespace),
    ...(selectors ?? []).map((s) => resolveTargetSpec({ selector: s.name }, selectors, namespace)),
    ...(dev.ports ?? []).map((p) => resolveTargetSpec(p, selectors, namespace)),
    ...(dev.sync ?? []).map((s) => resolveTargetSpec(s, selectors, namespace)),
  ];
  const withSelector = specs.filter(hasSelector);
  const chosen = withSelector.length ? withSelector : [{ namespace: specs[0]!.namespace }];
  const seen = new Set<string>();
  return chosen.filter((s) => {
    const key = `${s.namespace}|${s.pod ?? ''}|${selectorString(s.labelSelector)}|${s.container ?? '*'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The `logs` stage of `devspace dev`: follows every container of the
 * selected pods (new pods as they appear, restarts included) and emits
 * batched `logs:lines` plus `logs:state` events.
 */
export function createLogsStage(options: LogsStageOptions = {}): Stage<EngineContext> {
  return {
    name: 'logs',
    async run(ctx, signal) {
      const ctl = new AbortController();
      const onAbort = (): void => ctl.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const batcher = new LogBatcher(ctx.events, options.batchMs ?? 50);
      const following = new Set<string>();
      const warned = new Set<string>();
      const kc = ctx.kube.kubeConfig;

      for (const spec of logTargets(ctx.config, ctx.kube.namespace)) {
        const watch = watchPods(kc, spec, { signal: ctl.signal });
        let initial = true;
        watch.on('synced', () => void (initial = false));
        watch.on('problem', (message) => {
          if (warned.has(message)) return;
          warned.add(message);
          ctx.events.send('engine:warning', { scope: 'logs', message });
        });
        watch.on('pod', (type, pod) => {
          if (type === 'DELETED' || !followable(pod)) return;
          const tailLines = initial ? (options.tailLines ?? 100) : undefined;
          for (const container of containersOf(pod, spec)) {
            const ref: ContainerRef = { namespace: spec.namespace, pod: pod.metadata!.name!, container };
            const key = `${ref.namespace}/${ref.pod}/${ref.container}`;
            if (following.has(key)) continue;
            following.add(key);
            void follow(kc, ref, watch, tailLines, batcher, ctx, ctl.signal);
          }
        });
      }
      const stop = async (): Promise<void> => {
        signal.removeEventListener('abort', onAbort);
        ctl.abort();
        batcher.flush();
      };
      return { stop };
    },
  };
}

async function follow(
  kc: KubeConfig,
  ref: ContainerRef,
  watch: PodWatch,
  tailLines: number | undefined,
  batcher: LogBatcher,
  ctx: EngineContext,
  signal: AbortSignal,
): Promise<void> {
  const state = (s: 'streaming' | 'waiting' | 'ended', reason?: string): void => {
    batcher.flush();
    ctx.events.send('logs:state', { source: ref, state: s, ...(reason ? { reason } : {}) });
  };
  try {
    await followLog(kc, ref, {
      signal,
      follow: true,
      ...(tailLines !== undefined ? { tailLines } : {}),
      podWatch: watch,
      onLines: (lines) => batcher.add(ref, lines),
      onState: state,
    });
  } catch (err) {
    if (!signal.aborted) state('ended', err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
}

/** Pods worth following: not finished and not on their way out. */
function followable(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed' && Boolean(pod.metadata?.name);
}

function containersOf(pod: V1Pod, spec: TargetSpec): string[] {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  return spec.container ? names.filter((n) => n === spec.container) : names;
}
