import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PodWatch } from '../../../src/engine/kube/pod-watch.js';
import { startPortForward, type ForwardHandle } from '../../../src/engine/portforward/index.js';
import { fakeApiServer, type FakeApiServer } from './fake-apiserver.js';
import { pod } from './fixtures.js';

// The forward's connection handling against a stand-in API server: one
// tunnelled SPDY session per pod carrying every connection, a new session
// when the pod changes, and one WebSocket per connection when the server
// cannot tunnel.

let api: FakeApiServer | undefined;
let fwd: ForwardHandle | undefined;
afterEach(async () => {
  await fwd?.close();
  await api?.close();
  fwd = api = undefined;
});

async function start(tunnel: boolean, warnings: string[] = []) {
  api = await fakeApiServer({ tunnel });
  const watch = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
  fwd = await startPortForward(api.kc, { target: watch.spec, forward: [{ port: 0, remotePort: 80 }, { port: 0, remotePort: 9999 }] }, {
    podWatch: watch,
    onWarning: (w) => warnings.push(w),
    halfOpenMs: 100,
  });
  return { watch, port: fwd.listeners[0]!.port, refusedPort: fwd.listeners[1]!.port };
}

/** A local connection that sends and reads back through the echoing fake. */
function connect(port: number) {
  const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let text = '';
  sock.setEncoding('utf8');
  sock.on('data', (c: string) => (text += c));
  const ended = new Promise<string>((resolve) => {
    sock.on('end', () => resolve('end'));
    sock.on('close', () => resolve('close'));
    sock.on('error', () => resolve('error'));
  });
  const until = async (want: string) => {
    for (let i = 0; i < 200 && !text.includes(want); i++) await new Promise((r) => setTimeout(r, 10));
    return text;
  };
  return { sock, ended, until, echo: async (msg: string) => (sock.write(msg), until(msg)) };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forwarded connections', () => {
  it('carry every connection to a pod over one tunnelled WebSocket', async () => {
    const { watch, port } = await start(true);
    watch.reset([pod('a')]);
    for (let i = 0; i < 5; i++) {
      const c = connect(port);
      expect(await c.echo(`hello ${i}`)).toBe(`hello ${i}`);
      c.sock.destroy();
    }
    // Closed clients look half-closed (FIN); once the pod is quiet the FIN is passed on and the streams end.
    for (let i = 0; i < 100 && fwd!.connections > 0; i++) await wait(20);
    expect(fwd!.connections).toBe(0);
    expect(api!.sessions[0]!.dataFins).toBe(5);
    const many = Array.from({ length: 20 }, (_, i) => connect(port).echo(`n${i}`));
    expect(await Promise.all(many)).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
    expect(api!.upgrades).toEqual([{ path: '/api/v1/namespaces/n/pods/a/portforward', protocols: ['SPDY/3.1+portforward.k8s.io'] }]);
  });

  it('keep a half-closed connection open for the reply and pass on the pod closing', async () => {
    const { watch, port } = await start(true);
    watch.reset([pod('a')]);
    const c = connect(port);
    c.sock.end('ping bye');
    // The echo arrives after our FIN, then the fake's FIN reaches us as the end of the stream.
    expect(await c.ended).toBe('end');
    expect(await c.until('ping bye')).toBe('ping bye');
    expect(api!.sessions[0]!.dataFins).toBe(0);
  });

  it('pass a half-close on once the pod has been quiet for a while', async () => {
    const { watch, port } = await start(true);
    watch.reset([pod('a')]);
    const c = connect(port);
    c.sock.end('ping');
    expect(await c.ended).toBe('end');
    expect(await c.until('ping')).toBe('ping');
    expect(api!.sessions[0]!.dataFins).toBe(1);
  });

  it('report what the kubelet says when nothing listens, and close the connection', async () => {
    const warnings: string[] = [];
    const { watch, refusedPort } = await start(true, warnings);
    watch.reset([pod('a')]);
    expect(await connect(refusedPort).ended).toMatch(/close|error/);
    await wait(50);
    expect(warnings).toEqual([expect.stringContaining('nothing listens on port 9999 in pod a (connection refused)')]);
  });

  it('open a session for a new pod and close the old one once its last connection ends', async () => {
    const { watch, port } = await start(true);
    watch.reset([pod('a')]);
    const old = connect(port);
    const oldEnded = old.ended;
    expect(await old.echo('to a')).toBe('to a');
    watch.apply('ADDED', pod('b', { created: 5 }));
    const fresh = connect(port);
    expect(await fresh.echo('to b')).toBe('to b');
    expect(api!.upgrades.map((u) => u.path)).toEqual(['/api/v1/namespaces/n/pods/a/portforward', '/api/v1/namespaces/n/pods/b/portforward']);
    // The connection to the old pod still works until it ends; then its session goes.
    expect(await old.echo(' again')).toBe('to a again');
    expect(api!.sessions[0]!.closed).toBe(false);
    old.sock.end();
    expect(await oldEnded).toBe('end');
    for (let i = 0; i < 100 && !api!.sessions[0]!.closed; i++) await wait(10);
    expect(api!.sessions.map((s) => [s.pod, s.closed])).toEqual([['a', true], ['b', false]]);
  });

  it('hold a slow reader’s data without loss, and route new connections to a fresh session meanwhile', async () => {
    const { watch, port } = await start(true);
    watch.reset([pod('a')]);
    const slow = net.connect(port, '127.0.0.1');
    slow.write('flood');
    slow.pause();
    // 32 MiB cannot all sit in kernel buffers and the 1 MiB we allow per connection: the session waits.
    await wait(500);
    const other = connect(port);
    expect(await other.echo('not held up')).toBe('not held up');
    expect(api!.upgrades).toHaveLength(2);
    let bytes = 0;
    slow.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes === 5 + 32 * 1024 * 1024) slow.destroy();
    });
    slow.resume();
    await new Promise((r) => slow.on('close', r));
    expect(bytes).toBe(5 + 32 * 1024 * 1024);
  });

  it('fall back to one WebSocket per connection when the API server cannot tunnel', async () => {
    const warnings: string[] = [];
    const { watch, port, refusedPort } = await start(false, warnings);
    watch.reset([pod('a')]);
    const first = connect(port);
    expect(await first.echo('one')).toBe('one');
    const tried = api!.upgrades.filter((u) => u.protocols.includes('SPDY/3.1+portforward.k8s.io')).length;
    expect(tried).toBeGreaterThanOrEqual(1);
    const second = connect(port);
    expect(await second.echo('two')).toBe('two');
    expect(await connect(refusedPort).ended).toMatch(/close|error/);
    // Once the fallback worked, later connections no longer try the tunnel.
    expect(api!.upgrades.filter((u) => u.protocols.includes('SPDY/3.1+portforward.k8s.io')).length).toBe(tried);
    expect(api!.upgrades.filter((u) => u.protocols.includes('v4.channel.k8s.io')).map((u) => u.path)).toEqual([
      '/api/v1/namespaces/n/pods/a/portforward?ports=80',
      '/api/v1/namespaces/n/pods/a/portforward?ports=80',
      '/api/v1/namespaces/n/pods/a/portforward?ports=9999',
    ]);
    await wait(50);
    expect(warnings).toEqual([
      'the API server cannot tunnel port forwards over one connection (400 unable to upgrade: unable to negotiate protocol); using one WebSocket per connection, which is slower',
      expect.stringContaining('nothing listens on port 9999 in pod a (connection refused)'),
    ]);
  });
});
