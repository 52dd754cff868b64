import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Ink 6.8 writes no frames until exit when it thinks it runs in CI (is-in-ci reads CI at import).
const savedCi = vi.hoisted(() => {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  process.env['CI'] = '0';
  process.env['CONTINUOUS_INTEGRATION'] = '0';
  return saved;
});
afterAll(() => {
  for (const [k, v] of Object.entries(savedCi)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { runDashboard } from '../../../src/ui/render.js';
import { ESC } from '../../../src/ui/terminal-host.js';
import { colorAllowed } from '../../../src/ui/theme.js';
import { API_REF, FakeStdin, FakeStdout, tick } from './helpers.js';

const header = { project: 'shop', context: 'kind-dev', namespace: 'dev' };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(actions: Parameters<typeof runDashboard>[0]['actions'], signal?: AbortSignal) {
  const events = new DevEngineEmitter();
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(100, 30);
  const done = runDashboard({
    events,
    header,
    actions,
    signal,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    env: {},
  });
  return { events, stdin, stdout, done };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('runDashboard', () => {
  it('enters the alternate screen, draws, and restores the terminal when q is pressed', async () => {
    const quit = vi.fn();
    const { stdin, stdout, done } = start({ quit });
    await wait(60);
    expect(stdout.frames[0]).toBe(ESC.altEnter + ESC.cursorHide + ESC.clear);
    expect(stdout.all()).toContain('1 Build');
    expect(stdin.rawModes.at(-1)).toBe(true);
    stdin.write('q');
    await done;
    expect(quit).toHaveBeenCalledTimes(1);
    const out = stdout.all();
    expect(out.lastIndexOf(ESC.altLeave)).toBeGreaterThan(out.lastIndexOf('1 Build'));
    expect(out.lastIndexOf(ESC.cursorShow)).toBeGreaterThan(out.lastIndexOf(ESC.cursorHide));
    expect(stdin.rawModes.at(-1)).toBe(false);
  });

  it('restores on ctrl-c too', async () => {
    const quit = vi.fn();
    const { stdin, stdout, done } = start({ quit });
    await wait(40);
    stdin.write('\x03');
    await done;
    expect(quit).toHaveBeenCalledTimes(1);
    expect(stdout.all().endsWith(ESC.cursorShow + ESC.altLeave)).toBe(true);
  });

  it('closes without calling quit when the signal aborts', async () => {
    const quit = vi.fn();
    const ac = new AbortController();
    const { stdout, done } = start({ quit }, ac.signal);
    await wait(40);
    ac.abort();
    await done;
    expect(quit).not.toHaveBeenCalled();
    expect(stdout.all()).toContain(ESC.altLeave);
  });

  it('treats SIGTERM as quit and removes its handlers afterwards', async () => {
    const before = new Set(process.listeners('SIGTERM'));
    const quit = vi.fn();
    const { done } = start({ quit });
    await tick();
    const added = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    (added[0] as () => void)();
    await done;
    expect(quit).toHaveBeenCalledTimes(1);
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toHaveLength(0);
  });

  it('hands the terminal to a container shell and repaints after it', async () => {
    const quit = vi.fn();
    let seen: { out: string; raw: boolean | undefined } | undefined;
    const ctx = start({
      quit,
      openTerminal: async (target) => {
        expect(target).toEqual(API_REF);
        seen = { out: ctx.stdout.all(), raw: ctx.stdin.rawModes.at(-1) };
        ctx.stdout.frames.length = 0;
        await wait(20);
      },
    });
    stop = async () => {
      ctx.stdin.write('q');
      await ctx.done;
    };
    ctx.events.send('logs:lines', { source: API_REF, lines: [{ ts: 0, text: 'hello', stream: 'stdout' }] });
    await wait(120);
    ctx.stdin.write('e');
    await wait(200);
    expect(seen).toBeDefined();
    // The normal screen says where the shell runs and how to get back.
    expect(seen!.out.endsWith(`${ESC.cursorShow}${ESC.altLeave}devspace: shell in api-7f9c-xk2/app (namespace dev); exit it to return to the dashboard\r\n`)).toBe(true);
    expect(seen!.raw).toBe(false);
    // Back: alternate screen again, raw mode again, and a full frame.
    const after = ctx.stdout.all();
    expect(after.startsWith(ESC.altEnter + ESC.cursorHide + ESC.clear)).toBe(true);
    expect(after).toContain('1 Build');
    expect(after).toContain('hello');
    expect(ctx.stdin.rawModes.at(-1)).toBe(true);
  });

  it('reads NO_COLOR the way no-color.org says', () => {
    expect(colorAllowed({})).toBe(true);
    expect(colorAllowed({ NO_COLOR: '' })).toBe(true);
    expect(colorAllowed({ NO_COLOR: '1' })).toBe(false);
  });
});
