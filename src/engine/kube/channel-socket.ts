import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * WebSocket connections to the channel-multiplexed pod sub-resources
 * (`exec`, `attach`, `portforward`): every binary message starts with one
 * channel byte. We connect through client-node's own handler (so every
 * kubeconfig auth method works) but handle the frames ourselves, which
 * gives us back-pressure, half-close and clean listener removal that the
 * stock PortForward/Exec helpers lack.
 */

/**
 * The parts of a `ws` WebSocket we use, for the sockets both
 * `openChannelSocket` and `connectWebSocket` return (client-node depends on
 * `ws`; @types/ws is not installed).
 */
export interface ChannelSocket {
  readonly protocol: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  pause(): void;
  resume(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  on(event: 'unexpected-response', fn: (req: { destroy(): void }, res: IncomingMessage) => void): this;
  on(event: 'upgrade', fn: (res: IncomingMessage) => void): this;
  once(event: 'open', fn: () => void): this;
  off(event: 'close' | 'error', fn: (...args: never[]) => void): this;
  removeAllListeners(event?: string): this;
}

/** WebSocket readyState values. */
export const WS_OPEN = 1;

/** A failed WebSocket upgrade, with the HTTP status when the server answered. */
export class ChannelConnectError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChannelConnectError';
  }
}

/** How long a WebSocket upgrade may take before we give up on it. */
export const CONNECT_TIMEOUT_MS = 30_000;

/** The error for an upgrade that got no answer within CONNECT_TIMEOUT_MS. */
export function connectTimeoutError(): ChannelConnectError {
  return new ChannelConnectError(`no answer from the API server within ${CONNECT_TIMEOUT_MS / 1000} s`);
}

/**
 * Open `path` (e.g. `/api/v1/namespaces/ns/pods/p/portforward?ports=80`) and
 * call `onFrame` with each binary message split into channel and payload.
 */
export async function openChannelSocket(
  kc: KubeConfig,
  path: string,
  onFrame: (channel: number, data: Buffer) => void,
  signal?: AbortSignal,
): Promise<ChannelSocket> {
  signal?.throwIfAborted();
  const { Exec } = await import('@kubernetes/client-node');
  const handler = new Exec(kc).handler;
  // client-node 1.4 answers a v5 CLOSE frame by ending the handler's `streams`, which default to
  // process.stdin/stdout/stderr; give it inert ones so a server frame can never end ours.
  const inert = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  if ('streams' in handler) (handler as unknown as { streams: typeof inert }).streams = inert;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let gaveUp = false;
  const connecting = handler.connect(path, null, (channel, data) => {
    onFrame(channel, data);
    return true;
  }) as unknown as Promise<ChannelSocket>;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(connectTimeoutError()), CONNECT_TIMEOUT_MS);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([connecting, giveUp]);
  } catch (err) {
    gaveUp = true;
    throw toConnectError(err);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // A socket that opens after we gave up must not linger.
    void connecting.then((ws) => gaveUp && ws.terminate(), () => undefined);
  }
}

function toConnectError(err: unknown): unknown {
  if (err instanceof ChannelConnectError || (err instanceof Error && err.name === 'AbortError')) return err;
  // ws reports a refused upgrade as "Unexpected server response: 403" (an ErrorEvent or an Error).
  const inner = (err as { error?: unknown }).error ?? err;
  const message = inner instanceof Error ? inner.message : String((err as { message?: unknown }).message ?? err);
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  return new ChannelConnectError(message.split('\n')[0] ?? 'connection failed', status ? Number(status) : undefined);
}

/** One message for `channel`: the channel byte, then the payload. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  body.copy(out, 1);
  return out;
}

// Stop reading the source once this much waits in the WebSocket's send buffer.
const HIGH_WATER = 1 << 20;

/**
 * Copy `source` into `channel` of `ws`, pausing the source while the socket
 * has more than 1 MiB queued. Returns a function that stops copying.
 */
export function pumpToChannel(source: NodeJS.ReadableStream, ws: ChannelSocket, channel: number, onEnd?: () => void): () => void {
  let paused = false;
  const onSent = (): void => {
    if (paused && ws.bufferedAmount < HIGH_WATER / 4) {
      paused = false;
      source.resume();
    }
  };
  const onData = (chunk: Buffer | string): void => {
    if (ws.readyState !== WS_OPEN) return;
    ws.send(frame(channel, chunk), onSent);
    if (!paused && ws.bufferedAmount > HIGH_WATER) {
      paused = true;
      source.pause();
    }
  };
  const onSourceEnd = (): void => onEnd?.();
  source.on('data', onData);
  source.on('end', onSourceEnd);
  return () => {
    source.off('data', onData);
    source.off('end', onSourceEnd);
  };
}
