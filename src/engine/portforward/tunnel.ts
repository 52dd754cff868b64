import type { Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { openChannelSocket, pumpToChannel, type ChannelSocket } from '../kube/channel-socket.js';

/**
 * One accepted TCP connection carried over its own `pods/portforward`
 * WebSocket (channel 0 data, channel 1 errors): the fallback for API
 * servers that cannot tunnel SPDY (see session-pool.ts). Unlike client-node's
 * PortForward it honours back-pressure in both directions (a 200 MB
 * download never piles up in memory) and keeps the tunnel open when the
 * local client half-closes, so the reply still arrives (k8s-js#459).
 */

/** The pod end of a tunnel. */
export interface TunnelTarget {
  namespace: string;
  pod: string;
  port: number;
}

/** How a tunnel ended. */
export interface TunnelResult {
  /** What the kubelet reported on the error channel, condensed to one line. */
  remoteError?: string;
  bytesIn: number;
  bytesOut: number;
}

/** An open tunnel. (A plain nested promise would be flattened by `await` into waiting for the end.) */
export interface Tunnel {
  /** Settles once both ends are closed. */
  readonly closed: Promise<TunnelResult>;
}

/** Cancellation and tuning of a tunnel. */
export interface TunnelOptions {
  signal?: AbortSignal;
  /**
   * How long a connection the local client has ended its side of stays open while nothing comes
   * from the pod (default 15 s): long enough for a slow reply to a half-closed request, short
   * enough that connections a client abandoned (keep-alive pools, closed tabs) go away.
   */
  halfOpenMs?: number;
}

/** Default of `TunnelOptions.halfOpenMs`. */
export const HALF_OPEN_MS = 15_000;

const DATA = 0;
const ERROR = 1;

/**
 * Connect `sock` to `target`. Rejects (without touching `sock`) when the
 * WebSocket cannot be opened, so the caller may retry against another pod;
 * otherwise resolves as soon as bytes flow.
 */
export async function openTunnel(kc: KubeConfig, sock: Socket, target: TunnelTarget, opts: TunnelOptions = {}): Promise<Tunnel> {
  const { signal } = opts;
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward?ports=${target.port}`;
  // Each channel's first message starts with the port number (2 bytes, little-endian).
  const prefixPending = [true, true];
  let errorText = '';
  let bytesIn = 0;
  let wsPaused = false;
  let ws: ChannelSocket | undefined;
  let onPodData: (() => void) | undefined;
  const early: Buffer[] = [];

  const deliver = (data: Buffer): void => {
    bytesIn += data.length;
    onPodData?.();
    if (sock.destroyed || sock.writableEnded) return;
    if (!sock.write(data) && ws && !wsPaused) {
      wsPaused = true;
      ws.pause();
      sock.once('drain', () => {
        wsPaused = false;
        ws?.resume();
      });
    }
  };
  const onFrame = (channel: number, data: Buffer): void => {
    if (channel > ERROR) return;
    if (prefixPending[channel]) {
      prefixPending[channel] = false;
      data = data.subarray(2);
    }
    if (data.length === 0) return;
    if (channel === ERROR) errorText += data.toString('utf8');
    else if (ws) deliver(data);
    else early.push(data);
  };

  ws = await openChannelSocket(kc, path, onFrame, signal);
  for (const chunk of early.splice(0)) deliver(chunk);
  const socket = ws;

  const closed = new Promise<TunnelResult>((resolve) => {
    let wsClosed = false;
    let sockClosed = sock.destroyed;
    let bytesOut = 0;
    let quiet: NodeJS.Timeout | undefined;
    const countOut = (chunk: Buffer): void => {
      bytesOut += chunk.length;
    };
    sock.on('data', countOut);
    // The local client ending its write side is not the end of the exchange: keep reading replies
    // until the pod has been quiet for a while (this protocol cannot pass a half-close on).
    const armQuiet = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => socket.close(), opts.halfOpenMs ?? HALF_OPEN_MS);
    };
    const stopPump = pumpToChannel(sock, socket, DATA, () => {
      onPodData = armQuiet;
      armQuiet();
    });

    const settle = (): void => {
      if (!wsClosed || !sockClosed) return;
      clearTimeout(quiet);
      stopPump();
      sock.off('data', countOut);
      signal?.removeEventListener('abort', onAbort);
      const remoteError = condenseError(errorText, target);
      resolve({ bytesIn, bytesOut, ...(remoteError ? { remoteError } : {}) });
    };
    const onAbort = (): void => {
      sock.destroy();
      socket.terminate();
    };
    socket.on('close', () => {
      wsClosed = true;
      clearTimeout(quiet);
      // The pod side is done: flush what we have, send FIN, then let go of the socket. A refused
      // connection is a reset, as it would be without the forward in between.
      if (!sock.destroyed) {
        if (errorText && bytesIn === 0) sock.resetAndDestroy();
        else sock.end(() => sock.destroy());
      }
      settle();
    });
    socket.on('error', () => sock.resetAndDestroy());
    sock.on('error', () => socket.terminate());
    sock.on('close', () => {
      sockClosed = true;
      // A paused WebSocket would never read the server's close frame; drop it outright then.
      if (!wsClosed && wsPaused) socket.terminate();
      else if (!wsClosed) socket.close();
      settle();
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // The listener accepted with pauseOnConnect; bytes flow once both ends are wired.
    sock.resume();
    // The client may have given up while the WebSocket was opening.
    if (sockClosed) socket.terminate();
    settle();
  });
  return { closed };
}

/** The kubelet's long error text, reduced to what a person can act on. */
export function condenseError(text: string, target: TunnelTarget): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/connection refused/i.test(t)) return `nothing listens on port ${target.port} in pod ${target.pod} (connection refused)`;
  if (/network namespace .* is closed|not found|no such/i.test(t)) return `pod ${target.pod} is gone (${t.slice(0, 120)})`;
  return t.replace(/\s+/g, ' ').slice(0, 200);
}
