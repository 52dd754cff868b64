import { isAbortError, UserError } from '../../engine/errors.js';
import type { StartingPod } from '../../engine/analyze/analyze.js';
import type { CliIO, CommandRun } from '../program.js';
import { SIGNAL_EXIT_CODES, trapSignals } from '../signals.js';

/** The flags of `devspace analyze` after commander parsed them. */
interface AnalyzeFlags {
  namespace?: string;
  kubeContext?: string;
  labelSelector?: string;
  /** `--no-wait` sets this to false. */
  wait?: boolean;
  timeout?: string;
  json?: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `120`, `90s`, `2m`, `1.5m`, `500ms` → milliseconds; anything else is a usage error (exit 2). */
export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 120_000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's']! : NaN;
  if (!Number.isFinite(ms) || ms > 24 * UNITS.h!) {
    throw new UserError(`invalid --timeout "${value}": expected a duration such as 120, 90s or 2m (at most 24h)`, 2);
  }
  return Math.round(ms);
}

/** Project settings analyze honours when there is a devspace.yaml: the cluster block and image registries. */
async function projectSettings(io: CliIO, flags: AnalyzeFlags): Promise<{ cluster?: { kubeContext?: string; namespace?: string }; registries: string[] }> {
  const { findProjectRoot, loadConfig } = await import('../../engine/config/index.js');
  if (!(await findProjectRoot(io.cwd))) return { registries: [] };
  try {
    const { config } = await loadConfig({ cwd: io.cwd, env: io.env, interactive: false });
    const { registryOf } = await import('../../engine/analyze/explain-start.js');
    const registries = Object.values(config.images ?? {}).flatMap((i) => (i?.image ? [registryOf(i.image)] : []));
    const c = config.cluster;
    const cluster = { ...(c?.kubeContext ? { kubeContext: c.kubeContext } : {}), ...(c?.namespace ? { namespace: c.namespace } : {}) };
    return { cluster, registries };
  } catch (err) {
    // Without -n the namespace may come from the config, so a broken config must stop us; with -n it is only a warning.
    if (!flags.namespace || !(err instanceof UserError)) throw err;
    io.stderr.write(`warning: ignoring devspace.yaml (${err.message.split('\n')[0]})\n`);
    return { registries: [] };
  }
}

/** The one progress line while pods start: redrawn in place on a terminal, printed once otherwise. */
function progressLine(io: CliIO): { update(pods: StartingPod[], elapsedMs: number, timeoutMs: number): void; clear(): void } {
  const tty = io.stderr.isTTY === true;
  let shown = false;
  return {
    update(pods, elapsedMs, timeoutMs) {
      const list = pods.slice(0, 3).map((p) => `${p.name} (${p.status})`).join(', ') + (pods.length > 3 ? `, +${pods.length - 3} more` : '');
      const what = `${pods.length} pod${pods.length === 1 ? '' : 's'} still starting: ${list}`;
      if (tty) {
        const line = `waiting for ${what} … ${Math.round(elapsedMs / 1000)} s of ${Math.round(timeoutMs / 1000)} s`;
        io.stderr.write(`\r\u001b[2K${line.slice(0, Math.max(20, (io.stderr.columns ?? 100) - 1))}`);
      } else if (!shown) {
        io.stderr.write(`waiting up to ${Math.round(timeoutMs / 1000)} s for ${what}\n`);
      }
      shown = true;
    },
    clear() {
      if (tty && shown) io.stderr.write('\r\u001b[2K');
      shown = false;
    },
  };
}

function useColor(io: CliIO): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

/**
 * `devspace analyze`: report what is wrong in the namespace, grouped by pod,
 * or as JSON with `--json`. Works with or without a devspace.yaml. Exit 0
 * when nothing is wrong, 1 when something is, 2 for usage errors.
 */
export const runAnalyze: CommandRun = async (opts, _args, io) => {
  const flags = opts as AnalyzeFlags;
  const timeoutMs = parseTimeout(flags.timeout);
  const labelSelector = flags.labelSelector?.trim();
  if (flags.labelSelector !== undefined && !labelSelector) throw new UserError('invalid --label-selector "": expected key=value[,key2=value2]', 2);

  const controller = new AbortController();
  const trap = trapSignals(controller);
  const progress = progressLine(io);
  try {
    const project = await projectSettings(io, flags);
    const { resolveKubeTarget } = await import('../../engine/kube/context.js');
    const kube = await resolveKubeTarget({
      ...(flags.kubeContext ? { kubeContext: flags.kubeContext } : {}),
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      ...(project.cluster ? { cluster: project.cluster } : {}),
      env: io.env,
    });
    const { analyze, formatReport } = await import('../../engine/analyze/index.js');
    const result = await analyze(kube.kubeConfig, kube.namespace, {
      wait: flags.wait !== false,
      timeoutMs,
      signal: controller.signal,
      ...(labelSelector ? { labelSelector } : {}),
      pullableRegistries: project.registries,
      onWaiting: (pods, elapsed, total) => progress.update(pods, elapsed, total),
    });
    progress.clear();
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ namespace: result.namespace, findings: result.findings }, null, 2)}\n`);
    } else {
      const width = io.stdout.isTTY === true ? io.stdout.columns : undefined;
      io.stdout.write(formatReport({ ...result, ...(labelSelector ? { labelSelector } : {}) }, { color: useColor(io), ...(width ? { width } : {}) }));
    }
    return result.findings.length > 0 ? 1 : 0;
  } catch (err) {
    progress.clear();
    if (trap.received && (isAbortError(err) || controller.signal.aborted)) return SIGNAL_EXIT_CODES[trap.received];
    throw err;
  } finally {
    trap.dispose();
  }
};
