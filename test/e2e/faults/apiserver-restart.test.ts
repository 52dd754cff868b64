import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repo } from '../../unit/cli/helpers.js';
import { testKubeConfig, uid, waitFor } from '../support/testbed.js';
import { get, interrupt, quickstartProject, startDev, treeChecksums, type Project } from './support.js';

// The API server goes away for a while under a running `devspace dev` and comes
// back (the test bed stops that one component and starts it again). Every stream
// devspace holds runs through it: the port-forward tunnels, the sync's exec
// sessions, the log follow and the pod watches. None may end the session; each
// must come back by itself.

const exec = promisify(execFile);
const kc = testKubeConfig();
const namespace = `apiserver-restart-${uid()}`;
let project: Project;

beforeAll(async () => {
  ensureBuilt();
  project = await quickstartProject('apiserver-restart');
}, 120_000);

afterAll(async () => {
  await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  await project?.dispose();
});

describe('the API server restarts under devspace dev', () => {
  it('waits, reconnects and carries on: forward, sync and logs work again without a restart', async () => {
    const dev = startDev(project.dir, ['-n', namespace]);
    try {
      await waitFor(() => get(project.port, '/'), 180_000, `the app on 127.0.0.1:${project.port}\n${dev.output()}`);
      await dev.waitFor(/sync\s.*watching/, 'sync watching');
      const before = treeChecksums(project.dir);
      const mark = dev.output().length;

      // Stopped for 5 s, then started again; its start-up adds several seconds more.
      const restart = await exec('bash', [path.join(repo, 'testbed', 'testbed.sh'), 'restart', 'apiserver', '5'], { timeout: 180_000 });
      expect(restart.stderr).toMatch(/apiserver back after \d+ s/);
      expect(dev.child.exitCode).toBeNull();

      // The local side noticed and said so, without giving up.
      const during = () => dev.output().slice(mark);
      expect(during()).toMatch(/sync\s.*reconnecting/);
      expect(during()).toMatch(/logs\s.*\[waiting: .*(ECONNREFUSED|6443)/);

      // The forward answers again (a new tunnel through the new API server).
      const page = await waitFor(() => get(project.port, '/'), 60_000, `the forward after the restart\n${during()}`);
      expect(page.body).toContain('Hello from the devspace quickstart');

      // Sync is back: a local edit reaches the container and the page.
      const marker = `after-restart-${uid()}`;
      const index = path.join(project.dir, 'public', 'index.html');
      await writeFile(index, (await readFile(index, 'utf8')) + `<p>${marker}</p>\n`);
      await waitFor(async () => ((await get(project.port, '/'))?.body.includes(marker) ? true : undefined), 60_000, `the synced edit\n${during()}`);

      // The log stream is back: the requests above show up as new lines.
      const streamingAgain = () => {
        const text = during();
        const at = text.lastIndexOf('[streaming]');
        return at >= 0 && /logs\s.*response:200/.test(text.slice(at)) ? true : undefined;
      };
      await waitFor(async () => streamingAgain(), 60_000, `log lines after the restart\n${during()}`);

      // Nothing local was lost or rewritten, apart from the edit made here.
      const after = treeChecksums(project.dir);
      for (const [file, sum] of before) {
        if (file === 'public/index.html') continue;
        expect(after.get(file), file).toBe(sum);
      }
      expect(dev.child.exitCode).toBeNull();
    } finally {
      const { code } = await interrupt(dev, 'steady state after an API server restart');
      expect(code).toBe(130);
    }
  });
});
