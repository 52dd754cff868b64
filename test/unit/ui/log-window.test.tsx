import { afterEach, describe, expect, it } from 'vitest';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { App } from '../../../src/ui/App.js';
import { computeLayout, PANE_CHROME, paneBoxes } from '../../../src/ui/layout.js';
import { createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { paneWants } from '../../../src/ui/store/selectors.js';
import { createTheme } from '../../../src/ui/theme.js';
import { API_REF, renderAt, tick } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('log pane windowing', () => {
  it('renders only the visible window of 10,000 lines, newest last', async () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events });
    for (let batch = 0; batch < 20; batch++) {
      const lines = Array.from({ length: 500 }, (_, i) => ({ ts: 0, text: `line ${batch * 500 + i}`, stream: 'stdout' as const }));
      events.send('logs:lines', { source: API_REF, lines });
    }
    store.flush();
    expect(store.getSnapshot().logs.buffer(null).size).toBe(10_000);
    const r = renderAt(<App store={store} header={{ project: 'p', context: 'c', namespace: 'n' }} actions={{ quit: () => undefined }} theme={createTheme({ color: false })} />, {
      columns: 100,
      rows: 30,
    });
    cleanup = () => {
      r.unmount();
      store.dispose();
    };
    await tick();

    const layout = computeLayout(100, 30, paneWants(store.getSnapshot().engine));
    const paneRows = paneBoxes(layout).find((b) => b.pane === 'logs')!.height - PANE_CHROME;
    const logLines = r.lastFrame().split('\n').filter((l) => /line \d+/.test(l));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.length).toBeLessThanOrEqual(paneRows);
    expect(logLines.at(-1)).toContain('line 9999');
    // Exactly the newest rows, consecutive: a pane fed too many rows would be squeezed by Yoga into a sample.
    const numbers = logLines.map((l) => Number(/line (\d+)/.exec(l)?.[1]));
    expect(numbers).toEqual(numbers.map((_, i) => 10_000 - numbers.length + i));

    // The full-screen view is taller but still a window.
    await r.press('l');
    const full = r.lastFrame().split('\n').filter((l) => /line \d+/.test(l));
    expect(full.length).toBeGreaterThan(logLines.length);
    expect(full.length).toBeLessThanOrEqual(30 - 3 - PANE_CHROME);
    expect(full.at(-1)).toContain('line 9999');
  });

  it('keeps following as new lines arrive', async () => {
    const events = new DevEngineEmitter();
    const store = createDashboardStore({ events });
    const r = renderAt(<App store={store} header={{ project: 'p', context: 'c', namespace: 'n' }} actions={{ quit: () => undefined }} theme={createTheme({ color: false })} />, {
      columns: 80,
      rows: 24,
    });
    cleanup = () => {
      r.unmount();
      store.dispose();
    };
    events.send('logs:lines', { source: API_REF, lines: [{ ts: 0, text: 'first', stream: 'stdout' }] });
    store.flush();
    await tick();
    expect(r.lastFrame()).toContain('first');
    events.send('logs:lines', { source: API_REF, lines: Array.from({ length: 50 }, (_, i) => ({ ts: 0, text: `more ${i}`, stream: 'stdout' as const })) });
    store.flush();
    await tick();
    expect(r.lastFrame()).toContain('more 49');
    expect(r.lastFrame()).not.toContain('first');
  });
});
