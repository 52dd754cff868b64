import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/ui/keys/commands.js';
import { footerHints, formatBindings } from '../../../src/ui/keys/keymap.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { uid } from '../support/testbed.js';
import { type DashboardProject, quickstartCopy, request } from './project.js';
import { COLOR_SGR, expectIntactDashboard, keepCapture, paneRows, rowsOf, width } from './screen.js';
import { sleep, Tmux } from './tmux.js';

// `devspace dev` on (a copy of) the quickstart, driven in a real terminal the
// way a person uses it, against the real test bed. The tests run in order on
// one session: start-up, a shell round trip, the log view, help, rebuild,
// resize, and quitting.

const COLS = 120;
const ROWS = 40;
const marker = uid();
let project: DashboardProject;
let term: Tmux;
let work: string;
const recording = () => path.join(work, 'terminal.raw');
const recorded = () => readFileSync(recording(), 'latin1');

beforeAll(async () => {
  ensureBuilt();
  work = await mkdtemp(path.join(tmpdir(), 'devspace-dash-e2e-'));
  project = await quickstartCopy({
    prefix: 'dash',
    // -vv logs each request's URL, so log lines can be told apart and filtered.
    entrypoint: ['httpd', '-f', '-vv', '-p', '8080', '-h', '/app/public'],
    // A step that takes a few seconds (and misses the cache) keeps the build on screen.
    extraStep: `RUN echo compiling assets && sleep 5 && echo compiled-${marker}`,
  });
  term = await Tmux.start({ command: project.command, cwd: project.dir, columns: COLS, rows: ROWS });
  await term.record(recording());
}, 60_000);

afterAll(async () => {
  await term?.kill();
  await project?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the dashboard in a real terminal', () => {
  it('shows start-up: build steps with a spinner and a running clock, push, deploy and rollout, then forwards and logs', async () => {
    const building = await term.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] default\s+step 4\/8 \d+(ms|s) RUN echo compiling assets/, 'a build step with a spinner', 120_000);
    const clock = (s: string) => /step 4\/8 (\d+)(ms|s) /.exec(s)!;
    const first = clock(building);
    // The step sends no events while it sleeps; the clock still counts up.
    const later = await term.waitFor((s) => {
      const m = /step 4\/8 (\d+)s /.exec(s);
      return !!m && (first[2] === 'ms' || Number(m[1]) > Number(first[1]));
    }, 'the build clock to count up', 30_000);
    expect(later).toContain('1 Build · Deploy');

    const ready = await term.waitFor(
      (s) => new RegExp(`✓ ${project.port} → quickstart-[a-z0-9]{5}:8080\\s+ready`).test(s) && /└ quickstart-[a-z0-9]{5}\s+running/.test(s),
      'the forward and the container to be ready',
      180_000,
    );
    const lines = expectIntactDashboard(await term.settled(), COLS, ROWS);
    expect(ready).toMatch(/✓ default\s+built \d+(\.\d)?m?s · pushed/);
    expect(ready).toMatch(/✓ deploy quickstart\s+ready 1\/1 in \d/);
    expect(lines[0]).toMatch(/● dev\s*$/);
    // The rollout was on screen on the way (too quick to poll, so read what was drawn).
    expect(recorded()).toMatch(/deploying|applied \d+ objects/);
    if (project.sync) {
      await term.waitFor(/✓ \.\/public → \/app\/public\s+watching/, 'the sync watching', 60_000);
      await appendFile(path.join(project.dir, 'public', 'index.html'), `<p>${marker}</p>\n`);
      const synced = await term.waitFor(/watching · ↑1 file /, 'the edit synced', 60_000);
      expect(paneRows(synced, '3 Sync').join('\n')).toMatch(/↑ index\.html/);
    } else {
      expect(paneRows(ready, '3 Sync')[0]).toBe('no sync paths');
    }

    expect(await request(project.port, `/hello-${marker}`)).toBe(404);
    await term.waitFor(new RegExp(`url:/hello-${marker}`), 'the request in the Logs pane');
    const logged = await term.settled();
    expect(paneRows(logged, '4 Logs').some((r) => /^quickstart-[a-z0-9]{5} +│ .*url:\/hello-/.test(r))).toBe(true);
    // Colour is on when NO_COLOR is not set.
    expect(await term.capture({ escapes: true })).toMatch(COLOR_SGR);
    keepCapture('dashboard-120x40.txt', logged);
  });

  it('opens a shell in the selected container; vi, top and a resize work; exiting restores the dashboard', async () => {
    await term.press('j', 'j');
    const selected = await term.capture({ escapes: true });
    // The container row is the selected (inverse) one.
    expect(selected).toMatch(/\x1b\[[0-9;]*7m└ quickstart-[a-z0-9]{5}/);
    const before = rowsOf(await term.settled());

    await term.press('e');
    await term.waitFor(/^\/app #$/m, 'the container shell prompt', 30_000);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.capture()).toMatch(/devspace: shell in quickstart-[a-z0-9]+-[a-z0-9]{5}\/container-0/);
    await term.line(`echo MARK-$((6*7))-${marker}`);
    await term.waitFor(new RegExp(`^MARK-42-${marker}$`, 'm'), 'the echoed marker');

    await term.line('vi /tmp/notes.txt');
    await term.waitFor((s) => s.split('\n').filter((l) => l === '~').length > 20, 'vi on the full screen');
    await term.press('i');
    await term.type('written in vi');
    await term.resize(100, 30);
    await term.waitFor((s) => s.split('\n').filter((l) => l === '~').length > 10 && width(s.split('\n')[0]!) <= 100, 'vi redrawn at 100x30');
    await term.press('Escape');
    await sleep(400);
    await term.line(':wq');
    await term.waitFor(/^\/app #$/m, 'the prompt after vi');
    await term.line('stty size; cat /tmp/notes.txt');
    await term.waitFor(/^30 100\nwritten in vi$/m, 'the shell to see the new size and the file');

    await term.line('top');
    await term.waitFor(/PID +PPID +USER/, 'top on the full screen');
    await term.press('q');
    await term.waitFor(/^\/app #$/m, 'the prompt after top');
    await term.resize(COLS, ROWS);
    await term.line('exit');

    await term.waitFor((s) => s.startsWith(' devspace · ') && s.includes('1 Build · Deploy'), 'the dashboard again', 30_000);
    expect(await term.display('#{alternate_on}')).toBe('1');
    const after = expectIntactDashboard(await term.settled(), COLS, ROWS);
    // Exactly as before: the panes above the logs and the footer are the same rows.
    const top = before.findIndex((l) => l.includes('─ 4 Logs '));
    expect(after.slice(2, top)).toEqual(before.slice(2, top));
    expect(after.at(-1)).toBe(before.at(-1));
    expect(await term.capture({ escapes: true })).toMatch(/\x1b\[[0-9;]*7m└ quickstart-[a-z0-9]{5}/);
    // Keys work again (Node stops reading a TTY the shell paused unless we wait for that).
    await term.press('?');
    await term.waitFor(/─ Keys ─/, 'the help overlay after the shell');
    await term.press('?');
    await term.waitFor(/─ 1 Build · Deploy /, 'the dashboard after closing help');
  });

  it('has a full-screen log view: one container or all, filter by text or /regex/, pause, scroll back, jump to the end', async () => {
    // Enough lines that a page up scrolls the newest out of a 35-row view.
    for (let i = 0; i < 12; i++) await request(project.port, `/filler-${i}`);
    for (const p of ['alpha-1', 'alpha-2', 'beta-1', 'beta-2', 'beta-3']) await request(project.port, `/${p}-${marker}`);
    await term.waitFor(new RegExp(`url:/beta-3-${marker}`), 'the requests in the Logs pane');
    await term.record(undefined);
    await term.press('l');
    let screen = await term.waitFor(/^╭─ Logs ─ all sources/m, 'the full-screen log view');
    expect(screen).not.toContain('1 Build · Deploy');
    expect(rowsOf(screen).at(-1)).toMatch(/esc back/);

    await term.press('/');
    await term.type('alpha');
    await term.press('Enter');
    screen = await term.waitFor(/filter alpha/, 'the text filter');
    expect(screen).toContain(`url:/alpha-2-${marker}`);
    expect(screen).not.toContain(`url:/beta-1-${marker}`);

    await term.press('/', 'C-u');
    await term.type(`/beta-[23]-${marker}/`);
    await term.press('Enter');
    screen = await term.waitFor(new RegExp(`filter /beta-\\[23\\]-${marker}/`), 'the regex filter');
    expect(screen).toContain(`url:/beta-2-${marker}`);
    expect(screen).toContain(`url:/beta-3-${marker}`);
    expect(screen).not.toContain(`url:/beta-1-${marker}`);
    expect(screen).not.toContain(`url:/alpha-1-${marker}`);
    await term.press('Escape');
    screen = await term.waitFor((s) => s.includes(`url:/alpha-1-${marker}`) && !s.includes('filter /'), 'esc to clear the filter');

    // Pause, then new lines arrive below the window instead of scrolling it.
    await term.press('s');
    await term.waitFor(/─ Logs ─ all sources \(\d+\) · paused/, 'paused');
    await request(project.port, `/gamma-1-${marker}`);
    screen = await term.waitFor(/paused · \d+ newer lines? \(G\)/, 'the count of newer lines');
    expect(screen).not.toContain(`url:/gamma-1-${marker}`);
    await term.press('G');
    screen = await term.waitFor(new RegExp(`url:/gamma-1-${marker}`), 'G to jump to the end and follow');
    expect(screen).toMatch(/· following/);

    // Scroll back a page: older lines come into view, newest leaves it, following stops.
    await term.press('PageUp');
    screen = await term.waitFor((s) => /· paused/.test(s) && !s.includes(`url:/gamma-1-${marker}`), 'scrolled back a page');
    await term.press('End');
    await term.waitFor(new RegExp(`url:/gamma-1-${marker}`), 'End to follow again');

    // One container: its lines without the source column, its full name in the title.
    await term.press(']', ']');
    screen = await term.waitFor(/^╭─ Logs ─ quickstart-[a-z0-9]+-[a-z0-9]{5}\/container-0 · following/m, 'the container log view');
    expect(screen).toMatch(new RegExp(`^│ \\[::ffff:127\\.0\\.0\\.1\\]:\\d+: url:/gamma-1-${marker}`, 'm'));
    keepCapture('dashboard-logview.txt', screen);
    await term.press('[', '[', 'Escape');
    await term.waitFor(/─ 1 Build · Deploy /, 'esc back to the dashboard');
  });

  it('lists every key of the key table under ?, and the footer comes from the same table', async () => {
    await term.press('?');
    const help = await term.waitFor(/─ Keys ─ \d+ commands/, 'the help overlay');
    expect(help).toContain(`${COMMANDS.length} commands`);
    // Long descriptions wrap onto the next row; read the pane as one text.
    const text = paneRows(help, 'Keys').join(' ').replace(/\s+/g, ' ');
    for (const c of COMMANDS) {
      expect(text, c.id).toContain(c.description.replace(/\s+/g, ' '));
      expect(text, c.id).toContain(formatBindings(c).slice(0, 16).trimEnd());
    }
    await term.press('Escape');
    await term.waitFor(/─ 1 Build · Deploy /, 'the dashboard');
    const footer = rowsOf(await term.settled()).at(-1)!;
    const hints = footerHints(COMMANDS, 'dashboard').map((h) => `${h.keys} ${h.label}`);
    // Left to right, as many as fit: the first hints are there in table order.
    let at = -1;
    for (const h of hints.slice(0, 8)) {
      const i = footer.indexOf(h);
      expect(i, `${h} in ${footer}`).toBeGreaterThan(at);
      at = i;
    }
  });

  it('rebuilds (r) and redeploys (d) from the dashboard, drawing only the rows that change', async () => {
    const rebuild = path.join(work, 'rebuild.raw');
    await term.record(rebuild);
    await term.press('r');
    await term.waitFor(/rebuilding and redeploying…/, 'the rebuild flash');
    await term.waitFor(() => /default\s+(step \d+\/8|starting)/.test(readFileSync(rebuild, 'latin1')), 'the forced build on screen', 60_000);
    await term.waitFor(() => /deploying|applied \d+ objects/.test(readFileSync(rebuild, 'latin1')), 'the redeploy after the rebuild', 60_000);
    await term.waitFor(/✓ deploy quickstart\s+ready 1\/1[^\n]*\n[^\n]*└ quickstart-[a-z0-9]{5} +running/, 'ready after the rebuild', 120_000);
    await term.record(undefined);

    const redeploy = path.join(work, 'redeploy.raw');
    await term.record(redeploy);
    await term.press('d');
    await term.waitFor(/redeploying…/, 'the redeploy flash');
    await term.waitFor(() => /deploying|applied \d+ objects/.test(readFileSync(redeploy, 'latin1')), 'the deploy on screen', 60_000);
    await term.waitFor(/✓ deploy quickstart\s+ready 1\/1[^\n]*\n[^\n]*└ quickstart-[a-z0-9]{5} +running/, 'ready after the redeploy', 120_000);
    await term.settled(1000, 30_000);
    await term.record(undefined);
    // No frame cleared the screen: each one moved to the changed rows and rewrote only those.
    const raw = readFileSync(rebuild, 'latin1') + readFileSync(redeploy, 'latin1');
    expect(raw).not.toMatch(/\x1b\[2J|\x1b\[3J/);
    expect(raw).toMatch(/\x1b\[\?2026h\x1b\[\d+;1H\x1b\[2K/);

    // A key that changes one row (s: the Logs title says paused) rewrites that row, not the screen.
    const key = path.join(work, 'key.raw');
    await term.record(key);
    await term.press('s');
    await term.waitFor(/─ 4 Logs ─ all sources \(\d+\) · paused/, 'paused');
    await sleep(300);
    await term.record(undefined);
    const rows = readFileSync(key, 'latin1').match(/\x1b\[\d+;1H/g) ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(3);
    await term.press('s');
    await term.waitFor(/─ 4 Logs ─ all sources \(\d+\) · following/, 'following again');
  });

  it('reflows to 80x24 on a resize and back, with nothing cut off', async () => {
    for (const p of ['/', '/about']) await request(project.port, p);
    await term.waitFor(/url:\/about/, 'the requests in the Logs pane');
    await term.resize(80, 24);
    await term.waitFor((s) => s.split('\n')[0]!.length <= 80 && /─ 2 Ports ─.*─ 3 Sync ─/.test(s), 'the 80x24 layout');
    const small = await term.settled();
    expectIntactDashboard(small, 80, 24);
    const build = paneRows(small, '1 Build · Deploy');
    // After `d` (a redeploy runs the build stage unforced) the image is up to date.
    expect(build.some((r) => /^✓ default +(built|up to date)/.test(r)), small).toBe(true);
    expect(build.some((r) => /└ quickstart-[a-z0-9]{5} +running/.test(r))).toBe(true);
    expect(paneRows(small, '2 Ports')[0]).toMatch(new RegExp(`✓ ${project.port} → quickstart.*:8080 +ready`));
    expect(paneRows(small, '4 Logs').length).toBeGreaterThanOrEqual(8);
    expect(small).toContain('url:/about');
    keepCapture('dashboard-80x24.txt', small);
    await term.resize(COLS, ROWS);
    await term.waitFor((s) => /─ 1 Build · Deploy ─.*─ 2 Ports ─/.test(s), 'the wide layout again');
    expectIntactDashboard(await term.settled(), COLS, ROWS);
  });

  it('quits with q and leaves the terminal as it found it', async () => {
    await term.press('q');
    await term.waitFor(/^EXITED:0$/m, 'devspace to exit 0', 30_000);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.display('#{cursor_flag}')).toBe('1');
    await term.line('stty -a | tr " " "\\n" | grep -x -e icanon -e -icanon -e echo -e -echo -e isig -e -isig | tr "\\n" " "; echo STTY-DONE');
    const screen = await term.waitFor(/STTY-DONE$/m, 'stty output');
    expect(screen).toMatch(/^icanon isig echo STTY-DONE$|^isig icanon echo STTY-DONE$/m);
  });
});
