import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../../src/engine/lock/project-lock.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { waitFor } from '../support/testbed.js';
import { type DashboardProject, quickstartCopy, request } from './project.js';
import { expectIntactDashboard, paneRows, rowsOf } from './screen.js';
import { Tmux } from './tmux.js';

// A broken first build does not end the dashboard (Tilt-like): the Build pane
// turns red with the failing step, the footer says to fix it and press r, and
// r runs the whole start again: build, push, deploy, then the forward answers.

const COLS = 120;
const ROWS = 32;
const BROKEN = 'RUN echo "error: no such file: assets/app.css" && false';
let project: DashboardProject;
let term: Tmux;
let dockerfile: string;

beforeAll(async () => {
  ensureBuilt();
  project = await quickstartCopy({ prefix: 'dash-restart', extraStep: BROKEN });
  dockerfile = path.join(project.dir, 'Dockerfile');
  term = await Tmux.start({ command: project.command, cwd: project.dir, columns: COLS, rows: ROWS });
}, 60_000);

afterAll(async () => {
  await term?.kill();
  await project?.dispose();
});

describe('a failed start in the dashboard', () => {
  it('keeps the dashboard open with the build pane red, the reason and what to do', async () => {
    const failed = await term.waitFor(/[━─] 1 Build · Deploy [━─] ✗ default failed at step 4\/8/, 'the Build pane to turn red', 120_000);
    const rows = paneRows(failed, '1 Build · Deploy').join('\n');
    expect(rows).toMatch(/✗ default +failed at step 4\/8 RUN echo/);
    expect(rows).toContain('error: no such file: assets/app.css');
    expect(rows).toContain('→ fix the build, then press r to rebuild');
    const waiting = await term.waitFor(/✗ start failed: fix it, then press r to rebuild or d to redeploy/, 'the footer to say what to do', 30_000);
    expect(rowsOf(waiting).at(-1)).toMatch(/^ ✗ start failed: fix it, then press r to rebuild or d to redeploy {2}q quit/);
    // Whole: every row there and none wider than the terminal (the footer is the one `expectIntactDashboard` would reject).
    expect(rowsOf(waiting)).toHaveLength(ROWS);
    for (const line of rowsOf(waiting)) expect([...line].length, line).toBeLessThanOrEqual(COLS);
    // Still open a while later: no exit line, the alternate screen still up, the lock still held.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await term.capture()).not.toMatch(/EXITED:/);
    expect(await term.display('#{alternate_on}')).toBe('1');
    expect(existsSync(lockPath(project.dir))).toBe(true);
  });

  it('runs the whole start again on r once the Dockerfile is fixed, up to the forwarded port', async () => {
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace(`${BROKEN}\n`, ''));
    await term.press('r');
    await term.waitFor(/✓ deploy quickstart\s+ready 1\/1/, 'the rollout to finish', 180_000);
    const status = await waitFor(() => request(project.port, '/'), 60_000, 'the forwarded port to answer');
    expect(status).toBe(200);
    const up = await term.waitFor((s) => !s.includes('start failed') && paneRows(s, '2 Ports').join(' ').includes(String(project.port)), 'the Ports pane with the forward');
    expect(up).not.toMatch(/[━─] 1 Build · Deploy [━─] ✗/);
    expectIntactDashboard(up, COLS, ROWS);
  });

  it('quits on q with exit code 0, the terminal restored and the lock released', async () => {
    await term.press('q');
    await term.waitFor(/^EXITED:0$/m, 'devspace to exit 0', 30_000);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.display('#{cursor_flag}')).toBe('1');
    expect(existsSync(lockPath(project.dir))).toBe(false);
  });
});
