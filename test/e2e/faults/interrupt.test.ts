import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { REGISTRY, tempNamespace, testKubeConfig, uid, waitFor } from '../support/testbed.js';
import {
  get,
  hasEscapes,
  interrupt,
  leftoverSessions,
  portClosed,
  type DevRun,
  type Project,
  quickstartProject,
  SELECTOR,
  slowProxy,
  startDev,
  treeChecksums,
} from './support.js';

// Ctrl-C at every stage of `devspace dev` (build, push, deploy, initial sync,
// steady state), then `kill -9` and a new run. After each Ctrl-C: exit code
// 130, the process gone, the lock released, no devspace session left in the
// pod, the forwarded port closed, no escape sequence in the plain output, and
// no cache entry for a step that was cut short. How long each exit took is
// printed (the ≤ 2 s target is measured by bench/interrupt-bench.js, not here).

const kc = testKubeConfig();
const docker = new Docker();
let ns: { name: string; dispose(): Promise<void> };
let project: Project;
const repoName = `faults-int-${uid()}`;
let dockerfile: string;
let lockFile: string;

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'faults-int');
  project = await quickstartProject('faults-int');
  await project.config((t) => t.replaceAll('127.0.0.1:5000/quickstart', `${REGISTRY}/${repoName}`));
  dockerfile = await readFile(path.join(project.dir, 'Dockerfile'), 'utf8');
  lockFile = path.join(project.dir, '.devspace', 'dev.lock');
  // Bulk files for the initial sync: synced, but not part of the image.
  await appendFile(path.join(project.dir, '.dockerignore'), 'public/bulk\n');
}, 120_000);

afterAll(async () => {
  await ns?.dispose();
  const images = await docker.listImages({ filters: { reference: [`*/${repoName}`] } }).catch(() => []);
  for (const img of images) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
  await project?.dispose();
});

const dev = (): DevRun => startDev(project.dir, ['-n', ns.name]);

function cache(): { images?: Record<string, { builds: { ref: string }[] }>; deployments?: { name: string; hash: string }[] } {
  const file = path.join(project.dir, '.devspace', 'cache.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** What every Ctrl-C must leave: 130, no lock, plain output without escapes or stacks, the port closed. */
async function expectCleanStop(run: DevRun, code: number | null): Promise<void> {
  expect(code, run.output().slice(-3000)).toBe(130);
  expect(run.child.exitCode ?? run.child.signalCode).not.toBeNull();
  expect(existsSync(lockFile)).toBe(false);
  expect(hasEscapes(run.output())).toBe(false);
  expect(run.output()).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
  expect(await portClosed(project.port)).toBe(true);
}

async function setDockerfileStep(step: string | undefined): Promise<void> {
  const text = step ? dockerfile.replace(/^EXPOSE /m, `${step}\nEXPOSE `) : dockerfile;
  await writeFile(path.join(project.dir, 'Dockerfile'), text);
}

/** Containers (running or not) whose command mentions `marker`. */
async function containersWith(marker: string): Promise<string[]> {
  const all = await docker.listContainers({ all: true });
  return all.filter((c) => c.Command.includes(marker)).map((c) => `${c.Id.slice(0, 12)} ${c.Status}`);
}

describe('Ctrl-C at every stage of devspace dev', () => {
  it('during the build: the build container goes, nothing is cached', async () => {
    const marker = `faults-int-build-${uid()}`;
    await setDockerfileStep(`RUN echo ${marker} && sleep 30`);
    const run = dev();
    await run.waitFor(new RegExp(`RUN echo ${marker} && sleep 30[\\s\\S]*Running in [0-9a-f]+`), 'the slow RUN step to be running');
    expect(await containersWith(marker)).toHaveLength(1);
    const { code } = await interrupt(run, 'build');
    await expectCleanStop(run, code);
    expect(run.output()).not.toMatch(/build\s+default\s+done/);
    expect(cache().images ?? {}).toEqual({});
    // The Engine stops the build once its client is gone and removes the step's container.
    await waitFor(async () => (await containersWith(marker)).length === 0, 30_000, `the build container of ${marker} to be removed`);
  });

  it('during the push: nothing is recorded as pushed or deployed', async () => {
    await setDockerfileStep(`RUN echo push-${uid()}`);
    const proxy = await slowProxy({ host: '127.0.0.1', port: 5000 }, 60_000);
    // The same registry, reached through a slow loopback proxy: the Engine's push is in flight for a minute.
    const slow = `127.0.0.1:${proxy.port}/${repoName}`;
    await project.config((t) => t.replaceAll(`${REGISTRY}/${repoName}`, slow));
    try {
      const run = dev();
      await run.waitFor(/push\s+default\s+start/, 'the push to start');
      await waitFor(async () => proxy.accepted > 0, 30_000, 'the Docker Engine to connect to the registry');
      // The build's "is it in the registry already?" question got no answer either, and was bounded.
      expect(run.output()).toMatch(new RegExp(`warn\\s+build\\s+registry 127\\.0\\.0\\.1:${proxy.port} did not answer within 5 s; building`));
      const { code } = await interrupt(run, 'push');
      await expectCleanStop(run, code);
      expect(run.output()).toMatch(/build\s+default\s+done/);
      expect(run.output()).not.toMatch(/push\s+default\s+done|phase\s+deploy/);
      expect(cache().deployments ?? []).toEqual([]);
    } finally {
      await project.config((t) => t.replaceAll(slow, `${REGISTRY}/${repoName}`));
      await proxy.close();
    }
  });

  it('during the deploy: the rollout wait stops, the deploy is not recorded as done', async () => {
    await setDockerfileStep(undefined);
    // A readiness probe that never passes keeps the rollout waiting.
    const probe = '    - readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}\n      image: ';
    await project.config((t) => t.replace('    - image: ', probe));
    try {
      const run = dev();
      await run.waitFor(/deploy quickstart\s+Deployment\/quickstart 0\/1 ready/, 'the rollout to start waiting');
      await waitFor(async () => {
        const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: ns.name, labelSelector: SELECTOR });
        return pods.items.some((p) => p.status?.containerStatuses?.[0]?.state?.running && !p.status.containerStatuses[0].ready);
      }, 60_000, 'a running pod whose readiness never passes');
      const { code } = await interrupt(run, 'deploy');
      await expectCleanStop(run, code);
      expect(run.output()).not.toMatch(/deploy quickstart\s+ready/);
      // The objects are remembered (so purge finds them), but with no hash: the next run deploys again.
      expect(cache().deployments).toEqual([expect.objectContaining({ name: 'quickstart', hash: '' })]);
    } finally {
      await project.config((t) => t.replace(probe, '    - image: '));
    }
  });

  it('during the initial sync: no session is left in the pod and no local file is touched', async () => {
    const bulk = path.join(project.dir, 'public', 'bulk');
    await mkdir(bulk, { recursive: true });
    for (let i = 0; i < 2000; i++) await writeFile(path.join(bulk, `f${i}.txt`), randomBytes(2048).toString('hex'));
    await writeFile(path.join(bulk, 'big.bin'), randomBytes(32 * 1024 * 1024));
    const before = treeChecksums(project.dir);
    const run = dev();
    const [, pod] = await run.waitFor(/sync\s+\S+ → (\S+):\/app\/public initial/, 'the initial sync to start', 180_000);
    const { code } = await interrupt(run, 'initial sync');
    expect(run.output()).not.toMatch(/initial sync done/);
    await expectCleanStop(run, code);
    await waitFor(async () => (await leftoverSessions(kc, ns.name, pod!)).length === 0, 15_000, `no devspace sync or tar left in ${pod}`);
    expect(treeChecksums(project.dir)).toEqual(before);
  });

  it('in steady state: sessions, forward and lock all released', async () => {
    const run = dev();
    const [, pod] = await run.waitFor(/sync\s+\S+ → (\S+):\/app\/public watching/, 'sync to be watching', 180_000);
    await waitFor(async () => (await get(project.port, '/'))?.status === 200, 30_000, 'the page through the forward');
    expect((await leftoverSessions(kc, ns.name, pod!)).length).toBeGreaterThan(0); // the check sees live sessions
    const { code } = await interrupt(run, 'steady state');
    await expectCleanStop(run, code);
    await waitFor(async () => (await leftoverSessions(kc, ns.name, pod!)).length === 0, 15_000, `no devspace sync or tar left in ${pod}`);
  });

  it('kill -9, then a new devspace dev takes the stale lock over, says so, and works', async () => {
    const killed = dev();
    await killed.waitFor(/sync\s+\S+ → \S+:\/app\/public watching/, 'sync to be watching', 180_000);
    const [, killedPod] = killed.output().match(/sync\s+\S+ → (\S+):\/app\/public watching/)!;
    killed.child.kill('SIGKILL');
    await killed.exit;
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: killed.child.pid });
    // Nothing could clean up, yet the sessions in the pod end with their connections.
    await waitFor(async () => (await leftoverSessions(kc, ns.name, killedPod!)).length === 0, 15_000, `the killed run's sessions in ${killedPod} to end`);

    const run = dev();
    try {
      await run.waitFor(new RegExp(`warn\\s+lock\\s+took over \\.devspace/dev\\.lock: its process ${killed.child.pid} is no longer running`), 'the takeover line');
      expect(run.output().match(/took over/g)).toHaveLength(1);
      const [, pod] = await run.waitFor(/sync\s+\S+ → (\S+):\/app\/public watching/, 'sync to be watching', 180_000);
      const marker = `after-kill-${uid()}`;
      await writeFile(path.join(project.dir, 'public', `${marker}.html`), marker);
      await waitFor(async () => (await get(project.port, `/${marker}.html`))?.body === marker, 30_000, 'an edit synced and served');
      const { code } = await interrupt(run, 'steady state after a kill -9 takeover');
      await expectCleanStop(run, code);
      // The killed run's sessions ended with its connections; the new run's with its Ctrl-C.
      await waitFor(async () => (await leftoverSessions(kc, ns.name, pod!)).length === 0, 15_000, `no devspace sync or tar left in ${pod}`);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });
});
