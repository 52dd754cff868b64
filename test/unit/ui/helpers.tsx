import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { stripAnsi } from '../../../src/ui/text.js';

/** React 19 batches renders; yield a macrotask (setImmediate → setTimeout 0) before reading a frame. */
export const tick = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 0)));

/** A stdout with a chosen size (ink-testing-library's is fixed at 100 columns and has no rows). */
export class FakeStdout extends EventEmitter {
  isTTY = true;
  writable = true;
  frames: string[] = [];
  constructor(
    public columns = 100,
    public rows = 30,
  ) {
    super();
  }
  write = (chunk: string, cb?: unknown) => {
    this.frames.push(String(chunk));
    if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
    return true;
  };
  lastFrame = () => stripAnsi(this.frames.at(-1) ?? '');
  all = () => this.frames.join('');
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** A TTY stdin that Ink can read keys from, recording raw-mode changes. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  rawModes: boolean[] = [];
  private data: string | null = null;
  setRawMode(on: boolean) {
    this.rawModes.push(on);
    return this;
  }
  setEncoding() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  /** Type keys; escape sequences such as '\x1b[Z' (shift-tab) go in one write. */
  write(data: string) {
    this.data = data;
    this.emit('readable');
  }
}

/** Render a tree at a terminal size, in debug mode so every frame is complete. */
export function renderAt(node: ReactElement, size: { columns: number; rows: number }) {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = render(node, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdout,
    stdin,
    lastFrame: stdout.lastFrame,
    async press(keys: string) {
      stdin.write(keys);
      await tick();
    },
    rerender: (next: ReactElement) => instance.rerender(next),
    unmount: () => instance.unmount(),
  };
}

/** Send events on a fresh emitter. */
export function emitter(events: readonly EngineEvent[] = []): DevEngineEmitter {
  const e = new DevEngineEmitter();
  for (const ev of events) e.send(ev.type, ev.payload as never);
  return e;
}

const ref = { namespace: 'dev', pod: 'api-7f9c-xk2', container: 'app' };

/** A typical session: api built and pushed, web failing, deployed, one forward, one sync, some logs. */
export const SESSION: EngineEvent[] = [
  { type: 'engine:phase', payload: { phase: 'build', at: 1 } },
  { type: 'build:start', payload: { image: 'api', ref: 'reg.local/api:abc', dockerfile: 'Dockerfile', context: '.' } },
  { type: 'build:step', payload: { image: 'api', step: 2, total: 5, instruction: 'RUN npm ci', elapsedMs: 4100 } },
  { type: 'build:log', payload: { image: 'api', lines: ['added 120 packages'] } },
  { type: 'build:done', payload: { image: 'api', ref: 'reg.local/api:abc', ms: 14_200 } },
  { type: 'push:start', payload: { image: 'api', ref: 'reg.local/api:abc', registry: 'reg.local' } },
  { type: 'push:progress', payload: { image: 'api', layer: 'l1', status: 'Pushed', current: 10, total: 10 } },
  { type: 'push:done', payload: { image: 'api', ref: 'reg.local/api:abc', ms: 900 } },
  { type: 'engine:phase', payload: { phase: 'deploy', at: 2 } },
  { type: 'deploy:start', payload: { deployment: 'api', type: 'kubectl', namespace: 'dev' } },
  { type: 'deploy:rollout', payload: { deployment: 'api', workload: 'deployment/api', ready: 1, desired: 1, pods: [] } },
  { type: 'deploy:done', payload: { deployment: 'api', ms: 3100 } },
  { type: 'engine:phase', payload: { phase: 'dev', at: 3 } },
  { type: 'portforward:state', payload: { id: 'pf0', bindAddress: '127.0.0.1', localPort: 8080, remotePort: 80, pod: 'api-7f9c-xk2', state: 'ready', connections: 0 } },
  { type: 'sync:state', payload: { id: 's0', localPath: './src', containerPath: '/app/src', pod: 'api-7f9c-xk2', state: 'watching' } },
  { type: 'sync:batch', payload: { id: 's0', direction: 'up', changed: ['src/index.ts'], deleted: [], bytes: 1200, ms: 40 } },
  { type: 'logs:lines', payload: { source: ref, lines: [{ ts: 1, text: 'listening on :80', stream: 'stdout' }] } },
];

/** The web image failing at step 3. */
export const WEB_FAILED: EngineEvent[] = [
  { type: 'build:start', payload: { image: 'web', ref: 'reg.local/web:def', dockerfile: 'Dockerfile', context: 'web' } },
  { type: 'build:step', payload: { image: 'web', step: 3, total: 4, instruction: 'RUN npm run build', elapsedMs: 2000 } },
  { type: 'build:failed', payload: { image: 'web', step: 3, instruction: 'RUN npm run build', message: 'exit code 2', output: ['error TS2304: Cannot find name foo'] } },
];

export const API_REF = ref;
