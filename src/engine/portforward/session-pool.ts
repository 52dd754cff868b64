import type { Socket } from 'node:net';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { ChannelConnectError } from '../kube/channel-socket.js';
import { SpdySession } from '../kube/spdy-session.js';
import { openStreamTunnel } from './stream-tunnel.js';
import { openTunnel, type Tunnel, type TunnelOptions, type TunnelTarget } from './tunnel.js';

/**
 * The port-forward connections of one forward, per pod: one SPDY session
 * (one WebSocket) carries every TCP connection to that pod. A session is
 * opened as soon as a pod is selected, so even the first connection only
 * costs a stream round trip; sessions of pods no longer selected close
 * once their last connection ends. API servers that cannot tunnel SPDY
 * (before Kubernetes 1.30, or with the PortForwardWebsockets gate off) get
 * one `v4.channel.k8s.io` WebSocket per connection instead.
 */

/** How connections reach the pod: `auto` (shared SPDY session, else one WebSocket each) or `channel` (always one WebSocket each). */
export type ForwardProtocol = 'auto' | 'channel';

interface PodSessions {
  name: string;
  current?: SpdySession;
  opening?: Promise<SpdySession>;
}

/** How a pool reaches pods and reports. */
export interface PoolOptions extends TunnelOptions {
  signal: AbortSignal;
  protocol?: ForwardProtocol | undefined;
  /** A problem worth a line that does not stop the forward (the fallback to one WebSocket per connection). */
  onWarning?: (message: string) => void;
}

/** Sessions of one forward; `close()` ends them all. */
export class SessionPool {
  private readonly pods = new Map<string, PodSessions>();
  private readonly retired = new Set<SpdySession>();
  private keep: string | undefined;
  private channelOnly: boolean;

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly opts: PoolOptions,
  ) {
    this.channelOnly = opts.protocol === 'channel';
  }

  /**
   * Connect `sock` to `port` in `pod`. Rejects with a ChannelConnectError,
   * before reading from `sock`, when the pod cannot be reached (the caller
   * may try another pod).
   */
  async tunnel(sock: Socket, pod: V1Pod, port: number): Promise<Tunnel> {
    const target: TunnelTarget = { namespace: this.namespace, pod: pod.metadata!.name!, port };
    if (this.channelOnly) return openTunnel(this.kc, sock, target, this.opts);
    let session: SpdySession;
    try {
      session = await this.session(pod);
    } catch (err) {
      if (!(err instanceof ChannelConnectError) || err.status === undefined) throw err;
      // The server answered but would not tunnel; if the per-connection WebSocket works, use that from now on.
      const tunnel = await openTunnel(this.kc, sock, target, this.opts);
      if (!this.channelOnly) {
        this.channelOnly = true;
        this.opts.onWarning?.(`the API server cannot tunnel port forwards over one connection (${err.message}); using one WebSocket per connection, which is slower`);
      }
      return tunnel;
    }
    return openStreamTunnel(session, sock, target, this.opts);
  }

  /** Open the session for a newly selected `pod` ahead of its first connection; retire other pods' sessions. */
  select(pod: V1Pod | undefined): void {
    const uid = pod?.metadata?.uid;
    if (uid === this.keep) return;
    this.keep = uid;
    for (const [uid, entry] of this.pods) {
      if (uid === this.keep) continue;
      this.pods.delete(uid);
      if (entry.current) this.retire(entry.current);
      void entry.opening?.then((s) => this.retire(s), () => undefined);
    }
    if (pod && !this.channelOnly && !this.opts.signal.aborted) void this.session(pod).catch(() => undefined);
  }

  /** Close every session (their connections end). */
  close(): void {
    for (const entry of this.pods.values()) entry.current?.close();
    for (const s of this.retired) s.close();
    this.pods.clear();
    this.retired.clear();
  }

  /** A usable session for `pod`, sharing one that is being opened. */
  private async session(pod: V1Pod): Promise<SpdySession> {
    const uid = pod.metadata?.uid ?? pod.metadata!.name!;
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { name: pod.metadata!.name! };
      this.pods.set(uid, entry);
    }
    const now = entry.current;
    if (now?.usable && !now.stalled) return now;
    if (now) {
      // Gone away, failed, out of stream ids, or held up by a slow reader: new connections go to a fresh one.
      entry.current = undefined;
      this.retire(now);
    }
    const e = entry;
    e.opening ??= SpdySession.open(this.kc, this.namespace, e.name, {
      signal: this.opts.signal,
      onIdle: (s) => {
        if (this.retired.has(s)) s.close();
      },
      onClose: (s) => {
        this.retired.delete(s);
        if (e.current === s) e.current = undefined;
      },
    }).then(
      (s) => {
        e.opening = undefined;
        if (this.pods.get(uid) === e && !s.closed) e.current = s;
        else this.retire(s);
        return s;
      },
      (err: unknown) => {
        e.opening = undefined;
        throw err;
      },
    );
    return e.opening;
  }

  private retire(s: SpdySession): void {
    if (s.closed) return;
    if (s.streamCount === 0) s.close();
    else this.retired.add(s);
  }
}
