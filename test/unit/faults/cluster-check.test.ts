import http from 'node:http';
import net from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import type { KubeTarget } from '../../../src/engine/kube/context.js';
import { assertClusterReachable } from '../../../src/engine/pipeline/cluster-check.js';

// `devspace dev` asks the API server for /version before building anything:
// a refused, silent or credential-rejecting server is one line naming it; any
// other answer means the server is there.

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

function target(server: string): KubeTarget {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return { kubeConfig: kc, context: 'ctx', namespace: 'default', contextSource: 'flag', namespaceSource: 'default', server, files: [] };
}

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const check = (t: KubeTarget, timeoutMs = 2000, signal = new AbortController().signal) => assertClusterReachable(t, signal, timeoutMs).then(() => 'ok', (e: unknown) => e);

describe('assertClusterReachable', () => {
  it('passes when /version answers, and for any answer but 401', async () => {
    expect(await check(target(await serve((_q, s) => s.end('{"gitVersion":"v1.34.4"}'))))).toBe('ok');
    expect(await check(target(await serve((_q, s) => s.writeHead(403).end('{}'))))).toBe('ok');
  });

  it('a refused connection names the server and the context', async () => {
    const err = await check(target('https://127.0.0.1:1'));
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ exitCode: 1, message: 'cannot reach the Kubernetes API server at https://127.0.0.1:1 (kube context "ctx"): connection refused' });
  });

  it('a refused proxy is named as the proxy, without its password', async () => {
    const t = target('https://127.0.0.1:2');
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:2', skipTLSVerify: true, proxyUrl: 'http://me:proxy-secret@127.0.0.1:1' }],
      users: [{ name: 'u', token: 'not-a-real-token' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const err = (await check({ ...t, kubeConfig: kc })) as UserError;
    expect(err.message).toBe(
      'cannot reach the Kubernetes API server at https://127.0.0.1:2 (kube context "ctx") through the proxy http://127.0.0.1:1 (proxy-url in the kubeconfig): connection refused',
    );
    expect(err.hint).toBe('is the proxy running? check proxy-url in the kubeconfig');
  });

  it('a server that never answers is given up on after the timeout', async () => {
    const silent = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => silent.close());
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    expect(await check(target(url), 300)).toMatchObject({ exitCode: 1, message: `the Kubernetes API server at ${url} (kube context "ctx") did not answer within 300 ms` });
  });

  it('401 says the credentials were rejected, without showing them', async () => {
    const err = (await check(target(await serve((_q, s) => s.writeHead(401).end('{"message":"Unauthorized"}'))))) as UserError;
    expect(err.message).toMatch(/rejected its credentials \(401 Unauthorized\)$/);
    expect(`${err.message} ${err.hint}`).not.toContain('not-a-real-token');
  });

  it('an abort is an AbortError, not a failure', async () => {
    const silent = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => silent.close());
    const ctl = new AbortController();
    const pending = check(target(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`), 10_000, ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });
});
