import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { App } from '../../../src/ui/App.js';
import { Command, COMMANDS } from '../../../src/ui/keys/commands.js';
import { restartNotice } from '../../../src/ui/keys/keymap.js';
import { createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { createTheme } from '../../../src/ui/theme.js';
import { emitter, renderAt, tick } from './helpers.js';

// After a failed start the dashboard stays open; the footer says what to do,
// with the keys the table gives rebuild and redeploy.

const header = { project: 'shop', context: 'kind-dev', namespace: 'dev' };
const phase = (p: 'build' | 'stopping' | 'stopped' | 'dev'): EngineEvent => ({ type: 'engine:phase', payload: { phase: p, at: 1 } });
const FAILED_START: EngineEvent[] = [
  phase('build'),
  { type: 'build:start', payload: { image: 'default', ref: 'shop:abc', dockerfile: 'Dockerfile', context: '.' } },
  { type: 'build:failed', payload: { image: 'default', step: 3, instruction: 'RUN false', message: 'exit code 1', output: [] } },
  { type: 'engine:error', payload: { scope: 'build', message: 'default: RUN false: exit code 1' } },
  phase('stopping'),
  phase('stopped'),
];

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function footerAfter(events: EngineEvent[], commands = COMMANDS) {
  const store = createDashboardStore({ events: emitter(events) });
  store.flush();
  const r = renderAt(<App store={store} header={header} actions={{ quit: vi.fn() }} commands={commands} theme={createTheme({ color: false })} />, { columns: 160, rows: 30 });
  cleanup = () => {
    r.unmount();
    store.dispose();
  };
  await tick();
  return r.lastFrame().split('\n').at(-1) ?? '';
}

describe('restart notice', () => {
  it('names the rebuild and redeploy keys from the table', () => {
    expect(restartNotice(COMMANDS)).toBe('start failed: fix it, then press r to rebuild or d to redeploy');
    const rebound = COMMANDS.map((c) => (c.id === Command.Rebuild ? { ...c, bindings: [{ key: 'b' }] } : c.id === Command.Redeploy ? { ...c, bindings: [] } : c));
    expect(restartNotice(rebound)).toBe('start failed: fix it, then press b to rebuild');
    expect(restartNotice(COMMANDS.filter((c) => c.id !== Command.Rebuild && c.id !== Command.Redeploy))).toBeUndefined();
  });

  it('leads the footer once a start has failed and stopped, before the usual hints', async () => {
    const footer = await footerAfter(FAILED_START);
    expect(footer).toMatch(/^ ✗ start failed: fix it, then press r to rebuild or d to redeploy {2}q quit/);
  });

  it('is gone while the session runs or starts again', async () => {
    expect(await footerAfter([...FAILED_START, phase('build')])).not.toContain('start failed');
    expect(await footerAfter([phase('build'), phase('dev')])).not.toContain('start failed');
  });
});
