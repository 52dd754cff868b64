import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { DashboardActions } from '../../../src/ui/actions.js';
import { App } from '../../../src/ui/App.js';
import { Command, COMMANDS, type CommandSpec } from '../../../src/ui/keys/commands.js';
import { footerHints } from '../../../src/ui/keys/keymap.js';
import { helpLines } from '../../../src/ui/panes/HelpOverlay.js';
import { createDashboardStore } from '../../../src/ui/store/dashboard-store.js';
import { createTheme } from '../../../src/ui/theme.js';
import { API_REF, emitter, renderAt, SESSION, tick } from './helpers.js';

const header = { project: 'shop', context: 'kind-dev', namespace: 'dev' };
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function mount(opts: { actions?: Partial<DashboardActions>; commands?: readonly CommandSpec[]; events?: EngineEvent[]; columns?: number; rows?: number } = {}) {
  const store = createDashboardStore({ events: emitter(opts.events ?? SESSION) });
  store.flush();
  const actions = { quit: vi.fn(), ...opts.actions };
  const r = renderAt(<App store={store} header={header} actions={actions} commands={opts.commands} theme={createTheme({ color: false })} />, {
    columns: opts.columns ?? 160,
    rows: opts.rows ?? 40,
  });
  cleanup = () => {
    r.unmount();
    store.dispose();
  };
  await tick();
  const footer = () => r.lastFrame().split('\n').at(-1) ?? '';
  return { ...r, store, actions, footer };
}

describe('footer', () => {
  it('shows a hint for every footer command of the dashboard, from the key table', async () => {
    const { footer } = await mount();
    const hints = footerHints(COMMANDS, 'dashboard');
    for (const h of hints) expect(footer()).toContain(`${h.keys} ${h.label}`);
    const covered = new Set(hints.flatMap((h) => h.commands));
    for (const c of COMMANDS.filter((x) => x.footer && x.when.includes('dashboard'))) expect(covered.has(c.id), c.id).toBe(true);
  });

  it('follows a change to the table: a rebound key shows in the footer and triggers the command', async () => {
    const table = COMMANDS.map((c) => (c.id === Command.Quit ? { ...c, hint: 'leave', bindings: [{ key: 'x' }] } : c));
    const { footer, press, actions } = await mount({ commands: table });
    expect(footer()).toContain('x leave');
    expect(footer()).not.toContain('q quit');
    await press('q');
    expect(actions.quit).not.toHaveBeenCalled();
    await press('x');
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('drops hints that do not fit instead of wrapping', async () => {
    const { footer } = await mount({ columns: 60, rows: 24 });
    expect(footer().length).toBeLessThanOrEqual(60);
    expect(footer()).toContain('q quit');
  });
});

describe('keys', () => {
  it('? lists every command of the table, and ? again closes it', async () => {
    const { press, lastFrame } = await mount({ rows: 50 });
    await press('?');
    for (const c of COMMANDS) expect(lastFrame()).toContain(c.description);
    expect(lastFrame()).toContain('ctrl-c');
    expect(lastFrame()).toContain('shift-tab');
    await press('?');
    expect(lastFrame()).toContain('1 Build');
  });

  it('? wraps long descriptions on a narrow terminal and scrolls to the last key', async () => {
    const inner = 80 - 4;
    for (const l of helpLines(COMMANDS, inner)) expect(`${l.keys}  ${l.text}`.length).toBeLessThanOrEqual(inner);
    for (const c of COMMANDS) {
      const text = helpLines(COMMANDS, inner).filter((l) => l.id.startsWith(`${c.id}#`)).map((l) => l.text).join(' ');
      expect(text).toBe(c.description);
    }
    const { press, lastFrame } = await mount({ columns: 80, rows: 24 });
    await press('?');
    expect(lastFrame()).toContain('j/k scroll');
    for (let i = 0; i < 30; i++) await press('j');
    expect(lastFrame()).toContain(COMMANDS.at(-1)!.description);
  });

  it('l opens the full-screen log view and esc returns', async () => {
    const { press, lastFrame, footer } = await mount();
    await press('l');
    expect(lastFrame()).not.toContain('1 Build');
    expect(lastFrame()).toMatch(/[═─] Logs [═─]/);
    expect(lastFrame()).not.toContain('4 Logs');
    expect(lastFrame()).toContain('listening on :80');
    expect(footer()).toContain('esc back');
    expect(footer()).toContain('/ filter');
    await press('\x1b');
    await tick();
    expect(lastFrame()).toContain('1 Build');
  });

  it('/ filters the log view with text or a /regex/', async () => {
    const lines = ['GET /health 200', 'POST /orders 500', 'GET /orders 200'].map((text, i) => ({ ts: i, text, stream: 'stdout' as const }));
    const { press, lastFrame, footer } = await mount({ events: [{ type: 'logs:lines', payload: { source: API_REF, lines } }] });
    await press('l');
    await press('/');
    expect(footer()).toContain('enter apply');
    for (const ch of 'orders') await press(ch);
    expect(lastFrame()).toContain('POST /orders 500');
    expect(lastFrame()).toContain('GET /orders 200');
    expect(lastFrame()).not.toContain('GET /health');
    await press('\r');
    expect(lastFrame()).toContain('filter orders');
    // A new filter written as a regex.
    await press('/');
    for (let i = 0; i < 6; i++) await press('\x7f');
    for (const ch of '/^GET/') await press(ch);
    expect(lastFrame()).toContain('GET /health 200');
    expect(lastFrame()).toContain('GET /orders 200');
    expect(lastFrame()).not.toContain('POST /orders');
    expect(lastFrame()).toContain('regex');
  });

  it('q calls actions.quit; ctrl-c calls actions.interrupt, or quit when there is none', async () => {
    const interrupt = vi.fn();
    const { press, actions } = await mount({ actions: { interrupt } });
    await press('q');
    expect(actions.quit).toHaveBeenCalledTimes(1);
    await press('\x03');
    expect(interrupt).toHaveBeenCalledTimes(1);
    expect(actions.quit).toHaveBeenCalledTimes(1);
    cleanup?.();
    const plain = await mount();
    await plain.press('\x03');
    expect(plain.actions.quit).toHaveBeenCalledTimes(1);
  });

  it('tab, shift-tab and 1-4 move the focus', async () => {
    const { press, store } = await mount();
    await press('\t');
    expect(store.getSnapshot().view.focus).toBe('ports');
    await press('\x1b[Z');
    expect(store.getSnapshot().view.focus).toBe('build');
    await press('4');
    expect(store.getSnapshot().view.focus).toBe('logs');
  });

  it('r rebuilds, d redeploys, a opens analyze', async () => {
    const rebuild = vi.fn();
    const redeploy = vi.fn();
    const analyze = vi.fn();
    const { press, lastFrame } = await mount({ actions: { rebuild, redeploy, analyze } });
    await press('r');
    expect(rebuild).toHaveBeenCalledTimes(1);
    expect(lastFrame()).toContain('rebuilding and redeploying…');
    await press('d');
    expect(redeploy).toHaveBeenCalledTimes(1);
    expect(lastFrame()).toContain('redeploying…');
    await press('a');
    expect(analyze).toHaveBeenCalledTimes(1);
    expect(lastFrame()).toContain('Analyze');
    expect(lastFrame()).toContain('waiting for an analyze report');
  });

  it('says so when an action is not available', async () => {
    const { press, lastFrame } = await mount();
    await press('r');
    expect(lastFrame()).toContain('rebuild is not available');
  });

  it('applies a filter typed together with its Enter (a paste, a fast terminal)', async () => {
    const lines = ['GET /health 200', 'POST /orders 500'].map((text, i) => ({ ts: i, text, stream: 'stdout' as const }));
    const { press, lastFrame, store } = await mount({ events: [{ type: 'logs:lines', payload: { source: API_REF, lines } }] });
    await press('l');
    await press('/');
    await press('orders\r');
    expect(store.getSnapshot().view.filter).toMatchObject({ text: 'orders', editing: false });
    expect(lastFrame()).toContain('POST /orders 500');
    expect(lastFrame()).not.toContain('GET /health');
  });

  it('j/k select a container row in the Build pane and e opens a shell in it', async () => {
    const openTerminal = vi.fn(async () => undefined);
    const other = { namespace: 'dev', pod: 'api-7f9c-zz9', container: 'app' };
    const { press } = await mount({ actions: { openTerminal }, events: [...SESSION, { type: 'logs:state', payload: { source: other, state: 'streaming' } }] });
    // Rows: image api, deploy api, └ api-7f9c-xk2, └ api-7f9c-zz9.
    await press('j');
    await press('j');
    await press('\x1b[B');
    await press('e');
    await tick();
    expect(openTerminal).toHaveBeenCalledWith(other);
  });

  it('e opens a terminal in the selected container', async () => {
    const openTerminal = vi.fn(async () => undefined);
    const { press, store } = await mount({ actions: { openTerminal } });
    await press('e');
    await tick();
    expect(openTerminal).toHaveBeenCalledWith(API_REF);
    expect(store.getSnapshot().view.handoff).toBe(false);
  });

  it('j/k scroll the focused log pane and G follows again', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ ts: i, text: `row ${i}`, stream: 'stdout' as const }));
    const { press, lastFrame, store } = await mount({ events: [{ type: 'logs:lines', payload: { source: API_REF, lines } }] });
    await press('4');
    for (let i = 0; i < 5; i++) await press('k');
    expect(store.getSnapshot().view.autoscroll).toBe(false);
    expect(lastFrame()).toContain('row 194');
    expect(lastFrame()).not.toContain('row 199');
    expect(lastFrame()).toContain('paused · 5 newer lines (G)');
    await press('G');
    expect(lastFrame()).toContain('row 199');
    expect(store.getSnapshot().view.autoscroll).toBe(true);
  });
});
