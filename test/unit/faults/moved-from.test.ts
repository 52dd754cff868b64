import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { attachPlainReporter } from '../../../src/plain/line-reporter.js';

// A forward or sync that comes back on another pod (a rollout, a deleted pod)
// says which pod it left, once; count ticks and the same pod say nothing more.

function capture() {
  const events = new DevEngineEmitter();
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  attachPlainReporter(events, out);
  return { events, lines: () => text.split('\n').filter(Boolean) };
}

describe('plain lines after a pod is replaced', () => {
  it('a forward names the pod it moved from', () => {
    const { events, lines } = capture();
    const pf = { id: 'p', bindAddress: '127.0.0.1', localPort: 8080, remotePort: 80, state: 'ready' as const, connections: 0 };
    events.send('portforward:state', { ...pf, pod: 'api-1' });
    events.send('portforward:state', { ...pf, pod: 'api-1', state: 'reconnecting', error: 'pod api-1 is Terminating' });
    events.send('portforward:state', { ...pf, pod: 'api-2' });
    events.send('portforward:state', { ...pf, pod: 'api-2', connections: 2 });
    events.send('portforward:state', { ...pf, pod: 'api-3' }); // a rolling update: straight from one ready pod to the next
    expect(lines()).toEqual([
      'ports  8080 → api-1:80 ready',
      'ports  8080 → api-1:80 reconnecting: pod api-1 is Terminating',
      'ports  8080 → api-2:80 ready (moved from api-1)',
      'ports  8080 → api-3:80 ready (moved from api-2)',
    ]);
  });

  it('a sync names the pod it moved from, but not after a reconnect to the same pod', () => {
    const { events, lines } = capture();
    const s = { id: 's', localPath: './src', containerPath: '/app' };
    events.send('sync:state', { ...s, pod: 'api-1', state: 'watching' });
    events.send('sync:state', { ...s, pod: 'api-1', state: 'reconnecting', error: 'container container-0 restarted' });
    events.send('sync:state', { ...s, pod: 'api-1', state: 'watching' });
    events.send('sync:state', { ...s, pod: 'api-1', state: 'reconnecting', error: 'pod api-1 is being deleted' });
    events.send('sync:state', { ...s, pod: 'api-2', state: 'reconnecting' });
    events.send('sync:state', { ...s, pod: 'api-2', state: 'watching' });
    expect(lines()).toEqual([
      'sync   ./src → api-1:/app watching',
      'sync   ./src → api-1:/app reconnecting: container container-0 restarted',
      'sync   ./src → api-1:/app watching',
      'sync   ./src → api-1:/app reconnecting: pod api-1 is being deleted',
      'sync   ./src → api-2:/app reconnecting',
      'sync   ./src → api-2:/app watching (moved from api-1)',
    ]);
  });
});
