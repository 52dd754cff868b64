import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/ui/App.js';
import { createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { createTheme, paneChrome } from '../../../src/ui/theme.js';
import { emitter, renderAt, SESSION, tick, WEB_FAILED } from './helpers.js';

const header = { project: 'shop', context: 'kind-dev', namespace: 'dev' };
const quit = () => undefined;
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function show(columns: number, rows: number, events = [...SESSION, ...WEB_FAILED]) {
  const store = createDashboardStore({ events: emitter(events) });
  store.flush();
  const r = renderAt(<App store={store} header={header} actions={{ quit }} theme={createTheme({ color: false })} />, { columns, rows });
  cleanup = () => {
    r.unmount();
    store.dispose();
  };
  await tick();
  return { ...r, store };
}

describe('dashboard panes', () => {
  it.each([60, 100, 140])('shows every pane at %i columns', async (columns) => {
    const { lastFrame } = await show(columns, 30);
    const frame = lastFrame();
    if (process.env['SHOW_FRAMES']) console.log(frame);
    const lines = frame.split('\n');
    expect(lines.length).toBe(30);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
    expect(frame).toContain('devspace · shop');
    expect(frame).toContain('ctx kind-dev');
    expect(frame).toContain('ns dev');
    expect(frame).toContain('dev');
    expect(frame).toContain('1 Build');
    expect(frame).toContain('2 Ports');
    expect(frame).toContain('3 Sync');
    expect(frame).toContain('4 Logs');
    expect(frame).toContain('api');
    expect(frame).toMatch(/8080 → api-7f9c-xk2:80|8080 → api-7f9c…:80/);
    expect(frame).toContain('./src → /app/src');
    expect(frame).toContain('listening on :80');
    expect(frame).toContain('q quit');
  });

  it('shows the build failure reason in the build pane', async () => {
    const { lastFrame } = await show(140, 30);
    const frame = lastFrame();
    expect(frame).toContain('✗ web failed at step 3/4: exit code 2');
    expect(frame).toContain('failed at step 3/4 RUN npm run build');
    expect(frame).toContain('error TS2304: Cannot find name foo');
  });

  it('shows a running build step and push progress', async () => {
    const { lastFrame } = await show(140, 30, [
      { type: 'build:start', payload: { image: 'api', ref: 'r', dockerfile: 'D', context: '.' } },
      { type: 'build:step', payload: { image: 'api', step: 2, total: 5, instruction: 'RUN npm ci', elapsedMs: 4100 } },
      { type: 'build:done', payload: { image: 'worker', ref: 'r2', ms: 1000 } },
      { type: 'push:start', payload: { image: 'worker', ref: 'r2', registry: 'reg' } },
      { type: 'push:progress', payload: { image: 'worker', layer: 'a', status: 'Pushing', current: 5_000_000, total: 10_000_000 } },
    ]);
    expect(lastFrame()).toContain('step 2/5 4s RUN npm ci');
    expect(lastFrame()).toContain('pushing 0/1 layers 5.0 MB/10.0 MB');
  });

  it('turns the ports and sync borders red with their reasons', async () => {
    const { lastFrame } = await show(100, 30, [
      { type: 'portforward:state', payload: { id: 'p', bindAddress: '127.0.0.1', localPort: 9229, remotePort: 9229, pod: 'api-1', state: 'failed', error: 'address already in use', connections: 0 } },
      { type: 'sync:state', payload: { id: 's', localPath: './app', containerPath: '/app', state: 'error', error: 'no tar in container' } },
    ]);
    expect(lastFrame()).toContain('✗ 9229 failed: address already in use');
    expect(lastFrame()).toContain('✗ ./app: no tar in container');
    expect(lastFrame()).toMatch(/2 Ports ━ ✗ 9229 failed/);
    expect(lastFrame()).toMatch(/3 Sync ━ ✗ \.\/app: no tar/);
  });

  it('draws failed panes red, focused panes in the accent colour, and no colour under NO_COLOR', () => {
    const color = createTheme({ color: true });
    expect(paneChrome(color, { focused: true, failed: true }).color).toBe('red');
    expect(paneChrome(color, { focused: true, failed: false }).color).toBe('cyan');
    const plain = createTheme({ color: false });
    expect(paneChrome(plain, { focused: false, failed: true })).toEqual({ style: 'bold', color: undefined });
    expect(plain.sourceColor('x')).toBeUndefined();
  });

  it('reflows when the terminal is resized', async () => {
    const { lastFrame, stdout } = await show(140, 30);
    expect(lastFrame().split('\n')[2]?.length).toBeGreaterThan(100);
    stdout.resize(60, 24);
    await tick();
    const lines = lastFrame().split('\n');
    expect(lines.length).toBe(24);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lastFrame()).toContain('4 Logs');
  });
});
