import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import * as F from '../../../src/engine/kube/spdy-frames.js';
import { TUNNEL_PROTOCOL } from '../../../src/engine/kube/spdy-session.js';

// A stand-in API server + kubelet for port forwarding: SPDY tunnelled over
// WebSocket (Kubernetes ≥ 1.30) unless `tunnel: false`, and the per-connection
// `v4.channel.k8s.io` WebSocket. Every forwarded connection is an echo server;
// port 9999 refuses like a closed port; a connection whose data contains
// "bye" gets FIN after the echo, one with "flood" 32 MiB of "x"; a FIN from
// the client ends both streams right away (containerd does so a second later).

interface WsLike {
  send(data: Buffer): void;
  close(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: () => void): void;
}
const fromClientNode = createRequire(createRequire(import.meta.url).resolve('@kubernetes/client-node'));
const { WebSocketServer } = fromClientNode('ws') as {
  WebSocketServer: new (opts: object) => {
    handleUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsLike) => void): void;
    on(event: 'headers', fn: (headers: string[]) => void): void;
    close(): void;
  };
};

/** What the fake saw. */
export interface FakeApiServer {
  kc: KubeConfig;
  /** Every upgrade request: its path and the subprotocols offered. */
  upgrades: Array<{ path: string; protocols: string[] }>;
  /** Per SPDY session, in order: whether it was closed, and the FIN flags we received on data streams. */
  sessions: Array<{ pod: string; closed: boolean; dataFins: number; resets: number }>;
  close(): Promise<void>;
}

export async function fakeApiServer(opts: { tunnel?: boolean } = {}): Promise<FakeApiServer> {
  const tunnel = opts.tunnel ?? true;
  const upgrades: FakeApiServer['upgrades'] = [];
  const sessions: FakeApiServer['sessions'] = [];
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered: Set<string>) => (offered.has('x-spdy') ? 'x-spdy' : offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  });
  // ws only speaks RFC 6455 tokens; put the real tunnelling protocol name back in the answer.
  wss.on('headers', (headers) => {
    const i = headers.indexOf('Sec-WebSocket-Protocol: x-spdy');
    if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`;
  });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    upgrades.push({ path: req.url ?? '', protocols });
    const spdy = protocols.includes(TUNNEL_PROTOCOL);
    if (spdy && !tunnel) {
      // What the kubelet behind an API server without the tunnelling handler answers.
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nunable to upgrade: unable to negotiate protocol');
      return;
    }
    if (spdy) req.headers['sec-websocket-protocol'] = 'x-spdy';
    const pod = /\/pods\/([^/]+)\/portforward/.exec(req.url ?? '')?.[1] ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => (spdy ? serveSpdy(ws, pod, sessions) : serveChannel(ws, req.url ?? '')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
    currentContext: 'c',
  });
  return {
    kc,
    upgrades,
    sessions,
    close: async () => {
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x80030000 | type) >>> 0, 0);
  head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([head, body]);
}

const FLOOD = Buffer.alloc(64 * 1024, 'x');

function serveSpdy(ws: WsLike, pod: string, sessions: FakeApiServer['sessions']): void {
  const record = { pod, closed: false, dataFins: 0, resets: 0 };
  sessions.push(record);
  ws.on('close', () => (record.closed = true));
  const replies = new F.HeaderBlockWriter();
  // The peer's header blocks form one zlib stream; inflate all so far and take the new part.
  const blocks: Buffer[] = [];
  let inflated = 0;
  const readHeaders = (block: Buffer): Record<string, string> => {
    blocks.push(block);
    const all = zlib.inflateSync(Buffer.concat(blocks), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const raw = all.subarray(inflated);
    inflated = all.length;
    const h: Record<string, string> = {};
    let o = 4;
    for (let i = 0; i < raw.readUInt32BE(0); i++) {
      const kl = raw.readUInt32BE(o);
      const vl = raw.readUInt32BE(o + 4 + kl);
      h[raw.subarray(o + 4, o + 4 + kl).toString()] = raw.subarray(o + 8 + kl, o + 8 + kl + vl).toString();
      o += 8 + kl + vl;
    }
    return h;
  };
  const pairs = new Map<string, { error?: number; data?: number; port: number }>();
  /** Open data streams and their error stream. */
  const dataStreams = new Map<number, number>();
  const finish = (id: number): void => {
    const errorId = dataStreams.get(id);
    if (errorId === undefined) return;
    dataStreams.delete(id);
    ws.send(F.dataFrame(id, Buffer.alloc(0), true));
    ws.send(F.dataFrame(errorId, Buffer.alloc(0), true));
  };
  const reader = new F.FrameReader({
    data(id, chunk, fin) {
      if (!dataStreams.has(id)) return;
      if (chunk.length) ws.send(F.dataFrame(id, chunk));
      if (chunk.includes('flood')) for (let i = 0; i < 512; i++) ws.send(F.dataFrame(id, FLOOD));
      if (chunk.includes('bye')) finish(id);
      if (fin) {
        record.dataFins++;
        finish(id);
      }
    },
    control(type, _flags, p) {
      if (type === F.PING && p.readUInt32BE(0) % 2 === 1) ws.send(F.ping(p.readUInt32BE(0)));
      if (type === F.RST_STREAM) {
        record.resets++;
        dataStreams.delete(p.readUInt32BE(0));
      }
      if (type !== F.SYN_STREAM) return;
      const id = p.readUInt32BE(0);
      const h = readHeaders(p.subarray(10));
      const reply = Buffer.alloc(4);
      reply.writeUInt32BE(id);
      ws.send(control(F.SYN_REPLY, 0, Buffer.concat([reply, replies.encode({})])));
      const pair = pairs.get(h.requestid!) ?? { port: Number(h.port) };
      pairs.set(h.requestid!, pair);
      if (h.streamtype === 'data') pair.data = id;
      else pair.error = id;
      if (pair.data === undefined || pair.error === undefined) return;
      pairs.delete(h.requestid!);
      if (pair.port === 9999) {
        ws.send(F.dataFrame(pair.error, Buffer.from('error forwarding port 9999 to pod x: dial tcp4 127.0.0.1:9999: connect: connection refused')));
        ws.send(F.rstStream(pair.data, F.RST_CANCEL));
        ws.send(F.rstStream(pair.error, F.RST_CANCEL));
      } else dataStreams.set(pair.data, pair.error);
    },
  });
  ws.on('message', (data) => reader.push(data));
}

function serveChannel(ws: WsLike, url: string): void {
  const port = Number(new URL(url, 'http://x').searchParams.get('ports'));
  const prefix = (channel: number): Buffer => Buffer.from([channel, port & 0xff, port >> 8]);
  ws.send(prefix(0));
  ws.send(prefix(1));
  if (port === 9999) {
    ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('dial tcp4 127.0.0.1:9999: connect: connection refused')]));
    ws.close();
    return;
  }
  ws.on('message', (data) => {
    if (data[0] === 0) ws.send(data);
  });
}
