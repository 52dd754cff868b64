import { existsSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { uid, waitFor } from '../support/testbed.js';
import { type DashboardProject, quickstartCopy } from '../dashboard/project.js';
import { Tmux } from '../dashboard/tmux.js';

// Ctrl-C in the dashboard while an image builds, in a real terminal (tmux):
// devspace exits 130, the build container is gone, the lock is released and
// the terminal is handed back as it was (main screen, cursor shown, line
// editing and echo on).

const marker = `faults-dash-${uid()}`;
let project: DashboardProject;
let term: Tmux;

beforeAll(async () => {
  ensureBuilt();
  project = await quickstartCopy({ prefix: 'faults-dash', extraStep: `RUN echo ${marker} && sleep 30` });
  term = await Tmux.start({ command: project.command, cwd: project.dir, columns: 100, rows: 30 });
}, 60_000);

afterAll(async () => {
  await term?.kill();
  await project?.dispose();
});

describe('Ctrl-C in the dashboard during a build', () => {
  it('exits 130, removes the build container and restores the terminal', async () => {
    const docker = new Docker();
    const running = async (): Promise<number> => (await docker.listContainers({ all: true })).filter((c) => c.Command.includes(marker)).length;
    await term.waitFor(new RegExp(`step 4/8 .*RUN echo ${marker}`), 'the slow build step on screen', 120_000);
    await waitFor(async () => (await running()) > 0, 30_000, 'the build container of the slow step');
    const started = Date.now();
    await term.press('C-c');
    await term.waitFor(/^EXITED:130$/m, 'devspace to exit 130', 30_000);
    // Read through tmux polling (150 ms steps), so an upper bound of the real figure.
    console.log(`dashboard: Ctrl-C → exit during build: ≤ ${Date.now() - started} ms`);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.display('#{cursor_flag}')).toBe('1');
    await term.line('stty -a | tr " " "\\n" | grep -x -e icanon -e -icanon -e echo -e -echo | tr "\\n" " "; echo STTY-DONE');
    expect(await term.waitFor(/STTY-DONE$/m, 'stty output')).toMatch(/^icanon echo STTY-DONE$/m);
    expect(existsSync(path.join(project.dir, '.devspace', 'dev.lock'))).toBe(false);
    await waitFor(async () => (await running()) === 0, 30_000, 'the build container to be removed');
  });
});
