import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PodWatch } from '../../../src/engine/kube/pod-watch.js';
import { startPortForward, type ForwardStateEvent } from '../../../src/engine/portforward/index.js';
import { pod } from './fixtures.js';

// The forward's state machine, driven by a pod watch we feed by hand (no
// cluster: no connection is ever tunnelled here).

describe('startPortForward states', () => {
  it('goes starting → ready → reconnecting → ready as pods come and go, then stopped', async () => {
    const watch = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
    const states: ForwardStateEvent[] = [];
    const fwd = await startPortForward(new KubeConfig(), { target: watch.spec, forward: [{ port: 0, remotePort: 80 }] }, { podWatch: watch, onState: (s) => states.push(s) });
    const port = fwd.listeners[0]!.port;
    const summary = () => states.map((s) => `${s.state}${s.pod ? `@${s.pod}` : ''}`);
    expect(summary()).toEqual(['starting']);
    watch.reset([pod('a')]);
    watch.apply('MODIFIED', pod('a', { deleting: true }));
    watch.apply('ADDED', pod('b', { created: 5, running: false, waiting: 'ContainerCreating' }));
    watch.apply('MODIFIED', pod('b', { created: 5 }));
    await fwd.close();
    expect(summary()).toEqual(['starting', 'ready@a', 'reconnecting', 'reconnecting', 'ready@b', 'stopped']);
    const reasons = states.filter((s) => s.state === 'reconnecting').map((s) => s.error);
    expect(reasons).toEqual(['pod a is Terminating', 'pod b is ContainerCreating']);
    expect(states.every((s) => s.localPort === port && s.remotePort === 80 && s.id === `127.0.0.1:${port}`)).toBe(true);
    // Closed for real: nothing listens any more.
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('holds a connection while no pod is usable, then drops it with a warning', async () => {
    const watch = new PodWatch({ namespace: 'n', labelSelector: 'app=web' });
    watch.reset([pod('x', { running: false, waiting: 'ImagePullBackOff' })]);
    const warnings: string[] = [];
    const states: ForwardStateEvent[] = [];
    const fwd = await startPortForward(new KubeConfig(), { target: watch.spec, forward: [{ port: 0 }] }, {
      podWatch: watch,
      holdMs: 200,
      onWarning: (w) => warnings.push(w),
      onState: (s) => states.push(s),
    });
    const port = fwd.listeners[0]!.port;
    const closed = new Promise<void>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', () => undefined);
      c.on('close', () => resolve());
    });
    await closed;
    expect(warnings).toEqual([`127.0.0.1:${port}: no pod to forward to after 0 s (pod x is ImagePullBackOff); connection dropped`]);
    // While held the connection was counted, and the count went back to 0.
    await new Promise((r) => setTimeout(r, 150));
    expect(Math.max(...states.map((s) => s.connections))).toBe(1);
    expect(states.at(-1)?.connections).toBe(0);
    await fwd.close();
  });
});
