import { Text } from 'ink';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { App } from '../../../src/ui/App.js';
import { Pane } from '../../../src/ui/components/Pane.js';
import { createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { createTheme, ThemeContext } from '../../../src/ui/theme.js';
import { renderAt, tick } from './helpers.js';

const REF = { namespace: 'dev', pod: 'api-7f9c5d6b8d-xk2p2', container: 'app' };
const RUNNING: EngineEvent[] = [
  { type: 'engine:phase', payload: { phase: 'dev', at: 1 } },
  { type: 'deploy:start', payload: { deployment: 'api', type: 'component', namespace: 'dev' } },
  { type: 'deploy:rollout', payload: { deployment: 'api', workload: 'Deployment/api', ready: 1, desired: 1, pods: [{ name: REF.pod, status: 'Running', ready: true, restarts: 0 }] } },
  { type: 'deploy:done', payload: { deployment: 'api', ms: 2000 } },
  { type: 'logs:state', payload: { source: REF, state: 'streaming' } },
];

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function mount(actions: { analyze?: () => void; rebuild?: () => void } = {}) {
  const events = new DevEngineEmitter();
  const store = createDashboardStore({ events, batchMs: 1 });
  for (const e of RUNNING) events.send(e.type, e.payload as never);
  store.flush();
  const r = renderAt(<App store={store} header={{ project: 'shop', context: 'kind', namespace: 'dev' }} actions={{ quit: vi.fn(), ...actions }} theme={createTheme({ color: false })} />, {
    columns: 100,
    rows: 30,
  });
  cleanup = () => {
    r.unmount();
    store.dispose();
  };
  await tick();
  const send = async (...evs: EngineEvent[]) => {
    for (const e of evs) events.send(e.type, e.payload as never);
    store.flush();
    await tick();
  };
  return { ...r, store, send };
}

describe('problems without asking', () => {
  it('a crash-looping container turns the Build pane red, runs analyze by itself and shows its hint', async () => {
    const analyze = vi.fn();
    const { lastFrame, send } = await mount({ analyze });
    expect(lastFrame()).toMatch(/└ api-xk2p2 +running/);
    expect(analyze).not.toHaveBeenCalled();

    await send({ type: 'logs:state', payload: { source: REF, state: 'waiting', reason: 'CrashLoopBackOff' } });
    expect(analyze).toHaveBeenCalledTimes(1);
    // Heavy border and a cross without colour; the reason in the title and the status line.
    expect(lastFrame()).toMatch(/┏━ 1 Build · Deploy ━ ✗ api-xk2p2 CrashLoopBackOff/);
    expect(lastFrame()).toMatch(/✗ └ api-xk2p2 +CrashLoopBackOff/);
    expect(lastFrame().split('\n')[1]).toBe(' ✗ api-xk2p2 CrashLoopBackOff (a: analysis)');
    expect(lastFrame()).toContain('→ analyzing… (a: full analysis)');

    await send({
      type: 'analyze:report',
      payload: { namespace: 'dev', findings: [{ severity: 'error', kind: 'crash-loop', object: `pod/${REF.pod}/app`, message: 'app keeps crashing', hint: 'its last log lines say why' }] },
    });
    expect(lastFrame()).toContain('→ app keeps crashing → its last log lines say why');
    // The same failure does not analyze again.
    await send({ type: 'logs:lines', payload: { source: REF, lines: [{ ts: 1, text: 'boom', stream: 'stderr' }] } });
    expect(analyze).toHaveBeenCalledTimes(1);
  });

  it('a failed build says where it failed, shows its output and what to do; the status line drops "rebuilding…"', async () => {
    const { lastFrame, send, press } = await mount({ rebuild: vi.fn() });
    await press('r');
    expect(lastFrame().split('\n')[1]).toBe(' rebuilding and redeploying…');
    await send(
      { type: 'build:start', payload: { image: 'api', ref: 'r', dockerfile: 'Dockerfile', context: '.' } },
      { type: 'build:step', payload: { image: 'api', step: 3, total: 5, instruction: 'RUN make', elapsedMs: 10 } },
      { type: 'build:failed', payload: { image: 'api', step: 3, instruction: 'RUN make', message: 'exit code 2', output: [' ---> Running in 123', 'make: *** [all] Error 2', 'Removing intermediate container 123'] } },
    );
    const frame = lastFrame();
    expect(frame).toMatch(/━ 1 Build · Deploy ━ ✗ api failed at step 3\/5: exit code 2/);
    expect(frame).toContain('make: *** [all] Error 2');
    // Docker's bookkeeping lines say nothing about the failure.
    expect(frame).not.toContain('Removing intermediate container');
    expect(frame).toContain('→ fix the build, then press r to rebuild');
    expect(frame.split('\n')[1]).toBe(' ✗ api failed at step 3/5: exit code 2 (a: analysis)');
  });
});

describe('Pane', () => {
  // Ink 6.8 applies only changed style keys: a new borderStyle alone turned the hidden top border back on.
  it('keeps its rows in place when the border style changes (focus, failure without colour)', async () => {
    let fail: (f: boolean) => void = () => undefined;
    function Probe() {
      const [failed, setFailed] = useState(false);
      fail = setFailed;
      return (
        <ThemeContext.Provider value={createTheme({ color: false })}>
          <Pane title="1 Build" width={30} height={5} focused failure={failed ? 'boom' : undefined}>
            <Text>row one</Text>
            <Text>row two</Text>
            <Text>row three</Text>
          </Pane>
        </ThemeContext.Provider>
      );
    }
    const r = renderAt(<Probe />, { columns: 30, rows: 10 });
    cleanup = () => r.unmount();
    await tick();
    expect(r.lastFrame().split('\n').slice(0, 4)).toEqual([`╔═ 1 Build ${'═'.repeat(18)}╗`, `║ row one${' '.repeat(20)}║`, `║ row two${' '.repeat(20)}║`, `║ row three${' '.repeat(18)}║`]);
    fail(true);
    await tick();
    const lines = r.lastFrame().split('\n');
    expect(lines[0]).toMatch(/^┏━ 1 Build ━ ✗ boom ━+┓$/);
    expect(lines.slice(1, 4)).toEqual([`┃ row one${' '.repeat(20)}┃`, `┃ row two${' '.repeat(20)}┃`, `┃ row three${' '.repeat(18)}┃`]);
  });
});
