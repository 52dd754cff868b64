import { setMaxListeners } from 'node:events';
import type net from 'node:net';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { DEFAULT_BIND_ADDRESS } from '../config/index.js';
import type { EngineEvents, ForwardState } from '../events.js';
import { ChannelConnectError } from '../kube/channel-socket.js';
import { watchPods, type PodWatch } from '../kube/pod-watch.js';
import type { TargetSpec } from '../kube/target.js';
import { closeServer, hostPort, listen } from './listen.js';
import { SessionPool, type ForwardProtocol } from './session-pool.js';

/**
 * Local ports forwarded to whichever pod a TargetSpec currently selects.
 * A pod watch drives the switch: when the pod is deleted, replaced or its
 * container stops, new connections go to the next usable pod at once and
 * connections that arrive while none is usable wait for one.
 */

/** One forwarded port: `port` locally, `remotePort` (default: same) in the pod. */
export interface PortMappingSpec {
  port: number;
  remotePort?: number | undefined;
  /** Default 127.0.0.1; `0.0.0.0` for every interface. */
  bindAddress?: string | undefined;
}

/** Which pods to forward to and which ports. */
export interface ForwardSpec {
  target: TargetSpec;
  forward: readonly PortMappingSpec[];
}

/** One `portforward:state` payload (a forward per local listener). */
export type ForwardStateEvent = EngineEvents['portforward:state'][0];

/** Cancellation, reporting and tuning of one forward. */
export interface ForwardOptions {
  signal?: AbortSignal;
  /** Where the forward is configured, e.g. `dev.ports[0]`, so errors name the key to change. */
  configPath?: string;
  /** State changes and connection counts, shaped as `portforward:state` payloads. */
  onState?: (state: ForwardStateEvent) => void;
  /** Problems worth a line that do not change the state (e.g. nothing listens on the pod port). */
  onWarning?: (message: string) => void;
  /** How long a new connection waits for a usable pod before it is dropped (default 30 s). */
  holdMs?: number;
  /** Reuse a pod watch (it stays open on close); by default one is started and owned. */
  podWatch?: PodWatch;
  /** `channel` forces one WebSocket per connection, what API servers without SPDY tunnelling get (default `auto`). */
  protocol?: ForwardProtocol;
  /** How long a connection the local client has ended its side of stays open with nothing coming from the pod (default 15 s). */
  halfOpenMs?: number;
}

/** A running forward; `close()` stops listening and drops every connection. */
export interface ForwardHandle {
  /** What is listening, with the actual port when `port` 0 was asked for. */
  readonly listeners: ReadonlyArray<{ bindAddress: string; port: number; remotePort: number }>;
  /** The pod new connections go to, if any. */
  readonly pod: string | undefined;
  /** Open connections across all ports. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Listener {
  id: string;
  bindAddress: string;
  port: number;
  remotePort: number;
  server?: net.Server;
  sockets: Set<net.Socket>;
  state: ForwardState;
  error?: string;
  /** uid of the pod the last state named, so a switch to another pod is reported. */
  pod?: string | undefined;
}

const COUNT_THROTTLE_MS = 100;

/**
 * Listen on every mapping (failing with a UserError if a port is taken),
 * then forward each accepted connection to the selected pod as a stream
 * of one shared connection per pod. Resolves once listening; the pod may
 * come later.
 */
export async function startPortForward(kc: KubeConfig, spec: ForwardSpec, opts: ForwardOptions = {}): Promise<ForwardHandle> {
  const ctl = new AbortController();
  const stop = (): void => ctl.abort(new DOMException('port forward closed', 'AbortError'));
  opts.signal?.addEventListener('abort', stop, { once: true });
  const signal = ctl.signal;
  // Every open connection listens for the stop; there may be hundreds.
  setMaxListeners(0, signal);
  const holdMs = opts.holdMs ?? 30_000;
  const listeners: Listener[] = spec.forward.map((m) => {
    const bindAddress = m.bindAddress ?? DEFAULT_BIND_ADDRESS;
    return { id: hostPort(bindAddress, m.port), bindAddress, port: m.port, remotePort: m.remotePort ?? m.port, sockets: new Set(), state: 'starting' };
  });
  const warned = new Map<string, number>();
  let everReady = false;
  // Watch first: a connection may arrive while later ports are still being bound.
  const ownWatch = !opts.podWatch;
  const pods: PodWatch = opts.podWatch ?? watchPods(kc, spec.target, { signal });
  let countTimer: NodeJS.Timeout | undefined;
  const pool = new SessionPool(kc, spec.target.namespace, {
    signal,
    protocol: opts.protocol,
    onWarning: (m) => warn(m),
    ...(opts.halfOpenMs !== undefined ? { halfOpenMs: opts.halfOpenMs } : {}),
  });

  const emit = (l: Listener): void => {
    opts.onState?.({
      id: l.id,
      bindAddress: l.bindAddress,
      localPort: l.port,
      remotePort: l.remotePort,
      ...(pods.selected && l.state !== 'stopped' && l.state !== 'failed' ? { pod: pods.selected.metadata?.name } : {}),
      state: l.state,
      ...(l.error ? { error: l.error } : {}),
      connections: l.sockets.size,
    });
  };
  const setState = (state: ForwardState, error?: string): void => {
    const pod = pods.selected?.metadata?.uid;
    for (const l of listeners) {
      if (l.state === state && l.error === error && l.pod === pod) continue;
      l.state = state;
      l.pod = pod;
      if (error) l.error = error;
      else delete l.error;
      emit(l);
    }
  };
  const countChanged = (): void => {
    countTimer ??= setTimeout(() => {
      countTimer = undefined;
      if (!signal.aborted) for (const l of listeners) emit(l);
    }, COUNT_THROTTLE_MS);
  };
  const warn = (message: string): void => {
    const last = warned.get(message) ?? 0;
    if (Date.now() - last < 30_000) return;
    warned.set(message, Date.now());
    opts.onWarning?.(message);
  };

  try {
    for (const [j, l] of listeners.entries()) {
      const origin = opts.configPath ? { configPath: `${opts.configPath}.forward[${j}]` } : {};
      l.server = await listen(l.bindAddress, l.port, origin, (sock) => void accept(l, sock));
      l.port = (l.server.address() as net.AddressInfo).port;
      l.id = hostPort(l.bindAddress, l.port);
    }
  } catch (err) {
    for (const l of listeners) {
      if (l.server) await closeServer(l.server, []);
    }
    opts.signal?.removeEventListener('abort', stop);
    if (ownWatch) pods.close();
    const failed = listeners.find((x) => !x.server);
    if (failed) {
      failed.state = 'failed';
      failed.error = err instanceof Error ? err.message : String(err);
      emit(failed);
    }
    throw err;
  }

  const refresh = (): void => {
    if (signal.aborted) return;
    pool.select(pods.selected);
    if (pods.selected) {
      everReady = true;
      setState('ready');
    } else if (pods.synced || pods.problemText) setState(everReady ? 'reconnecting' : 'starting', pods.waitingReason);
  };
  // Any change may alter the state or its reason (a pod that keeps crashing never changes the selection).
  pods.on('selected', refresh);
  pods.on('synced', refresh);
  pods.on('pod', refresh);
  const onProblem = (message: string, fatal: boolean): void => {
    // A dropped watch does not stop a forward to a pod we already have; a refusal (403) does.
    if (fatal) setState('failed', message);
    else if (!pods.selected) refresh();
  };
  pods.on('problem', onProblem);
  for (const l of listeners) emit(l);
  refresh();

  async function accept(l: Listener, sock: net.Socket): Promise<void> {
    l.sockets.add(sock);
    countChanged();
    sock.on('error', () => undefined);
    try {
      let tried: string | undefined;
      for (let attempt = 0; attempt < 3 && !sock.destroyed && !signal.aborted; attempt++) {
        const pod = await usablePod(tried);
        if (!pod) {
          warn(`${l.id}: no pod to forward to after ${Math.round(holdMs / 1000)} s (${pods.waitingReason}); connection dropped`);
          break;
        }
        const name = pod.metadata!.name!;
        try {
          const tunnel = await pool.tunnel(sock, pod, l.remotePort);
          const result = await tunnel.closed;
          if (result.remoteError) warn(`${l.id} → ${name}:${l.remotePort}: ${result.remoteError}`);
          return;
        } catch (err) {
          if (signal.aborted) return;
          // The pod may have gone between selection and connect: try the next one.
          tried = name;
          if (attempt === 2 || !(err instanceof ChannelConnectError)) {
            warn(`${l.id} → ${name}:${l.remotePort}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    } finally {
      sock.destroy();
      l.sockets.delete(sock);
      countChanged();
    }
  }

  /** The selected pod, or the next one within `holdMs`; skips a pod that just failed if another appears. */
  async function usablePod(avoid?: string): Promise<V1Pod | undefined> {
    const now = pods.selected;
    if (now && now.metadata?.name !== avoid) return now;
    if (now && avoid) {
      // Give the watch a moment to notice the failed pod is gone; else try it again.
      await new Promise((r) => setTimeout(r, 500));
      return pods.selected;
    }
    return pods.waitForSelected(holdMs, signal).catch(() => undefined);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Aborting below calls close() again; let that call find `closing` set.
      await Promise.resolve();
      stop();
      opts.signal?.removeEventListener('abort', stop);
      clearTimeout(countTimer);
      if (ownWatch) pods.close();
      pool.close();
      pods.off('selected', refresh).off('synced', refresh).off('pod', refresh).off('problem', onProblem);
      await Promise.all(listeners.map((l) => (l.server ? closeServer(l.server, l.sockets) : undefined)));
      for (const l of listeners) {
        l.state = 'stopped';
        delete l.error;
        l.sockets.clear();
        emit(l);
      }
    })());
  signal.addEventListener('abort', () => void close(), { once: true });

  return {
    get listeners() {
      return listeners.map((l) => ({ bindAddress: l.bindAddress, port: l.port, remotePort: l.remotePort }));
    },
    get pod() {
      return pods.selected?.metadata?.name;
    },
    get connections() {
      return listeners.reduce((n, l) => n + l.sockets.size, 0);
    },
    close,
  };
}
