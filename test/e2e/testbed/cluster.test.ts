import http from 'node:http';
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid, waitFor, waitForReadyPods } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

// Issue 3's proof that the test bed is real: an image built by the Docker
// Engine, pushed to the local registry, deployed with 2 replicas, and the pod
// APIs later features rely on (exec, logs, port-forward, self-healing).

const docker = new Docker();
const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const repo = `${REGISTRY}/e2e-testbed`;
const tag = uid(8);
const image = `${repo}:${tag}`;
const labels = { app: 'testbed-web' };
let ns: { name: string; dispose(): Promise<void> };

function followDocker(stream: NodeJS.ReadableStream): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: Array<Record<string, unknown>>) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(String(failed?.error)));
      else resolve(events);
    });
  });
}

async function buildAndPush(): Promise<void> {
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, [
    `FROM ${BASE_IMAGE}`,
    'RUN mkdir -p /www && echo "hello from the test bed" > /www/index.html',
    // httpd daemonises; the loop keeps writing numbered lines for the log test.
    `CMD ["sh", "-c", "httpd -p 8080 -h /www; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"]`,
  ].join('\n'));
  pack.finalize();
  await followDocker(await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: image, forcerm: true }));
  // The engine wants an X-Registry-Auth header even for a registry without auth.
  await followDocker(await docker.getImage(image).push({ authconfig: {} }));
}

function podNames(pods: k8s.V1Pod[]): string[] {
  return pods.map((p) => p.metadata!.name!).sort();
}

beforeAll(async () => {
  await buildAndPush();
  ns = await tempNamespace(kc, 'testbed');
  await createDeployment(kc, ns.name, 'web', { containers: [{ name: 'web', image, readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] }, { labels, replicas: 2 });
});

afterAll(async () => {
  await ns?.dispose();
  await docker.getImage(image).remove().catch(() => undefined);
});

describe('the local test bed', () => {
  it('runs an image built by Docker and pushed to 127.0.0.1:5000 as a 2-replica Deployment', async () => {
    const tags = await fetch(`http://${REGISTRY}/v2/e2e-testbed/tags/list`).then((r) => r.json() as Promise<{ tags: string[] }>);
    expect(tags.tags).toContain(tag);
    const pods = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 2);
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.spec?.containers[0]?.image).toBe(image);
  });

  it('execs a command in a pod and returns its output and exit code', async () => {
    const [pod] = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 1);
    let out = '';
    let err = '';
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc)
        .exec(ns.name, pod!.metadata!.name!, 'web', ['sh', '-c', 'cat /www/index.html; echo oops >&2; exit 7'],
          new Writable({ write(c, _e, cb) { out += c; cb(); } }),
          new Writable({ write(c, _e, cb) { err += c; cb(); } }),
          null, false, resolve)
        .catch(reject);
    });
    expect(out).toBe('hello from the test bed\n');
    expect(err).toBe('oops\n');
    expect(status.status).toBe('Failure');
    expect(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message).toBe('7');
  });

  it('follows logs and streams lines as they are written', async () => {
    const [pod] = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 1);
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c) => (text += c));
    const ctrl = await new k8s.Log(kc).log(ns.name, pod!.metadata!.name!, 'web', stream, { follow: true, tailLines: 1 });
    try {
      const first = await waitFor(async () => text.match(/tick (\d+)\n/)?.[1], 20_000, 'a first log line');
      // Lines written after the stream opened must keep arriving, in order.
      const later = await waitFor(async () => {
        const nums = [...text.matchAll(/tick (\d+)\n/g)].map((m) => Number(m[1]));
        return nums.length >= 4 ? nums : undefined;
      }, 20_000, 'four log lines');
      expect(later[0]).toBe(Number(first));
      for (let i = 1; i < later.length; i++) expect(later[i]).toBe(later[i - 1]! + 1);
    } finally {
      ctrl.abort();
    }
  });

  it('port-forwards a local port to a pod and serves its HTTP response', async () => {
    const [pod] = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 1);
    const forward = new k8s.PortForward(kc);
    const server = net.createServer((sock) => {
      forward.portForward(ns.name, pod!.metadata!.name!, [8080], sock, null, sock).catch(() => sock.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe('hello from the test bed\n');
    } finally {
      server.close();
    }
  });

  it('replaces a deleted pod through its ReplicaSet', async () => {
    const before = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 2);
    const victim = before[0]!.metadata!.name!;
    await core.deleteNamespacedPod({ name: victim, namespace: ns.name, gracePeriodSeconds: 0 });
    const after = await waitFor(async () => {
      const pods = await waitForReadyPods(kc, ns.name, 'app=testbed-web', 2, 5_000).catch(() => undefined);
      return pods && !podNames(pods).includes(victim) ? pods : undefined;
    }, 120_000, 'a replacement pod');
    expect(after).toHaveLength(2);
    expect(podNames(after)).not.toContain(victim);
  });
});
