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
    try {
      return await openStreamTunnel(session, sock, target, this.opts);
    } finally {
      // A session opened for a pod that is no longer selected goes once its connections end.
      this.sweep();
    }
  }

  /** Open the session for a newly selected `pod` ahead of its first connection; retire other pods' sessions. */
  select(pod: V1Pod | undefined): void {
    const key = pod && podKey(pod);
    if (key === this.keep) return;
    this.keep = key;
    this.sweep();
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
    const key = podKey(pod);
    let entry = this.pods.get(key);
    if (!entry) {
      entry = { name: pod.metadata!.name! };
      this.pods.set(key, entry);
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
        if (this.pods.get(key) === e) e.current = s;
        else {
          // The pod was deselected meanwhile: whoever waits still gets the session (their streams open as
          // they resume), and it goes once those connections end, or right away if nobody waited.
          this.retired.add(s);
          setImmediate(() => this.sweep());
        }
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

  /** Retire the sessions of pods other than the selected one, and close retired ones nobody uses. */
  private sweep(): void {
    for (const [key, entry] of this.pods) {
      if (key === this.keep) continue;
      this.pods.delete(key);
      if (entry.current) this.retired.add(entry.current);
    }
    for (const s of this.retired) {
      if (s.closed) this.retired.delete(s);
      else if (s.streamCount === 0) s.close();
    }
  }
}

function podKey(pod: V1Pod): string {
  // By uid: a StatefulSet's replacement pod has the old one's name.
  return pod.metadata?.uid ?? pod.metadata?.name ?? '';
}
