import http from 'node:http';
import net from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpdySession } from '../../../src/engine/kube/spdy-session.js';
import { startPortForward, type ForwardHandle } from '../../../src/engine/portforward/index.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig, waitFor, waitForReadyPods } from '../support/testbed.js';

// The transports under the forward, against the real API server, kubelet and
// containerd: SPDY tunnelled over one WebSocket (many connections as stream
// pairs, kubelet errors), the per-connection WebSocket fallback, and passing
// a client's close on once the pod is quiet.

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; dispose(): Promise<void> };
const POD = 'tunnel';

// httpd serves the pod's name; the nc server on 9000 answers one line per connection after 2 s.
const script = [
  'mkdir -p /www && echo "$HOSTNAME" > /www/index.html',
  `printf '#!/bin/sh\\nread line\\nsleep 2\\necho "got: $line"\\n' > /reply.sh && chmod +x /reply.sh`,
  'nc -ll -p 9000 -e /reply.sh &',
  'exec httpd -f -p 8080 -h /www',
].join('\n');

beforeAll(async () => {
  ns = await tempNamespace(kc, 'pft');
  await core.createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name: POD, labels: { app: 'pft' } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: BASE_IMAGE, command: ['sh', '-c', script], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
      },
    },
  });
  await waitForReadyPods(kc, ns.name, 'app=pft', 1);
});

afterAll(async () => {
  await ns?.dispose();
});

/** One request as a stream pair, the way the forward does it: the reply and the error stream's text. */
function exchange(session: SpdySession, port: number, request: string): Promise<{ reply: string; error: string }> {
  return new Promise((resolve) => {
    const ids = { port: String(port), requestid: session.nextRequestId() };
    let error = '';
    let reply = '';
    let open = 2;
    const ended = (): void => {
      if (--open > 0) return;
      data.release();
      errorStream.release();
      resolve({ reply, error });
    };
    const errorStream = session.openStream({ streamtype: 'error', ...ids }, { onData: (c) => (error += c), onEnd: ended }, true);
    const data = session.openStream({ streamtype: 'data', ...ids }, {
      onReply: () => data.write(Buffer.from(request)),
      onData: (c) => (reply += c),
      onEnd: ended,
    });
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('port-forward transports', () => {
  it('carries 30 concurrent connections as stream pairs of one tunnelled SPDY session', async () => {
    const session = await SpdySession.open(kc, ns.name, POD);
    try {
      const replies = await Promise.all(Array.from({ length: 30 }, () => exchange(session, 8080, 'GET / HTTP/1.0\r\n\r\n')));
      for (const r of replies) {
        expect(r.reply).toMatch(/^HTTP\/1\.[01] 200 OK\r\n/);
        expect(r.reply.endsWith(`\r\n\r\n${POD}\n`)).toBe(true);
        expect(r.error).toBe('');
      }
      expect(session.closed).toBeUndefined();
      expect(session.streamCount).toBe(0);
    } finally {
      session.close();
    }
  });

  it('gets the kubelet’s error for a port nothing listens on, and the session carries on', async () => {
    const session = await SpdySession.open(kc, ns.name, POD);
    try {
      const refused = await exchange(session, 9999, 'hello');
      expect(refused.error).toMatch(/connection refused/);
      expect(refused.reply).toBe('');
      const ok = await exchange(session, 8080, 'GET / HTTP/1.0\r\n\r\n');
      expect(ok.reply).toContain(`${POD}\n`);
    } finally {
      session.close();
    }
  });

  it('still works with one WebSocket per connection, the fallback for older API servers', async () => {
    const fwd = await startPortForward(kc, { target: { namespace: ns.name, pod: POD }, forward: [{ port: 0, remotePort: 8080 }, { port: 0, remotePort: 9000 }] }, { protocol: 'channel' });
    try {
      expect(await get(fwd.listeners[0]!.port)).toBe(`${POD}\n`);
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = net.connect({ host: '127.0.0.1', port: fwd.listeners[1]!.port, allowHalfOpen: true });
        let text = '';
        sock.on('data', (c) => (text += c));
        sock.on('end', () => resolve(text));
        sock.on('error', reject);
        sock.end('ping\n');
      });
      expect(reply).toBe('got: ping\n');
    } finally {
      await fwd.close();
    }
  });

  it('resets a local connection the pod refused, as a direct connection would be', async () => {
    const fwd = await startPortForward(kc, { target: { namespace: ns.name, pod: POD }, forward: [{ port: 0, remotePort: 9999 }] });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const sock = net.connect({ host: '127.0.0.1', port: fwd.listeners[0]!.port });
        sock.on('data', () => resolve('data'));
        sock.on('end', () => resolve('clean end'));
        sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(outcome).toBe('ECONNRESET');
    } finally {
      await fwd.close();
    }
  });

  it('passes a client’s close on once the pod has been quiet, so the pod’s end closes too', async () => {
    let fwd: ForwardHandle | undefined;
    try {
      fwd = await startPortForward(kc, { target: { namespace: ns.name, pod: POD }, forward: [{ port: 0, remotePort: 9000 }] }, { halfOpenMs: 500 });
      const port = fwd.listeners[0]!.port;
      // The nc script waits for a line that never comes; only our FIN reaching the pod ends it.
      const ended = await new Promise<string>((resolve) => {
        const sock = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
        sock.on('connect', () => sock.end());
        sock.on('data', () => undefined);
        sock.on('end', () => resolve('end'));
        sock.on('error', (e) => resolve(e.message));
      });
      expect(ended).toBe('end');
      await waitFor(async () => fwd!.connections === 0, 10_000, 'the connection to be counted as closed');
    } finally {
      await fwd?.close();
    }
  });
});
