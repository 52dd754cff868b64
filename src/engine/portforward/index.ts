/** Port forwarding: local listeners tunnelled to the pod a selector currently picks. */
export { startPortForward } from './forwarder.js';
export type { ForwardHandle, ForwardOptions, ForwardSpec, ForwardStateEvent, PortMappingSpec } from './forwarder.js';
export { createPortsStage } from './stage.js';
export { openTunnel, condenseError } from './tunnel.js';
export type { TunnelResult, TunnelTarget } from './tunnel.js';
export { hostPort, listenError } from './listen.js';
