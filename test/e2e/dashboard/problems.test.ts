import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { uid } from '../support/testbed.js';
import { type DashboardProject, quickstartCopy } from './project.js';
import { COLOR_SGR, expectIntactDashboard, paneRows } from './screen.js';
import { Tmux } from './tmux.js';

// Problems show without asking: a container that crash-loops and a build
// that fails turn the Build pane red with the reason and a hint, and `a`
// opens the full analysis. The session runs under NO_COLOR, so the red is
// also carried without colour, and ends with Ctrl-C.

const COLS = 100;
const ROWS = 30;
let project: DashboardProject;
let term: Tmux;

beforeAll(async () => {
  ensureBuilt();
  project = await quickstartCopy({
    prefix: 'dash-problems',
    // Serves long enough for the rollout to finish, then dies the way apps do.
    entrypoint: ['sh', '-c', 'httpd -f -v -p 8080 -h /app/public & sleep 12; echo "fatal: cannot reach the database at db:5432" >&2; exit 3'],
  });
  term = await Tmux.start({ command: project.command, cwd: project.dir, columns: COLS, rows: ROWS, env: { NO_COLOR: '1' } });
}, 60_000);

afterAll(async () => {
  await term?.kill();
  await project?.dispose();
});

describe('problems in the dashboard', () => {
  it('turns the Build pane red for a crash-looping container, with the reason and the analyze hint', async () => {
    await term.waitFor(/✓ deploy quickstart\s+ready 1\/1/, 'the rollout to finish', 180_000);
    const failing = await term.waitFor(
      /[─━] 1 Build · Deploy [─━] ✗ quickstart-[a-z0-9]{5} (exited with 3 \(Error\)|CrashLoopBackOff)/,
      'the Build pane to turn red',
      120_000,
    );
    expect(failing).toMatch(/✗ └ quickstart-[a-z0-9]{5} +(exited with 3 \(Error\)|CrashLoopBackOff)/);
    expect(failing.split('\n')[1]).toMatch(/^ ✗ quickstart-[a-z0-9]{5} .*\(a: analysis\)/);
    // The analyze pass runs by itself and its explanation lands in the pane.
    const explained = await term.waitFor((s) => paneRows(s, '1 Build · Deploy').join(' ').includes('→ container container-0 keeps crashing'), 'the analyze hint in the pane', 60_000);
    expectIntactDashboard(explained, COLS, ROWS);
    // NO_COLOR: no colour anywhere; a failed pane is drawn with a heavy border instead.
    const raw = await term.capture({ escapes: true });
    expect(raw).not.toMatch(COLOR_SGR);
    expect(explained).toMatch(/^┏━ 1 Build · Deploy ━ ✗/m);

    await term.press('a');
    const analysis = await term.waitFor(/[─━═] Analyze [─━═]/, 'the analyze view');
    // crash-loop while it waits to restart, restarts once it runs again: either way the pod, the exit and its last lines.
    expect(analysis).toMatch(/[✗!] pod\/quickstart-[a-z0-9]+-[a-z0-9]{5}\/container-0 +(crash-loop|restarts):[^]*exited with code 3/);
    expect(analysis).toContain('│ fatal: cannot reach the database at db:5432');
    expect(analysis).toMatch(/→ .*log lines/);
    await term.press('Escape');
    await term.waitFor(/[═━─] 1 Build · Deploy /, 'back to the dashboard');
  });

  it('shows a failed rebuild in red with the failing step, its output and what to do', async () => {
    const dockerfile = path.join(project.dir, 'Dockerfile');
    const marker = uid();
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace(/^EXPOSE /m, `RUN echo "error: assets/app-${marker}.css: unexpected }" && exit 7\nEXPOSE `));
    await term.press('r');
    const failed = await term.waitFor(
      (s) => /━ 1 Build · Deploy ━ ✗ default failed at step 4\/8/.test(s) && /^ ✗ default failed at step 4\/8/.test(s.split('\n')[1]!),
      'the failed build in the pane title and the status line',
      120_000,
    );
    const rows = paneRows(failed, '1 Build · Deploy').join('\n');
    expect(rows).toMatch(/✗ default +failed at step 4\/8 RUN echo/);
    expect(rows).toContain(`error: assets/app-${marker}.css: unexpected }`);
    expect(rows).toContain('→ fix the build, then press r to rebuild');
    await writeFile(dockerfile, text);
  });

  it('quits on Ctrl-C with exit code 130 and a sane terminal', async () => {
    await term.press('C-c');
    await term.waitFor(/^EXITED:130$/m, 'devspace to exit 130', 30_000);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.display('#{cursor_flag}')).toBe('1');
    await term.line('stty -a | tr " " "\\n" | grep -x -e icanon -e -icanon -e echo -e -echo | tr "\\n" " "; echo STTY-DONE');
    expect(await term.waitFor(/STTY-DONE$/m, 'stty output')).toMatch(/^icanon echo STTY-DONE$/m);
  });
});
