import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortsStage, startPortForward, type ForwardHandle, type ForwardStateEvent } from '../../../src/engine/portforward/index.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { UserError } from '../../../src/engine/errors.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig, waitFor, waitForReadyPods } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

// Port forwarding against real pods: HTTP, many connections, a 200 MB
// download, half-closed sockets, switching to a new pod after deletion, and
// a local port that is already taken.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const labels = { app: 'pf-web' };
let ns: { name: string; dispose(): Promise<void> };
let fwd: ForwardHandle;
const states: ForwardStateEvent[] = [];
const warnings: string[] = [];

// httpd serves the pod's own name; a busybox nc server answers one line per
// connection after 2 s (longer than containerd's 1 s grace for half-closed streams).
const script = [
  'mkdir -p /www && echo "$HOSTNAME" > /www/index.html',
  `printf '#!/bin/sh\\nread line\\nsleep 2\\necho "got: $line"\\n' > /reply.sh && chmod +x /reply.sh`,
  'httpd -p 8080 -h /www',
  'nc -ll -p 9000 -e /reply.sh &',
  // Reads exactly 50 MiB, then answers with their sha256.
  `printf '#!/bin/sh\\nhead -c 52428800 | sha256sum\\n' > /sum.sh && chmod +x /sum.sh`,
  'nc -ll -p 9001 -e /sum.sh &',
  // `touch /crash` makes the container exit, so the kubelet restarts it in the same pod.
  'while [ ! -f /crash ]; do sleep 0.2; done; exit 1',
].join('\n');

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false, timeout: 30_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      })
      .on('error', reject)
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timeout'));
      });
  });
}

function exec(pod: string, command: string[]): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    new k8s.Exec(kc)
      .exec(ns.name, pod, 'web', command, new Writable({ write(c, _e, cb) { out += c; cb(); } }), null, null, false, (s) =>
        s.status === 'Success' ? resolve(out) : reject(new Error(JSON.stringify(s))),
      )
      .catch(reject);
  });
}

async function readyPod(): Promise<string> {
  const [pod] = await waitForReadyPods(kc, ns.name, 'app=pf-web', 1);
  return pod!.metadata!.name!;
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'pf');
  await createDeployment(kc, ns.name, 'web', {
    containers: [{ name: 'web', image: BASE_IMAGE, command: ['sh', '-c', script], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
  }, { labels });
  await readyPod();
  fwd = await startPortForward(
    kc,
    { target: { namespace: ns.name, labelSelector: labels }, forward: [{ port: 0, remotePort: 8080 }, { port: 0, remotePort: 9000 }, { port: 0, remotePort: 9001 }, { port: 0, remotePort: 9999 }] },
    { onState: (s) => states.push(s), onWarning: (w) => warnings.push(w), configPath: 'dev.ports[0]' },
  );
});

afterAll(async () => {
  await fwd?.close();
  await ns?.dispose();
});

const httpPort = (): number => fwd.listeners[0]!.port;
const ncPort = (): number => fwd.listeners[1]!.port;
const sumPort = (): number => fwd.listeners[2]!.port;
const closedPort = (): number => fwd.listeners[3]!.port;

describe('port forwarding', () => {
  it('serves HTTP from the selected pod and reports ready', async () => {
    const pod = await readyPod();
    const res = await get(httpPort());
    expect(res).toEqual({ status: 200, body: `${pod}\n` });
    await waitFor(async () => states.some((s) => s.state === 'ready' && s.pod === pod), 10_000, 'a ready event');
    expect(fwd.pod).toBe(pod);
  });

  it('carries 50 concurrent connections', async () => {
    const pod = await readyPod();
    const results = await Promise.all(Array.from({ length: 50 }, () => get(httpPort())));
    expect(results.map((r) => r.body)).toEqual(Array.from({ length: 50 }, () => `${pod}\n`));
    // Connection counts were reported while they were open and drop back to 0.
    await waitFor(async () => fwd.connections === 0, 10_000, 'all connections closed');
    expect(Math.max(...states.map((s) => s.connections))).toBeGreaterThan(1);
  });

  it('downloads 200 MB byte-exact', async () => {
    const pod = await readyPod();
    const remote = await exec(pod, ['sh', '-c', 'dd if=/dev/urandom of=/www/big bs=1M count=200 2>/dev/null && sha256sum /www/big']);
    const hash = createHash('sha256');
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: httpPort(), path: '/big', agent: false }, (res) => {
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(bytes).toBe(200 * 1024 * 1024);
    expect(hash.digest('hex')).toBe(remote.split(/\s+/)[0]);
    await exec(pod, ['rm', '-f', '/www/big']);
  });

  it('uploads 50 MB byte-exact', async () => {
    const data = Buffer.alloc(50 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port: sumPort(), allowHalfOpen: true });
      let text = '';
      sock.setEncoding('utf8');
      sock.on('data', (c) => (text += c));
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
      sock.end(data);
    });
    expect(reply.split(/\s+/)[0]).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('says so when nothing listens on the pod port', async () => {
    const ended = await new Promise<string>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port: closedPort() });
      sock.on('data', () => resolve('data'));
      sock.on('error', () => resolve('closed'));
      sock.on('close', () => resolve('closed'));
    });
    expect(ended).toBe('closed');
    const pod = await readyPod();
    await waitFor(async () => warnings.some((w) => w.includes(`nothing listens on port 9999 in pod ${pod} (connection refused)`)), 10_000, 'the warning');
  });

  it('keeps a half-closed connection open until the reply arrives', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port: ncPort(), allowHalfOpen: true });
      let text = '';
      sock.setEncoding('utf8');
      sock.on('data', (c) => (text += c));
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
      // Send the request and end our side at once, like `nc -N` or an HTTP/1.0 client.
      sock.end('ping\n');
    });
    expect(reply).toBe('got: ping\n');
  });

  it('waits out a container crash and forwards again once it restarted', async () => {
    const pod = await readyPod();
    const mark = states.length;
    await exec(pod, ['touch', '/crash']);
    await waitFor(async () => states.slice(mark).some((s) => s.state === 'reconnecting'), 60_000, 'a reconnecting event');
    const res = await waitFor(() => get(httpPort()).catch(() => undefined), 120_000, 'the forward to answer again');
    expect(res.body).toBe(`${pod}\n`);
    await waitFor(async () => states.slice(mark).some((s) => s.state === 'ready' && s.pod === pod), 10_000, 'ready again');
  });

  it('switches to the replacement pod after the pod is deleted', async () => {
    const old = await readyPod();
    const mark = states.length;
    await core.deleteNamespacedPod({ name: old, namespace: ns.name, gracePeriodSeconds: 0 });
    const fresh = await waitFor(async () => {
      const res = await get(httpPort()).catch(() => undefined);
      const body = res?.body.trim();
      return body && body !== old ? body : undefined;
    }, 120_000, 'the forward to answer from a new pod');
    expect(fresh).not.toBe(old);
    const after = states.slice(mark);
    const iReconnect = after.findIndex((s) => s.state === 'reconnecting');
    expect(iReconnect).toBeGreaterThanOrEqual(0);
    expect(after.slice(iReconnect).some((s) => s.state === 'ready' && s.pod === fresh)).toBe(true);
  });

  it('refuses a local port that is already in use with a clear error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const seen: ForwardStateEvent[] = [];
    try {
      const err = await startPortForward(kc, { target: { namespace: ns.name, labelSelector: labels }, forward: [{ port }] }, {
        configPath: 'dev.ports[0]',
        onState: (s) => seen.push(s),
      }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe(`127.0.0.1:${port} is already in use (by another program); change dev.ports[0].forward[0].port`);
      expect(seen.at(-1)).toMatchObject({ state: 'failed', localPort: port });
    } finally {
      blocker.close();
    }
  });

  it('runs as the dev ports stage from dev.ports and stops cleanly', async () => {
    const pod = await readyPod();
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG } });
    const ctx: EngineContext = {
      events,
      root: '/',
      kube,
      options: {},
      config: { version: 'v1beta2', dev: { selectors: [{ name: 'web', labelSelector: labels }], ports: [{ selector: 'web', forward: [{ port, remotePort: 8080 }] }] } },
    };
    const ctl = new AbortController();
    const result = await createPortsStage().run(ctx, ctl.signal);
    try {
      expect(await get(port)).toEqual({ status: 200, body: `${pod}\n` });
      const pf = got.filter((e) => e.type === 'portforward:state').map((e) => e.payload as ForwardStateEvent);
      expect(pf.some((s) => s.state === 'ready' && s.localPort === port && s.pod === pod && s.id === `127.0.0.1:${port}`)).toBe(true);
    } finally {
      ctl.abort();
      await result?.stop?.();
    }
    const last = got.filter((e) => e.type === 'portforward:state').at(-1)?.payload as ForwardStateEvent;
    expect(last.state).toBe('stopped');
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
