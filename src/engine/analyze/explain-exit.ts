import type { V1Container, V1ContainerStateTerminated } from '@kubernetes/client-node';
import { clip } from './text.js';

/** Why a container stopped, in plain words, and what to do about it. */
export interface Explanation {
  why: string;
  hint: string;
}

const LOGS = 'its last log lines (below) usually say why';

function commandOf(spec: V1Container | undefined): string | undefined {
  const argv = [...(spec?.command ?? []), ...(spec?.args ?? [])];
  return argv.length ? argv.join(' ') : undefined;
}

/** A container that could not even be started (exit 128, StartError): usually the command. */
export function explainStartFailure(message: string, spec: V1Container | undefined): Explanation {
  const cmd = commandOf(spec);
  const what = cmd ? `the command \`${clip(cmd, 80)}\`` : "the image's ENTRYPOINT/CMD";
  const why = `it could not be started: ${clip(message.replace(/^.*?unable to start container process: /, ''), 300)}`;
  if (/executable file not found|no such file or directory/i.test(message)) {
    return { why, hint: `${what} does not exist in the image: fix command/args in the manifest (or the Dockerfile's ENTRYPOINT/CMD), or add the program to the image` };
  }
  if (/permission denied/i.test(message)) {
    return { why, hint: `${what} is not executable in the image: \`chmod +x\` it in the Dockerfile, or start it through a shell` };
  }
  if (/exec format error/i.test(message)) {
    return { why, hint: 'the program was built for another CPU architecture (e.g. arm64 vs amd64) or lacks a #! line: rebuild the image for the nodes\' platform' };
  }
  return { why, hint: `check ${what}, the working directory and the volume mounts of the container` };
}

/**
 * Explain one termination: OOM kills, probe kills, a finished main
 * process, a missing command, signals, and ordinary error exits.
 * `probeFailure` is the message of a failed liveness/startup probe, when an
 * event says that is why kubelet killed the container.
 */
export function explainExit(
  t: V1ContainerStateTerminated,
  spec: V1Container | undefined,
  opts: { willRestart: boolean; probeFailure?: string },
): Explanation {
  const code = t.exitCode;
  const reason = t.reason ?? '';
  if (reason === 'OOMKilled') {
    const limit = spec?.resources?.limits?.memory;
    return {
      why: `it ran out of memory and was killed (OOMKilled${limit ? `, limit ${limit}` : ''})`,
      hint: `raise resources.limits.memory${limit ? ` above ${limit}` : ''} for this container, or find out why the program needs so much memory`,
    };
  }
  if (reason === 'StartError' || reason === 'ContainerCannotRun' || (code === 128 && t.message)) {
    return explainStartFailure(t.message ?? reason, spec);
  }
  if (opts.probeFailure !== undefined) {
    const detail = opts.probeFailure ? `: ${clip(opts.probeFailure, 200)}` : '';
    return {
      why: `Kubernetes killed it (exit code ${code}) because its liveness or startup probe failed${detail}`,
      hint: 'make the probe check something the app really serves (path, port), and give a slow start more time (initialDelaySeconds, a startupProbe, failureThreshold)',
    };
  }
  if (code === 0) {
    return opts.willRestart
      ? {
          why: 'its main process finished (exit code 0), and containers of this pod are restarted whenever they stop',
          hint: 'a container in a Deployment must keep running: start a long-running process (a server, or `sleep 3600` while developing), or use a Job for one-off tasks',
        }
      : { why: 'it finished successfully', hint: 'nothing to fix' };
  }
  const sig = t.signal ?? (code > 128 && code < 160 ? code - 128 : undefined);
  if (code === 126) return { why: 'its command is not executable (exit code 126)', hint: 'check the file permissions of the command in the image (`chmod +x`)' };
  if (code === 127) {
    return { why: 'its command was not found (exit code 127)', hint: `the shell could not find a program it was asked to run; check command/args and the PATH of the image; ${LOGS}` };
  }
  if (sig === 9) {
    return {
      why: `it was killed with SIGKILL (exit code ${code})`,
      hint: 'usually the memory limit (the kernel kills the process) or a failing liveness probe; check resources.limits.memory and the probes',
    };
  }
  if (sig === 15) return { why: `it was stopped with SIGTERM (exit code ${code})`, hint: `something asked it to stop; if it was not a rollout or a delete, ${LOGS}` };
  if (sig === 11) return { why: `it crashed with a segmentation fault (exit code ${code})`, hint: `a bug in the program or a native library; ${LOGS}` };
  if (sig === 6) return { why: `it aborted (SIGABRT, exit code ${code})`, hint: `the program gave up on an internal error; ${LOGS}` };
  const label = reason && reason !== 'Error' ? ` (${reason})` : '';
  return { why: `its program exited with code ${code}${label}`, hint: `the program failed on its own: ${LOGS}; fix the cause and redeploy` };
}
