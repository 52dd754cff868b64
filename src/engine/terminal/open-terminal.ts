import querystring from 'node:querystring';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { ContainerRef } from '../events.js';
import { ChannelConnectError, openChannelSocket, pumpToChannel, WS_OPEN, type ChannelSocket } from '../kube/channel-socket.js';

/**
 * An interactive (or piped) command in a container over `pods/exec`: raw
 * mode and window size when stdin is a terminal, stdin EOF passed on, the
 * remote exit code returned. The terminal is restored on every way out.
 */

/** Streams a terminal session reads and writes (process.* in the CLI, anything stream-like elsewhere). */
export interface TerminalIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown; isRaw?: boolean };
  stdout: NodeJS.WritableStream & { columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

/** Optional tuning of a terminal session. */
export interface TerminalOptions {
  /** Ask for a remote TTY (default: when stdin is a terminal). */
  tty?: boolean;
  /** Called once the session is connected. */
  onOpen?: () => void;
  /** Who wanted a shell and how to do without one, for the message when the image has none. */
  noShell?: NoShellAdvice;
}

/** How the "the image has no shell" message names the asker and the way out. */
export interface NoShellAdvice {
  /** e.g. `devspace enter`. */
  who: string;
  /** e.g. `name a program it has: devspace enter -c app -- <command>`. */
  remedy: string;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

/** `pod:container`, the way `Opening shell to pod:container` prints it. */
export function refLabel(ref: ContainerRef): string {
  return `${ref.pod}:${ref.container}`;
}

/**
 * Run `command` in `target` wired to `io` until it exits; resolves with its
 * exit code. Rejects with a UserError when the exec cannot start or the
 * connection drops before the command ends, and with the abort reason when
 * `signal` aborts.
 */
export async function openTerminal(
  kc: KubeConfig,
  target: ContainerRef,
  command: string[],
  io: TerminalIO,
  signal: AbortSignal,
  opts: TerminalOptions = {},
): Promise<number> {
  const tty = opts.tty ?? io.stdin.isTTY === true;
  const qs = querystring.stringify({ stdout: true, stderr: !tty, stdin: true, tty, container: target.container, command });
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec?${qs}`;
  let status: V1Status | undefined;
  let ws: ChannelSocket | undefined;
  let outPaused = false;
  const write = (stream: NodeJS.WritableStream, data: Buffer): void => {
    if (!stream.write(data) && ws && !outPaused) {
      outPaused = true;
      ws.pause();
      stream.once('drain', () => {
        outPaused = false;
        ws?.resume();
      });
    }
  };
  const onFrame = (channel: number, data: Buffer): void => {
    if (channel === STDOUT) write(io.stdout, data);
    else if (channel === STDERR) write(io.stderr, data);
    else if (channel === STATUS) status = parseStatus(data);
  };
  try {
    ws = await openChannelSocket(kc, path, onFrame, signal);
  } catch (err) {
    throw connectError(err, target);
  }
  const socket = ws;
  opts.onOpen?.();

  const wasRaw = io.stdin.isRaw === true;
  const restore: Array<() => void> = [];
  try {
    if (tty && typeof io.stdin.setRawMode === 'function') {
      io.stdin.setRawMode(true);
      const unraw = (): void => void io.stdin.setRawMode?.(wasRaw);
      // Even a hard exit (second Ctrl-C, process.exit) must give the shell its cooked mode back.
      process.once('exit', unraw);
      restore.push(() => {
        process.off('exit', unraw);
        unraw();
      });
    }
    if (tty) restore.push(watchSize(io.stdout, socket));
    const stopPump = pumpToChannel(io.stdin, socket, STDIN, () => {
      // Only v5 can close stdin alone; older protocols keep it open rather than lose the output.
      if (socket.protocol === 'v5.channel.k8s.io' && socket.readyState === WS_OPEN) socket.send(Buffer.from([CLOSE, STDIN]));
    });
    restore.push(stopPump, () => io.stdin.pause());
    io.stdin.resume();

    await new Promise<void>((resolve) => {
      const onAbort = (): void => socket.close();
      socket.on('close', () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      socket.on('error', () => undefined);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    for (const undo of restore.reverse()) undo();
    if (socket.readyState === WS_OPEN) socket.terminate();
  }
  if (signal.aborted && !status) throw signal.reason ?? new DOMException('stopped', 'AbortError');
  return exitCodeOf(status, target, command, opts.noShell);
}

/** Send the terminal size now and on every resize; returns the unsubscribe. */
function watchSize(stdout: TerminalIO['stdout'], ws: ChannelSocket): () => void {
  const send = (): void => {
    if (!stdout.columns || !stdout.rows || ws.readyState !== WS_OPEN) return;
    ws.send(Buffer.concat([Buffer.from([RESIZE]), Buffer.from(JSON.stringify({ Width: stdout.columns, Height: stdout.rows }))]));
  };
  send();
  stdout.on('resize', send);
  return () => void stdout.off('resize', send);
}

function parseStatus(data: Buffer): V1Status | undefined {
  try {
    return JSON.parse(data.toString('utf8')) as V1Status;
  } catch {
    return undefined;
  }
}

/** Exit code from the final Status; failures to run at all become UserErrors (a missing shell says what the container needs). */
export function exitCodeOf(status: V1Status | undefined, target: ContainerRef, command: string[], noShell?: NoShellAdvice): number {
  const where = refLabel(target);
  if (!status) throw new UserError(`the connection to ${where} ended before the command finished (was the pod deleted or restarted?)`, 1);
  if (status.status === 'Success') return 0;
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (code !== undefined && /^\d+$/.test(code)) return Number(code);
  const message = (status.message ?? 'unknown error').replace(/\s+/g, ' ');
  const notFound = /executable file not found(?: in \$PATH)?|no such file or directory/i.exec(message);
  const program = command[0] ?? '';
  if (notFound && SHELLS.has(program.slice(program.lastIndexOf('/') + 1))) {
    const advice = noShell ? ` (${noShell.remedy})` : '';
    throw new UserError(`${noShell?.who ?? 'the terminal'} needs a shell in container ${target.container} of pod ${target.pod}; the image has no \`${program}\`${advice}`, 1);
  }
  if (notFound) throw new UserError(`cannot run \`${program}\` in ${where}: ${notFound[0]}`, 1);
  throw new UserError(`command failed to start in ${where}: ${message.slice(0, 300)}`, 1);
}

function connectError(err: unknown, target: ContainerRef): unknown {
  if (!(err instanceof ChannelConnectError)) return err;
  const where = refLabel(target);
  switch (err.status) {
    case 403:
      return new UserError(`not allowed to exec into pods in namespace ${target.namespace} (403 Forbidden)`, 1);
    case 404:
      return new UserError(`pod ${target.pod} not found in namespace ${target.namespace}`, 1);
    case 400:
      return new UserError(`the API server refused to exec into ${where} (400 Bad Request): is container ${target.container} running?`, 1, 'run `devspace analyze` for details');
    default:
      return new UserError(`cannot open a session in ${where}: ${err.message}`, 1);
  }
}
