import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { ContainerRef } from '../../engine/events.js';
import type { Picker, TargetSpec } from '../../engine/kube/target.js';
import type { CliIO, CommandRun } from '../program.js';
import { resolveCommandTarget, withSignals, type TargetCliFlags } from './enter.js';

/** The flags of `devspace logs` after commander parsed them. */
interface LogsFlags extends TargetCliFlags {
  follow?: boolean;
  lines?: number;
}

// Prefix colours, one per container, in the order they first print.
const PALETTE = ['36', '35', '33', '32', '34', '96', '95', '93'];

/** `[pod/NAME/CONTAINER] ` (kubectl's --prefix form), coloured when the output is a terminal. */
export function makePrefixer(io: Pick<CliIO, 'stdout' | 'env'>): (ref: ContainerRef) => string {
  const color = io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const assigned = new Map<string, string>();
  return (ref) => {
    const key = `${ref.pod}/${ref.container}`;
    let prefix = assigned.get(key);
    if (!prefix) {
      const text = `[pod/${ref.pod}/${ref.container}]`;
      prefix = color ? `\u001b[${PALETTE[assigned.size % PALETTE.length]}m${text}\u001b[0m ` : `${text} `;
      assigned.set(key, prefix);
    }
    return prefix;
  };
}

/**
 * `devspace logs`: print the last `--lines` lines of the selected pod's
 * containers (all of them unless `-c` says one), then with `-f` follow the
 * log stream across container restarts. When the pod goes (a rollout, a
 * delete) and it was chosen by labels, follow its replacement from its first
 * line, as the dev log pane does; a pod named with `--pod` ends the command.
 */
export const runLogs: CommandRun = (opts, _args, io) =>
  withSignals(async (signal) => {
    const flags = opts as LogsFlags;
    const { kube, spec, pick } = await resolveCommandTarget(io, flags, signal);
    const { selectTargetPod } = await import('../../engine/kube/target.js');
    const kc = kube.kubeConfig;
    const follow = flags.follow === true;
    const prefix = makePrefixer(io);
    const note = (text: string): void => void io.stderr.write(`${text}\n`);
    let pod = await selectTargetPod(kc, spec, { signal, ...(pick ? { pick } : {}) });
    let tailLines: number | undefined = flags.lines ?? 200;
    for (;;) {
      await printPodLogs(io, pod, { kc, spec, pick, follow, tailLines, signal, prefix, note });
      if (!follow || signal.aborted || spec.pod || !spec.labelSelector) return 0;
      const gone = pod.metadata!.name!;
      if (await stillRunning(kc, spec.namespace, gone)) return 0;
      note(`[devspace] pod ${gone} is gone; waiting for its replacement`);
      const next = await selectTargetPod(kc, spec, { signal }).catch((err: unknown) => {
        if (signal.aborted) return undefined;
        throw err;
      });
      if (!next || next.metadata?.name === gone) return 0;
      pod = next;
      note(`[devspace] following ${pod.metadata!.name}`);
      // A replacement is new: all of its log, so nothing between the two pods is lost.
      tailLines = undefined;
    }
  });

interface PrintOptions {
  kc: KubeConfig;
  spec: TargetSpec;
  pick: Picker | undefined;
  follow: boolean;
  tailLines: number | undefined;
  signal: AbortSignal;
  prefix: (ref: ContainerRef) => string;
  note: (text: string) => void;
}

/** One pod's containers, each with its prefix, until they end (at once without follow). */
async function printPodLogs(io: CliIO, pod: V1Pod, o: PrintOptions): Promise<void> {
  const { chooseContainer } = await import('../../engine/kube/target.js');
  const { followLog } = await import('../../engine/logs/follow.js');
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  // Several containers and no -c: show them all, each with its own prefix (an explicit -p still asks).
  const containers = o.spec.container || names.length === 1 || o.pick ? [await chooseContainer(pod, o.spec.container, o.pick)] : names;
  const refs = containers.map((container): ContainerRef => ({ namespace: o.spec.namespace, pod: pod.metadata!.name!, container }));
  await Promise.all(
    refs.map(async (ref) => {
      let printed = 0;
      let waiting = false;
      await followLog(o.kc, ref, {
        signal: o.signal,
        follow: o.follow,
        ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
        onLines: (lines) => {
          printed += lines.length;
          const p = o.prefix(ref);
          io.stdout.write(`${lines.map((l) => p + l).join('\n')}\n`);
        },
        onState: (state, reason) => {
          const who = `${ref.pod}/${ref.container}`;
          if (state === 'waiting' && !waiting) o.note(`[devspace] ${who}: ${reason ?? 'not running'}; waiting for it to run again`);
          if (state === 'streaming' && waiting) o.note(`[devspace] ${who}: running again`);
          if (state === 'ended') o.note(`[devspace] ${who}: ${reason ?? 'ended'}`);
          waiting = state === 'waiting';
        },
      });
      if (!o.follow && printed === 0 && (o.tailLines ?? 1) > 0) o.note(`[devspace] ${ref.pod}/${ref.container} has not logged anything yet`);
    }),
  );
}

/** True while the pod exists and is not being deleted. */
async function stillRunning(kc: KubeConfig, namespace: string, name: string): Promise<boolean> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name, namespace }).catch(() => undefined);
  return pod !== undefined && !pod.metadata?.deletionTimestamp;
}
