import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { closeServer, hostPort, listen } from '../../../src/engine/portforward/listen.js';
import { condenseError } from '../../../src/engine/portforward/tunnel.js';

const open: net.Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => closeServer(s, [])));
});

describe('listen', () => {
  it('names the busy address and the key to change', async () => {
    const first = await listen('127.0.0.1', 0, {}, () => undefined);
    open.push(first);
    const port = (first.address() as net.AddressInfo).port;
    const err = await listen('127.0.0.1', port, { configPath: 'dev.ports[0].forward[0]' }, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`127.0.0.1:${port} is already in use (by another program); change dev.ports[0].forward[0].port`);
    const bare = await listen('127.0.0.1', port, {}, () => undefined).catch((e: unknown) => e);
    expect((bare as UserError).message).toBe(`127.0.0.1:${port} is already in use (by another program); pick another local port`);
  });

  it('explains a bind address that is not on this machine', async () => {
    const err = await listen('192.0.2.1', 0, { configPath: 'dev.ports[1].forward[0]' }, () => undefined).catch((e: unknown) => e);
    expect((err as UserError).message).toBe('cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine; change dev.ports[1].forward[0].bindAddress');
  });

  it('hands over sockets paused and able to half-close', async () => {
    let accepted: net.Socket | undefined;
    const server = await listen('127.0.0.1', 0, {}, (s) => (accepted = s));
    open.push(server);
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((r) => client.once('connect', r));
    client.end('bye');
    await new Promise((r) => setTimeout(r, 100));
    expect(accepted!.isPaused()).toBe(true);
    expect(accepted!.allowHalfOpen).toBe(true);
    accepted!.destroy();
  });
});

describe('hostPort / condenseError', () => {
  it('brackets IPv6 hosts', () => {
    expect(hostPort('::1', 80)).toBe('[::1]:80');
    expect(hostPort('0.0.0.0', 80)).toBe('0.0.0.0:80');
  });

  it('turns the kubelet error text into something to act on', () => {
    const target = { namespace: 'n', pod: 'web-1', port: 9000 };
    const refused =
      'an error occurred forwarding 9000 -> 9000: error forwarding port 9000 to pod abc, uid : failed to execute portforward in network namespace "/var/run/netns/cni-1": failed to connect to localhost:9000 inside namespace "abc", IPv4: dial tcp4 127.0.0.1:9000: connect: connection refused IPv6 dial tcp6 [::1]:9000: connect: connection refused ';
    expect(condenseError(refused, target)).toBe('nothing listens on port 9000 in pod web-1 (connection refused)');
    expect(condenseError('', target)).toBeUndefined();
    expect(condenseError('  weird\n  thing ', target)).toBe('weird thing');
  });
});
