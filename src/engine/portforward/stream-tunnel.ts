import type { Socket } from 'node:net';
import { ChannelConnectError } from '../kube/channel-socket.js';
import type { SpdySession, SpdyStream } from '../kube/spdy-session.js';
import { condenseError, HALF_OPEN_MS, type Tunnel, type TunnelOptions, type TunnelResult, type TunnelTarget } from './tunnel.js';

/**
 * One accepted TCP connection carried as a data + error stream pair on a
 * shared SPDY session (kubectl's protocol), with the same contract as
 * `openTunnel`: back-pressure both ways, a reset reaches the local client
 * as a reset, and a local half-close is passed on only once the pod has
 * been quiet for `halfOpenMs` (containerd closes the pod connection a
 * second after a FIN, which would cut a slower reply short).
 */

// Bytes a slow local reader may have queued before the whole session waits for it.
const LOCAL_BUFFER = 1 << 20;
const REPLY_TIMEOUT_MS = 30_000;
const ERROR_GRACE_MS = 1000;

/**
 * Connect `sock` to `target` over `session`. Rejects with a
 * ChannelConnectError (before reading anything from `sock`) when the
 * kubelet does not accept the streams; otherwise resolves as soon as bytes
 * flow.
 */
export async function openStreamTunnel(session: SpdySession, sock: Socket, target: TunnelTarget, opts: TunnelOptions = {}): Promise<Tunnel> {
  const { signal } = opts;
  signal?.throwIfAborted();
  if (!session.usable) throw new ChannelConnectError(session.closed ?? 'port-forward connection is going away');
  const headers = { port: String(target.port), requestid: session.nextRequestId() };
  let errorText = '';
  let bytesIn = 0;
  let onPodData: (() => void) | undefined;
  let remoteEnd: ((reset: boolean) => void) | undefined;
  let refuse: ((reason: string) => void) | undefined;
  let blocked = false;
  // How the pod side ended. containerd ends the data stream *before* it writes a failure on the error
  // stream (and ends that one right after), so a clean end waits for the error stream's verdict.
  let dataEnd: boolean | undefined;
  let errorEnded = false;
  let ended = false;
  let lingering: NodeJS.Timeout | undefined;
  const podEnded = (): void => {
    if (dataEnd === undefined || ended || !remoteEnd) return;
    if (!dataEnd && !errorText && !errorEnded) {
      lingering ??= setTimeout(() => ((errorEnded = true), podEnded()), ERROR_GRACE_MS);
      return;
    }
    clearTimeout(lingering);
    ended = true;
    remoteEnd(dataEnd);
  };

  const errorStream = session.openStream(
    { streamtype: 'error', ...headers },
    {
      onData: (c) => {
        errorText += c.toString('utf8');
        podEnded();
      },
      onEnd: () => {
        errorEnded = true;
        podEnded();
      },
    },
    true,
  );
  const unblock = (): void => {
    blocked = false;
    data.unblockReceive();
  };
  const data: SpdyStream = session.openStream(
    { streamtype: 'data', ...headers },
    {
      onData(chunk) {
        bytesIn += chunk.length;
        onPodData?.();
        if (sock.destroyed || sock.writableEnded) return;
        sock.write(chunk);
        if (!blocked && sock.writableLength > LOCAL_BUFFER) {
          blocked = true;
          data.blockReceive();
          sock.once('drain', unblock);
        }
      },
      onEnd(reset, reason) {
        if (!data.replied) return refuse?.(reason ?? 'the kubelet refused the port-forward stream');
        dataEnd = reset;
        podEnded();
      },
    },
  );
  const release = (): void => {
    data.release();
    errorStream.release();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ChannelConnectError(`no answer from the kubelet within ${REPLY_TIMEOUT_MS / 1000} s`)), REPLY_TIMEOUT_MS);
      const onAbort = (): void => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      refuse = (reason) => {
        done();
        reject(new ChannelConnectError(reason));
      };
      if (data.replied) return resolve(done());
      data.events.onReply = () => {
        done();
        resolve();
      };
    });
  } catch (err) {
    release();
    throw err;
  }

  const closed = new Promise<TunnelResult>((resolve) => {
    let bytesOut = 0;
    let waitingDrain = false;
    let quiet: NodeJS.Timeout | undefined;
    const resume = (): void => {
      waitingDrain = false;
      if (!sock.destroyed) sock.resume();
    };
    const onLocalData = (chunk: Buffer): void => {
      bytesOut += chunk.length;
      if (!data.write(chunk) && !waitingDrain) {
        waitingDrain = true;
        sock.pause();
        session.onDrain(resume);
      }
    };
    // After the client's FIN, wait for the pod to go quiet before passing it on.
    const armQuiet = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => data.end(), opts.halfOpenMs ?? HALF_OPEN_MS);
    };
    const onLocalEnd = (): void => {
      onPodData = armQuiet;
      armQuiet();
    };
    const onAbort = (): void => {
      sock.destroy();
    };
    remoteEnd = (reset) => {
      clearTimeout(quiet);
      clearTimeout(lingering);
      if (sock.destroyed) return;
      // A reset, a failure (refused, or the pod's connection reset) or a lost session must not look
      // like a complete reply (a body that ends with the connection would be silently cut short).
      if (reset || errorText) sock.resetAndDestroy();
      else sock.end(() => sock.destroy());
    };
    const finish = (): void => {
      clearTimeout(quiet);
      clearTimeout(lingering);
      sock.off('data', onLocalData);
      sock.off('end', onLocalEnd);
      signal?.removeEventListener('abort', onAbort);
      release();
      const remoteError = condenseError(errorText, target);
      resolve({ bytesIn, bytesOut, ...(remoteError ? { remoteError } : {}) });
    };
    // The client may have given up while the streams were being set up.
    if (sock.closed) return finish();
    sock.on('data', onLocalData);
    sock.once('end', onLocalEnd);
    sock.on('error', () => sock.destroy());
    sock.once('close', finish);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // The pod side may have ended before the local side was wired (right behind the reply).
    podEnded();
    // The listener accepted with pauseOnConnect; bytes flow once both ends are wired.
    if (!sock.destroyed) sock.resume();
  });
  return { closed };
}
