import type { KubeConfig } from '@kubernetes/client-node';
import type { ChannelSocket } from './channel-socket.js';
import * as F from './spdy-frames.js';
import { SpdyStream, type StreamEvents } from './spdy-stream.js';
import { connectWebSocket } from './websocket.js';

export { SpdyStream, type StreamEvents } from './spdy-stream.js';

/**
 * One SPDY/3.1 session tunnelled through one WebSocket to
 * `pods/portforward`, the way kubectl 1.30+ talks to the API server
 * (`SPDY/3.1+portforward.k8s.io`; the API server passes the bytes on to
 * the kubelet). Every forwarded TCP connection is a pair of streams on it,
 * so a new connection costs one round trip instead of a TLS handshake,
 * an upgrade and an API server → kubelet hop.
 *
 * The kubelet's SPDY (moby/spdystream) has no flow control, so a stream
 * whose local reader falls behind can only be held up by pausing the
 * whole WebSocket; `stalled` tells the pool to route new connections to a
 * fresh session meanwhile.
 */

/** The WebSocket subprotocol of SPDY tunnelled over WebSocket for port forwarding. */
export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** Tuning and notifications of a session. */
export interface SessionOptions {
  signal?: AbortSignal;
  /** Keep-alive ping period; idle streaming connections are cut after minutes by many proxies (default 10 s). */
  pingMs?: number;
  /** No reply to a ping and no byte received for this long means the peer is gone (default 30 s). */
  deadAfterMs?: number;
  /** The session carries no stream any more. */
  onIdle?(session: SpdySession): void;
  /** The session ended (by us, the server or a failure). */
  onClose?(session: SpdySession, reason: string): void;
}

const HIGH_WATER = 1 << 20;
const LOW_WATER = HIGH_WATER / 4;
// A session paused this long for one slow reader should not take new connections.
const STALL_MS = 200;
const LAST_STREAM_ID = 0x7fffffff;

/** A SPDY session to one pod's `portforward` sub-resource. */
export class SpdySession {
  private ws!: ChannelSocket;
  private readonly reader: F.FrameReader;
  private readonly headers = new F.HeaderBlockWriter();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly blocked = new Set<SpdyStream>();
  private readonly drainWaiters = new Set<() => void>();
  private nextStreamId = 1;
  private nextRequest = 0;
  private nextPing = 1;
  private pingSentAt = 0;
  private lastReceivedAt = Date.now();
  private pausedAt = 0;
  private goneAway = false;
  private closeReason: string | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private cleanupAbort: () => void = () => undefined;

  private constructor(private readonly opts: SessionOptions) {
    this.reader = new F.FrameReader({
      data: (id, chunk, fin) => this.onData(id, chunk, fin),
      control: (type, flags, payload) => this.onControl(type, flags, payload),
    });
  }

  /** Open a session to `pods/<pod>/portforward` of `namespace`. */
  static async open(kc: KubeConfig, namespace: string, pod: string, opts: SessionOptions = {}): Promise<SpdySession> {
    const session = new SpdySession(opts);
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward`;
    const ws = await connectWebSocket(kc, path, [TUNNEL_PROTOCOL], (data) => session.receive(data), opts.signal);
    session.attach(ws);
    return session;
  }

  /** Attach an open WebSocket (the constructor half of `open`, public for tests with a fake socket). */
  static over(ws: ChannelSocket, opts: SessionOptions = {}): { session: SpdySession; receive(data: Buffer): void } {
    const session = new SpdySession(opts);
    session.attach(ws);
    return { session, receive: (data) => session.receive(data) };
  }

  private attach(ws: ChannelSocket): void {
    this.ws = ws;
    ws.on('close', (code) => this.ended(`the API server closed the port-forward connection (${code})`));
    ws.on('error', (err) => this.fail(`port-forward connection failed: ${err.message}`));
    const pingMs = this.opts.pingMs ?? 10_000;
    const deadAfter = this.opts.deadAfterMs ?? 30_000;
    this.pinger = setInterval(() => this.keepAlive(deadAfter), pingMs);
    this.pinger.unref();
    const onAbort = (): void => this.close();
    this.opts.signal?.addEventListener('abort', onAbort, { once: true });
    this.cleanupAbort = () => this.opts.signal?.removeEventListener('abort', onAbort);
  }

  /** True while new streams may be opened. */
  get usable(): boolean {
    return this.closeReason === undefined && !this.goneAway && this.nextStreamId < LAST_STREAM_ID - 4;
  }

  /** Incoming data has been held up for a while by a slow local reader. */
  get stalled(): boolean {
    return this.pausedAt !== 0 && Date.now() - this.pausedAt > STALL_MS;
  }

  /** Open streams (a forwarded connection holds two). */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Why the session ended, once it has. */
  get closed(): string | undefined {
    return this.closeReason;
  }

  /** A request id pairing a connection's data and error streams on the kubelet. */
  nextRequestId(): string {
    return String(this.nextRequest++);
  }

  /** Open a stream; `fin` when we will never send on it (the error stream). */
  openStream(headers: Readonly<Record<string, string>>, events: StreamEvents, fin = false): SpdyStream {
    if (!this.usable) throw new Error(`port-forward connection is ${this.closeReason ? 'closed' : 'going away'}`);
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, events);
    stream.localDone = fin;
    this.streams.set(id, stream);
    this.send(F.synStream(id, this.headers.encode(headers), fin));
    return stream;
  }

  /** Call `fn` once the WebSocket's send backlog has drained. */
  onDrain(fn: () => void): void {
    if (this.ws.bufferedAmount < LOW_WATER || this.closeReason !== undefined) fn();
    else this.drainWaiters.add(fn);
  }

  /** Say goodbye and close; every open stream ends. */
  close(): void {
    if (this.closeReason !== undefined) return;
    this.send(F.goAway(0));
    this.ws.close(1000);
    // Should the server never answer the close handshake, do not let the socket hold the process.
    setTimeout(() => this.ws.terminate(), 2000).unref();
    this.ended('port-forward connection closed');
  }

  /** @internal */
  sendData(id: number, chunk: Buffer): boolean {
    for (let o = 0; o < chunk.length; o += F.MAX_FRAME_PAYLOAD) this.send(F.dataFrame(id, chunk.subarray(o, o + F.MAX_FRAME_PAYLOAD)));
    return this.ws.bufferedAmount < HIGH_WATER;
  }

  /** @internal */
  sendEnd(stream: SpdyStream): void {
    this.send(F.dataFrame(stream.id, Buffer.alloc(0), true));
    stream.localDone = true;
    if (stream.remoteDone && this.streams.get(stream.id) === stream) this.forget(stream);
  }

  /** @internal */
  block(stream: SpdyStream, on: boolean): void {
    if (on) this.blocked.add(stream);
    else this.blocked.delete(stream);
    if (on && this.blocked.size === 1) {
      this.pausedAt = Date.now();
      this.ws.pause();
    } else if (!on && this.blocked.size === 0 && this.pausedAt) {
      this.pausedAt = 0;
      this.ws.resume();
    }
  }

  /** @internal */
  release(stream: SpdyStream): void {
    if (this.streams.get(stream.id) !== stream) return;
    if (!(stream.localDone && stream.remoteDone)) this.send(F.rstStream(stream.id, F.RST_CANCEL));
    stream.localDone = stream.remoteDone = true;
    this.forget(stream);
  }

  private forget(stream: SpdyStream): void {
    if (this.blocked.has(stream)) this.block(stream, false);
    this.streams.delete(stream.id);
    if (this.streams.size === 0) {
      if (this.goneAway) this.close();
      else this.opts.onIdle?.(this);
    }
  }

  private send(frame: Buffer): void {
    if (this.ws?.readyState !== 1) return;
    this.ws.send(frame, this.sent);
  }

  private readonly sent = (): void => {
    if (this.drainWaiters.size === 0 || this.ws.bufferedAmount >= LOW_WATER) return;
    const waiters = [...this.drainWaiters];
    this.drainWaiters.clear();
    for (const fn of waiters) fn();
  };

  private receive(data: Buffer): void {
    this.lastReceivedAt = Date.now();
    if (this.closeReason !== undefined) return;
    try {
      this.reader.push(data);
    } catch (err) {
      this.fail(`port-forward protocol error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private onData(id: number, chunk: Buffer, fin: boolean): void {
    const stream = this.streams.get(id);
    if (!stream || stream.remoteDone) return;
    if (chunk.length) stream.events.onData?.(chunk);
    if (fin) this.remoteEnd(stream, false);
  }

  private onControl(type: number, flags: number, p: Buffer): void {
    switch (type) {
      case F.SYN_REPLY: {
        const stream = this.streams.get(p.readUInt32BE(0) & LAST_STREAM_ID);
        if (!stream || stream.replied) return;
        stream.replied = true;
        stream.events.onReply?.();
        if (flags & F.FLAG_FIN) this.remoteEnd(stream, false);
        return;
      }
      case F.RST_STREAM: {
        const stream = this.streams.get(p.readUInt32BE(0) & LAST_STREAM_ID);
        if (stream) this.remoteEnd(stream, true, `reset by the kubelet (status ${p.readUInt32BE(4)})`);
        return;
      }
      case F.PING: {
        const id = p.readUInt32BE(0);
        if (id % 2 === 0) this.send(F.ping(id)); // the server's: echo it
        else this.pingSentAt = 0; // ours came back
        return;
      }
      case F.GOAWAY:
        this.goneAway = true;
        if (this.streams.size === 0) this.close();
        return;
      case F.SYN_STREAM:
        // Port forwarding never has the server open streams.
        this.send(F.rstStream(p.readUInt32BE(0) & LAST_STREAM_ID, F.RST_REFUSED_STREAM));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE (spdystream has no flow control), HEADERS: nothing to do.
        return;
    }
  }

  private remoteEnd(stream: SpdyStream, reset: boolean, reason?: string): void {
    if (stream.remoteDone) return;
    stream.remoteDone = true;
    if (reset) stream.localDone = true;
    stream.events.onEnd?.(reset, reason);
    if (stream.localDone && this.streams.get(stream.id) === stream) this.forget(stream);
  }

  private keepAlive(deadAfterMs: number): void {
    // While a slow reader holds the WebSocket paused, the answer cannot be read; that is not a dead peer.
    if (this.pausedAt) {
      this.pingSentAt = 0;
      return;
    }
    const now = Date.now();
    if (this.pingSentAt && now - this.pingSentAt > deadAfterMs && this.lastReceivedAt < this.pingSentAt) {
      this.fail(`no answer from the API server for ${Math.round(deadAfterMs / 1000)} s`);
      return;
    }
    if (this.pingSentAt) return;
    this.pingSentAt = now;
    this.send(F.ping(this.nextPing));
    this.nextPing = this.nextPing > LAST_STREAM_ID - 2 ? 1 : this.nextPing + 2;
  }

  private fail(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.ended(reason);
    this.ws.terminate();
  }

  private ended(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    clearInterval(this.pinger);
    this.cleanupAbort();
    const open = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    for (const s of open) {
      if (s.remoteDone) continue;
      s.remoteDone = s.localDone = true;
      s.events.onEnd?.(true, reason);
    }
    for (const fn of this.drainWaiters) fn();
    this.drainWaiters.clear();
    this.opts.onClose?.(this, reason);
  }
}
