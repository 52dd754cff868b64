import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { attachPlainReporter } from '../../../src/plain/line-reporter.js';
import { API_REF, SESSION, WEB_FAILED } from '../ui/helpers.js';

function capture(opts?: Parameters<typeof attachPlainReporter>[2]) {
  const events = new DevEngineEmitter();
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const detach = attachPlainReporter(events, out, opts);
  return { events, detach, lines: () => text.split('\n').filter(Boolean) };
}

describe('attachPlainReporter', () => {
  it('prints one prefixed line per meaningful event', () => {
    const { events, lines } = capture();
    for (const e of [...SESSION, ...WEB_FAILED]) events.send(e.type, e.payload as never);
    const out = lines();
    expect(out).toContain('build  api      step 2/5 RUN npm ci');
    expect(out).toContain('build  api      │ added 120 packages');
    expect(out).toContain('build  api      done in 14.2s → reg.local/api:abc');
    expect(out).toContain('ports  8080 → api-7f9c-xk2:80 ready');
    expect(out).toContain('logs   api-7f9c-xk2/app  listening on :80');
    expect(out).toContain('sync   ./src → api-7f9c-xk2:/app/src watching');
    expect(out).toContain('deploy api      ready in 3.1s');
    expect(out).toContain('build  web      FAILED at step 3 RUN npm run build: exit code 2');
    expect(out).toContain('phase  dev');
  });

  it('prints push progress only when a layer changes status', () => {
    const { events, lines } = capture();
    events.send('push:progress', { image: 'api', layer: 'sha256:aaaaaaaaaaaaaaaa', status: 'Preparing' });
    for (let i = 1; i <= 50; i++) events.send('push:progress', { image: 'api', layer: 'sha256:aaaaaaaaaaaaaaaa', status: 'Pushing', current: i, total: 50 });
    events.send('push:progress', { image: 'api', layer: 'sha256:aaaaaaaaaaaaaaaa', status: 'Pushed' });
    events.send('push:progress', { image: 'api', layer: 'sha256:bbbbbbbbbbbbbbbb', status: 'Layer already exists' });
    expect(lines()).toEqual([
      'push   api      layer aaaaaaaaaaaa Preparing',
      'push   api      layer aaaaaaaaaaaa Pushing',
      'push   api      layer aaaaaaaaaaaa Pushed',
      'push   api      layer bbbbbbbbbbbb Layer already exists',
    ]);
  });

  it('skips repeated forward states such as connection-count changes', () => {
    const { events, lines } = capture();
    const pf = { id: 'p', bindAddress: '127.0.0.1', localPort: 8080, remotePort: 80, pod: 'api-1', state: 'ready' as const, connections: 0 };
    events.send('portforward:state', pf);
    events.send('portforward:state', { ...pf, connections: 3 });
    events.send('portforward:state', { ...pf, state: 'reconnecting' });
    expect(lines()).toEqual(['ports  8080 → api-1:80 ready', 'ports  8080 → api-1:80 reconnecting']);
  });

  it('writes no ANSI without colour, strips it from container output, and colours when asked', () => {
    const plain = capture({ color: false });
    plain.events.send('logs:lines', { source: API_REF, lines: [{ ts: 0, text: '\x1b[32mgreen\x1b[0m', stream: 'stdout' }] });
    plain.events.send('engine:error', { scope: 'build:api', message: 'boom', hint: 'check the Dockerfile' });
    expect(plain.lines().join('\n')).not.toContain('\x1b');
    expect(plain.lines()).toContain('logs   api-7f9c-xk2/app  green');
    expect(plain.lines()).toContain('error  build:api  boom (hint: check the Dockerfile)');

    const colored = capture({ color: true });
    colored.events.send('engine:error', { scope: 'x', message: 'boom' });
    expect(colored.lines()[0]).toContain('\x1b[31m');
  });

  it('says what an auto reload reacts to, naming at most three paths', () => {
    const { events, lines } = capture();
    events.send('engine:reload', { changed: ['Dockerfile'] });
    events.send('engine:reload', { changed: ['a', 'b', 'c', 'd', 'e'] });
    expect(lines()).toEqual(['info   reload   reloading after changes to Dockerfile', 'info   reload   reloading after changes to a, b, c and 2 more']);
  });

  it('adds timestamps when asked and stops after detach', () => {
    const { events, lines, detach } = capture({ timestamps: true, now: () => new Date(2026, 0, 1, 9, 5, 7).getTime() });
    events.send('engine:info', { scope: 'sync', message: 'watching' });
    detach();
    events.send('engine:info', { scope: 'sync', message: 'ignored' });
    expect(lines()).toEqual(['09:05:07 info   sync     watching']);
  });

  it('prints analyze findings with hints', () => {
    const { events, lines } = capture();
    events.send('analyze:report', {
      namespace: 'dev',
      findings: [{ severity: 'error', kind: 'crash-loop', object: 'pod/api-1', message: 'Back-off restarting failed container', hint: 'look at the last log lines' }],
    });
    expect(lines()).toEqual([
      'check  dev      1 finding',
      'check  pod/api-1  crash-loop: Back-off restarting failed container',
      'check  pod/api-1  hint: look at the last log lines',
    ]);
  });

  it('lets nothing from a container act on the terminal: no title, cursor or C1 sequences; colours only when on', () => {
    const hostile = 'a\x1b]0;pwned\x07b\x1b[2J\x1b[Hc\u009b31md\x07e\x1b[31mred\x1b[0m';
    for (const color of [false, true]) {
      const { events, lines } = capture({ color });
      events.send('logs:lines', { source: API_REF, lines: [{ ts: 1, text: hostile, stream: 'stdout' }] });
      events.send('sync:refused', { id: 's0', path: 'x\x1b]0;owned\x07y\nz', reason: 'a name with a newline' });
      const text = lines().join('\n');
      expect(text).not.toMatch(/\x1b\]|\x1b\[2J|\x1b\[H|\u009b|\x07/);
      expect(text).toContain(color ? 'abc31mde\x1b[31mred\x1b[0m' : 'abc31mdered');
      expect(lines()).toHaveLength(2);
    }
  });

  it('prints a repeated log-stream state once, and the next change again', () => {
    const { events, lines } = capture();
    events.send('logs:state', { source: API_REF, state: 'streaming' });
    for (let i = 0; i < 9; i++) events.send('logs:state', { source: API_REF, state: 'waiting', reason: 'connect ECONNREFUSED 127.0.0.1:6443' });
    events.send('logs:state', { source: API_REF, state: 'streaming' });
    expect(lines()).toEqual([
      'logs   api-7f9c-xk2/app  [streaming]',
      'logs   api-7f9c-xk2/app  [waiting: connect ECONNREFUSED 127.0.0.1:6443]',
      'logs   api-7f9c-xk2/app  [streaming]',
    ]);
  });
});
