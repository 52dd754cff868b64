import type { ContainerRef } from '../../engine/events.js';
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
 * log stream, across container restarts, until the pod is gone or Ctrl-C.
 */
export const runLogs: CommandRun = (opts, _args, io) =>
  withSignals(async (signal) => {
    const flags = opts as LogsFlags;
    const { kube, spec, pick } = await resolveCommandTarget(io, flags, signal);
    const { chooseContainer, selectTargetPod } = await import('../../engine/kube/target.js');
    const { followLog } = await import('../../engine/logs/follow.js');
    const kc = kube.kubeConfig;
    const pod = await selectTargetPod(kc, spec, { signal, ...(pick ? { pick } : {}) });
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    // Several containers and no -c: show them all, each with its own prefix (an explicit -p still asks).
    const containers = spec.container || names.length === 1 || pick ? [await chooseContainer(pod, spec.container, pick)] : names;
    const refs = containers.map((container): ContainerRef => ({ namespace: spec.namespace, pod: pod.metadata!.name!, container }));
    const prefix = makePrefixer(io);
    const tailLines = flags.lines ?? 200;
    const follow = flags.follow === true;
    const note = (text: string): void => void io.stderr.write(`${text}\n`);

    await Promise.all(
      refs.map(async (ref) => {
        let printed = 0;
        let waiting = false;
        await followLog(kc, ref, {
          signal,
          follow,
          tailLines,
          onLines: (lines) => {
            printed += lines.length;
            const p = prefix(ref);
            io.stdout.write(`${lines.map((l) => p + l).join('\n')}\n`);
          },
          onState: (state, reason) => {
            const who = `${ref.pod}/${ref.container}`;
            if (state === 'waiting' && !waiting) note(`[devspace] ${who}: ${reason ?? 'not running'}; waiting for it to run again`);
            if (state === 'streaming' && waiting) note(`[devspace] ${who}: running again`);
            if (state === 'ended') note(`[devspace] ${who}: ${reason ?? 'ended'}`);
            waiting = state === 'waiting';
          },
        });
        if (!follow && printed === 0 && tailLines > 0) note(`[devspace] ${ref.pod}/${ref.container} has not logged anything yet`);
      }),
    );
    return 0;
  });
