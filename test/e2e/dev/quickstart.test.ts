import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, repo } from '../../unit/cli/helpers.js';
import { freePort, testKubeConfig, uid, waitFor } from '../support/testbed.js';

// The product promise end to end: `devspace dev` on the shipped example builds,
// pushes, deploys, forwards the port, syncs an edit into the page, streams the
// app's logs, and stops cleanly on Ctrl-C, all against the real test bed.

const kc = testKubeConfig();
const namespace = `quickstart-${uid()}`;
let project: string;
let port: number;

function startDev(args: string[] = []): { child: ChildProcessWithoutNullStreams; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'dev', '--no-tui', '-n', namespace, ...args], {
    cwd: project,
    env: { ...process.env, KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function page(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
  return res.text();
}

beforeAll(async () => {
  ensureBuilt();
  project = await mkdtemp(path.join(tmpdir(), 'devspace-quickstart-'));
  await cp(path.join(repo, 'examples', 'quickstart'), project, { recursive: true, filter: (src) => !src.includes('.devspace') });
  port = await freePort();
  const config = await readFile(path.join(project, 'devspace.yaml'), 'utf8');
  const forward = '    forward:\n    - port: 8080\n';
  expect(config).toContain(forward);
  await writeFile(path.join(project, 'devspace.yaml'), config.replace(forward, `    forward:\n    - port: ${port}\n      remotePort: 8080\n`));
}, 120_000);

afterAll(async () => {
  await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  await rm(project, { recursive: true, force: true });
});

describe('devspace dev on examples/quickstart', () => {
  it('builds, deploys, forwards, syncs an edit, streams logs and stops on Ctrl-C', async () => {
    const dev = startDev();
    try {
      const first = await waitFor(() => page().catch(() => undefined), 180_000, `the app on 127.0.0.1:${port}\n${dev.output()}`);
      expect(first).toContain('Hello from the devspace quickstart');
      expect(dev.output()).toMatch(/build\s+default\s+done/);
      expect(dev.output()).toMatch(/deploy quickstart\s+ready/);

      const marker = `edited-${uid()}`;
      const index = path.join(project, 'public', 'index.html');
      await writeFile(index, (await readFile(index, 'utf8')) + `<p>${marker}</p>\n`);
      const edited = await waitFor(async () => ((await page()).includes(marker) ? page() : undefined), 30_000, 'the synced edit on the page');
      expect(edited).toContain(marker);
      // httpd -v (the dev entrypoint override) logs each response; the log stage streams it.
      await waitFor(async () => /logs\s+quickstart-\S+\/container-0\s+.*response:200/.test(dev.output()), 30_000, `a request in the streamed logs\n${dev.output()}`);
    } finally {
      dev.child.kill('SIGINT');
    }
    const started = Date.now();
    expect(await dev.exit).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000); // generous bound: a hang would be minutes
    expect(existsSync(path.join(project, '.devspace', 'dev.lock'))).toBe(false);
  });

  it('a second run with nothing changed skips build, push and deploy', async () => {
    // The edit above changed the build context, so one run rebuilds first (v3.5 semantics:
    // the image always matches the source); the run after it must skip everything.
    const warm = startDev();
    await waitFor(() => page().catch(() => undefined), 180_000, 'the rebuilt app');
    warm.child.kill('SIGINT');
    expect(await warm.exit).toBe(130);
    const dev = startDev();
    try {
      await waitFor(() => page().catch(() => undefined), 120_000, 'the app again');
      const out = dev.output();
      expect(out).toMatch(/build\s+default\s+skipped/);
      expect(out).toMatch(/push\s+default\s+skipped/);
      expect(out).toMatch(/deploy quickstart\s+skipped/);
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exit).toBe(130);
  });

  it('refuses a second devspace dev in the same project, naming the running one', async () => {
    const first = startDev();
    try {
      await waitFor(() => page().catch(() => undefined), 120_000, 'the first dev session');
      const second = startDev();
      const code = await second.exit;
      expect(code).toBe(1);
      expect(second.output()).toMatch(new RegExp(`another \`devspace dev\` is running in this project \\(pid ${first.child.pid}`));
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exit).toBe(130);
  });
});
