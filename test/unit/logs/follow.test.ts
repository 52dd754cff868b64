import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodWatch } from '../../../src/engine/kube/pod-watch.js';
import { followLog } from '../../../src/engine/logs/follow.js';

// followLog against a small fake API server: what it does with answers the real one gives at awkward moments.

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function apiServer(answers: ((res: http.ServerResponse) => void)[]): Promise<{ kc: k8s.KubeConfig; requests: () => number }> {
  let n = 0;
  const server = http.createServer((req, res) => (answers[Math.min(n++, answers.length - 1)]!)(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return { kc, requests: () => n };
}

// A pod watch that always reports the container running.
const runningWatch = {
  synced: true,
  pod: () => ({ metadata: { name: 'web-1' }, status: { phase: 'Running', containerStatuses: [{ name: 'app', containerID: 'c1', state: { running: {} } }] } }),
  on: () => runningWatch,
  off: () => runningWatch,
  once: () => runningWatch,
} as unknown as PodWatch;

describe('followLog', () => {
  it('waits out a 204 No Content for a container that has not started yet, then streams', async () => {
    const { kc, requests } = await apiServer([
      (res) => res.writeHead(204).end(),
      (res) => res.writeHead(200).end('2026-11-26T10:00:00.000000000Z hello\n'),
    ]);
    const ctl = new AbortController();
    const lines: string[] = [];
    const states: string[] = [];
    await followLog(kc, { namespace: 'ns', pod: 'web-1', container: 'app' }, {
      signal: ctl.signal,
      follow: true,
      podWatch: runningWatch,
      onLines: (l) => (lines.push(...l), ctl.abort()),
      onState: (s, reason) => states.push(`${s}${reason ? `: ${reason}` : ''}`),
    });
    expect(lines).toEqual(['hello']);
    expect(requests()).toBeGreaterThanOrEqual(2);
    expect(states[0]).toMatch(/^waiting: /);
    expect(states).toContain('streaming');
    expect(states.some((s) => s.startsWith('ended'))).toBe(false);
  });

  it('prints nothing, without an error, for a container with no log yet when not following', async () => {
    const { kc } = await apiServer([(res) => res.writeHead(204).end()]);
    const lines: string[] = [];
    await followLog(kc, { namespace: 'ns', pod: 'web-1', container: 'app' }, { signal: new AbortController().signal, follow: false, onLines: (l) => lines.push(...l) });
    expect(lines).toEqual([]);
  });

  it('still fails at once on a first answer that waiting cannot fix (403)', async () => {
    const { kc } = await apiServer([(res) => res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"pods \\"web-1\\" is forbidden"}')]);
    await expect(
      followLog(kc, { namespace: 'ns', pod: 'web-1', container: 'app' }, { signal: new AbortController().signal, follow: true, podWatch: runningWatch, onLines: () => undefined }),
    ).rejects.toThrow('cannot read the log of web-1/app: pods "web-1" is forbidden');
  });
});
