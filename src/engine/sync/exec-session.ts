import { PassThrough, type Readable } from 'node:stream';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import type { ContainerRef } from '../events.js';

/**
 * One `exec` into a container with flow control in both directions, which
 * client-node's Exec lacks: stdin frames are sent by us and awaited (so a
 * 100 MB upload never piles up in memory), the socket is paused while the
 * stdout consumer is behind, and output is read to the very end.
 */
export interface ExecSession {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Send bytes to the process's stdin; resolves once handed to the socket. */
  write(data: Buffer | string): Promise<void>;
  /** How the session ended: exit code, or `lost` when the connection dropped without one. */
  readonly exit: Promise<ExecExit>;
  /** Close the connection (the remote process sees EOF on stdin). */
  close(): void;
}

export interface ExecExit {
  code: number | null;
  /** The API server's message for a failure, or why the connection ended. */
  message?: string;
  /** True when the connection closed without an exit status (pod gone, network). */
  lost: boolean;
}

/** The parts of the `ws` WebSocket this module uses. */
interface Socket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(): void;
  terminate?(): void;
  pause?(): void;
  resume?(): void;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}

const FRAME = 256 * 1024;
const OPEN = 1;

/**
 * Start `command` in the container; rejects when the exec cannot be opened (with the server's reason).
 *
 * client-node's Exec ends stdout and closes the socket as soon as the exit status arrives. Under
 * backpressure the API server can send that status before the last stdout frames, which then get
 * dropped (seen here as tars cut short by megabytes). So this drives the socket itself through the
 * library's WebSocketHandler (auth, TLS, subprotocols) and reads until the server closes it.
 */
export async function openExec(kc: KubeConfig, ref: ContainerRef, command: string[], signal?: AbortSignal): Promise<ExecSession> {
  signal?.throwIfAborted();
  const { Exec } = await import('@kubernetes/client-node');
  const stdout = new PassThrough({ highWaterMark: 1 << 20 });
  const stderr = new PassThrough();
  let ws: Socket | undefined;
  let status: V1Status | undefined;
  let closing = false;
  const deliver = (target: PassThrough, chunk: Buffer): void => {
    if (closing || target.writableEnded) return;
    if (!target.write(chunk) && ws?.pause) {
      ws.pause();
      target.once('drain', () => ws?.resume?.());
    }
  };
  const query = new URLSearchParams({ stdout: 'true', stderr: 'true', stdin: 'true', tty: 'false', container: ref.container });
  for (const part of command) query.append('command', part);
  const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}/exec?${query}`;
  let socket: Socket;
  try {
    // Exec's handler is the library's WebSocketHandler: it knows how to authenticate to this cluster.
    socket = (await new Exec(kc).handler.connect(path, null, (channel, data) => {
      if (channel === 1) deliver(stdout, data);
      else if (channel === 2) deliver(stderr, data);
      else if (channel === 3) status = JSON.parse(data.toString('utf8')) as V1Status;
      return true; // keep reading: the server closes the socket once every stream is flushed
    })) as unknown as Socket;
  } catch (err) {
    throw new Error(`cannot exec in ${ref.pod}/${ref.container}: ${describeWsError(err)}`);
  }
  ws = socket;
  const exit = new Promise<ExecExit>((resolve) => {
    socket.on('error', () => undefined);
    socket.on('close', (_code, reason) => {
      stdout.end();
      stderr.end();
      if (status) resolve(exitFromStatus(status));
      else resolve({ code: null, lost: true, message: reason?.length ? reason.toString() : 'connection closed' });
    });
  });
  // Output nobody reads any more is dropped, and a socket paused for a slow reader is resumed, so the
  // close handshake completes at once instead of after ws's 30 s timeout (e.g. a tar given up mid-stream).
  const close = (): void => {
    if (closing) return;
    closing = true;
    socket.resume?.();
    socket.close();
    const force = setTimeout(() => socket.terminate?.(), 5000);
    force.unref();
    void exit.then(() => clearTimeout(force));
  };
  const onAbort = (): void => close();
  signal?.addEventListener('abort', onAbort, { once: true });
  void exit.then(() => signal?.removeEventListener('abort', onAbort));
  return {
    stdout,
    stderr,
    exit,
    close,
    async write(data) {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < buf.length; off += FRAME) {
        if (socket.readyState !== OPEN) throw new Error('exec connection closed');
        const part = buf.subarray(off, off + FRAME);
        const frame = Buffer.allocUnsafe(part.length + 1);
        frame[0] = 0; // channel 0: stdin
        part.copy(frame, 1);
        await new Promise<void>((resolve, reject) => socket.send(frame, (err) => (err ? reject(err) : resolve())));
      }
    },
  };
}

function exitFromStatus(s: V1Status): ExecExit {
  if (s.status === 'Success') return { code: 0, lost: false };
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number(cause.message) : null;
  return { code: Number.isFinite(code) ? code : null, lost: false, ...(s.message ? { message: s.message } : {}) };
}

/** The ws library rejects with an ErrorEvent-like object; turn it into one line. */
export function describeWsError(err: unknown): string {
  const e = err as { message?: string; error?: { message?: string } };
  const text = e?.error?.message ?? e?.message ?? String(err);
  return text.split('\n')[0]!;
}
