/** Port forwarding: local listeners tunnelled to the pod a selector currently picks. */
export { startPortForward } from './forwarder.js';
export type { ForwardHandle, ForwardOptions, ForwardSpec, ForwardStateEvent, PortMappingSpec } from './forwarder.js';
export { createPortsStage } from './stage.js';
export { openTunnel, condenseError, HALF_OPEN_MS } from './tunnel.js';
export type { Tunnel, TunnelOptions, TunnelResult, TunnelTarget } from './tunnel.js';
export { openStreamTunnel } from './stream-tunnel.js';
export { SessionPool, type ForwardProtocol, type PoolOptions } from './session-pool.js';
export { hostPort, listenError } from './listen.js';
