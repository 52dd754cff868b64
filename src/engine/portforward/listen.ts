import net from 'node:net';
import { UserError } from '../errors.js';

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where a listener comes from in devspace.yaml, so errors can say what to change. */
export interface ListenOrigin {
  /** e.g. `dev.ports[0].forward[1]`; absent for library callers. */
  configPath?: string;
}

/**
 * Listen on `host:port` for forwarded connections. Sockets arrive paused
 * and half-open capable (a client may end its side and still read). Busy
 * ports and bad addresses become one-line UserErrors naming the setting.
 */
export function listen(host: string, port: number, origin: ListenOrigin, onSocket: (sock: net.Socket) => void): Promise<net.Server> {
  // noDelay: small replies (headers, then body) must not wait on Nagle and the peer's delayed ACK;
  // without it keep-alive requests took ~17 ms where kubectl (Go sets TCP_NODELAY) took ~4 ms.
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      reject(listenError(err, host, port, origin));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      // Accept errors (EMFILE and friends) must not crash the process; the next accept may work.
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/** A listen failure as the user should read it. */
export function listenError(err: NodeJS.ErrnoException, host: string, port: number, origin: ListenOrigin): UserError {
  const where = hostPort(host, port);
  const at = origin.configPath;
  switch (err.code) {
    case 'EADDRINUSE':
      return new UserError(`${where} is already in use (by another program); ${at ? `change ${at}.port` : 'pick another local port'}`, 1);
    case 'EACCES':
      return new UserError(`cannot listen on ${where}: permission denied (ports below 1024 need root); ${at ? `change ${at}.port` : 'pick a port above 1023'}`, 1);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`cannot listen on ${where}: ${host} is not an address of this machine${at ? `; change ${at}.bindAddress` : ''}`, 1);
    default:
      return new UserError(`cannot listen on ${where}: ${err.code ?? err.message}`, 1);
  }
}

/** Close a server and every socket it still holds. */
export function closeServer(server: net.Server, sockets: Iterable<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
