import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { ChannelConnectError, CONNECT_TIMEOUT_MS, connectTimeoutError, type ChannelSocket } from './channel-socket.js';

/**
 * A WebSocket to an API server path with subprotocols of our choosing
 * (client-node's handler offers only the `channel.k8s.io` family). It is
 * built from the same kubeconfig options client-node uses, so every auth
 * method and proxy setting applies, and it surfaces a refused upgrade as
 * the server's own one-line reason.
 */

type WebSocketClass = new (url: string, protocols: string[], options: object) => ChannelSocket;

let wsClass: Promise<WebSocketClass> | undefined;

/** `ws` as client-node itself resolves it (it is client-node's dependency, not ours). */
function loadWebSocket(): Promise<WebSocketClass> {
  return (wsClass ??= (async () => {
    const { createRequire } = await import('node:module');
    const fromHere = createRequire(import.meta.url);
    return createRequire(fromHere.resolve('@kubernetes/client-node'))('ws') as WebSocketClass;
  })());
}

/**
 * Open `path` on the current cluster offering `protocols`; `onMessage` is
 * attached before the socket opens so no message can be missed. Rejects
 * with a ChannelConnectError carrying the HTTP status when the server
 * answered (101 when it upgraded without agreeing to a protocol).
 */
export async function connectWebSocket(
  kc: KubeConfig,
  path: string,
  protocols: string[],
  onMessage: (data: Buffer) => void,
  signal?: AbortSignal,
): Promise<ChannelSocket> {
  signal?.throwIfAborted();
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new ChannelConnectError('no cluster is defined in the kubeconfig');
  const url = server.replace(/^http/, 'ws').replace(/\/+$/, '') + path;
  const opts: Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(opts);
  const WebSocket = await loadWebSocket();
  signal?.throwIfAborted();
  // `ws` only accepts RFC 6455 tokens as subprotocols, and `SPDY/3.1+portforward.k8s.io` has a slash. So we
  // offer them in a header ourselves and check the answer in 'upgrade', which ws emits before its own check.
  const headers = { ...(opts.headers as Record<string, string> | undefined), 'Sec-WebSocket-Protocol': protocols.join(', ') };
  const ws = new WebSocket(url, [], { ...opts, headers, perMessageDeflate: false });
  let agreed: string | undefined;
  ws.on('upgrade', (res) => {
    agreed = res.headers['sec-websocket-protocol'];
    delete res.headers['sec-websocket-protocol'];
  });
  ws.on('message', onMessage);
  return new Promise<ChannelSocket>((resolve, reject) => {
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) return resolve(ws);
      ws.removeAllListeners('message');
      ws.terminate();
      reject(err);
    };
    const onAbort = (): void => settle(signal?.reason);
    const timer = setTimeout(() => settle(connectTimeoutError()), CONNECT_TIMEOUT_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Errors after the open belong to whoever uses the socket; this keeps a late one from crashing us.
    ws.on('error', (err) => settle(new ChannelConnectError(firstLine(err.message))));
    ws.on('unexpected-response', (req, res) => {
      void readReason(res).then((reason) => {
        req.destroy();
        settle(new ChannelConnectError(`${res.statusCode} ${reason}`.trim(), res.statusCode));
      });
    });
    ws.once('open', () => {
      if (agreed !== undefined && protocols.includes(agreed)) settle();
      else settle(new ChannelConnectError(`the API server did not agree to ${protocols.join(' or ')} (it answered ${agreed ?? 'none'})`, 101));
    });
  });
}

/** The message of a refused upgrade: a Status object's `message`, else the body's first line. */
async function readReason(res: IncomingMessage): Promise<string> {
  let body = '';
  try {
    for await (const chunk of res) {
      body += String(chunk);
      if (body.length > 4096) break;
    }
  } catch {
    // The body is a nicety; the status alone will do.
  }
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return firstLine(status.message);
  } catch {
    // Not JSON: the kubelet and proxies answer in plain text.
  }
  return firstLine(body || res.statusMessage || '');
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().slice(0, 300);
}
