import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack, type CliResult } from '../../unit/cli/helpers.js';
import { testKubeConfig, uid } from '../support/testbed.js';
import { freePort, hasEscapes, type Project, quickstartProject } from './support.js';

// What devspace needs is not there: the Docker Engine at build, the registry
// at push, the cluster of the kube context. Each run ends with exit code 1 and
// one line naming what failed (the socket, the registry host, the API server
// or context), and leaves nothing half-written: no lock, no cache entry for a
// step that did not happen, nothing in the cluster, no build container.

const kc = testKubeConfig();
const docker = new Docker();
// Never created: every case must leave it absent, the proof that nothing was deployed.
const namespace = `faults-unreach-${uid()}`;
const projects: Project[] = [];
const images: string[] = [];

beforeAll(() => ensureBuilt());

afterAll(async () => {
  for (const ref of images) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
  for (const p of projects) await p.dispose();
});

/** A fresh copy whose Dockerfile carries `marker`, so its build containers can be told from other people's. */
async function project(marker: string, step = `RUN echo ${marker}`): Promise<Project> {
  const p = await quickstartProject('faults-unreach');
  projects.push(p);
  const file = path.join(p.dir, 'Dockerfile');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/^EXPOSE /m, `${step}\nEXPOSE `));
  return p;
}

function dev(p: Project, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return devspace(['dev', '--no-tui', '-n', namespace], {
    cwd: p.dir,
    env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG, CI: 'true', ...env },
    timeoutMs: 120_000,
  });
}

/** Containers (running or not) whose command mentions `marker`. */
async function containersWith(marker: string): Promise<string[]> {
  const all = await docker.listContainers({ all: true });
  return all.filter((c) => c.Command.includes(marker)).map((c) => `${c.Id.slice(0, 12)} ${c.Status} ${c.Command}`);
}

function cache(p: Project): { images?: Record<string, { builds: { ref: string }[] }>; deployments?: unknown[] } | undefined {
  const file = path.join(p.dir, '.devspace', 'cache.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** The common verdict: exit 1, exactly one `error:` line (matching `line`) on stderr, no stack, no lock, nothing deployed. */
async function expectCleanFailure(p: Project, r: CliResult, line: RegExp): Promise<void> {
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors, r.stdout + r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(line);
  expect(r.code).toBe(1);
  expect(hasStack(r.stdout + r.stderr)).toBe(false);
  expect(hasEscapes(r.stdout + r.stderr)).toBe(false);
  expect(r.stdout + r.stderr).not.toMatch(/internal error/);
  expect(existsSync(path.join(p.dir, '.devspace', 'dev.lock'))).toBe(false);
  expect(cache(p)?.deployments ?? []).toEqual([]);
  const ns = await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: namespace }).then(() => 'exists', (err: { code?: number }) => err.code);
  expect(ns).toBe(404);
}

describe('devspace dev when what it needs is not there', () => {
  it('Docker Engine down at build: names the socket, builds nothing', async () => {
    const marker = `faults-nodocker-${uid()}`;
    const p = await project(marker);
    const socket = `/tmp/devspace-no-docker-${uid()}.sock`;
    const r = await dev(p, { DOCKER_HOST: `unix://${socket}` });
    await expectCleanFailure(p, r, new RegExp(`^error: the Docker Engine is not reachable at unix://${socket} \\(no such socket\\)$`));
    expect(r.stderr).toMatch(/^hint: start Docker, or set DOCKER_HOST$/m);
    expect(cache(p)?.images ?? {}).toEqual({});
    expect(await containersWith(marker)).toEqual([]);
  });

  it('a build step that fails leaves no build container behind and no cache entry', async () => {
    const marker = `faults-buildfail-${uid()}`;
    const p = await project(marker, `RUN echo ${marker} && exit 3`);
    const before = await containersWith(marker);
    const r = await dev(p, {});
    await expectCleanFailure(p, r, /^error: .*step 4\/\d+.*RUN echo .* returned a non-zero code: 3/);
    expect(cache(p)?.images ?? {}).toEqual({});
    expect(before).toEqual([]);
    expect(await containersWith(marker)).toEqual([]);
  });

  it('registry down at push: names the registry host, deploys nothing, and the next run pushes again', async () => {
    const port = await freePort(); // free now, and nothing will listen there
    const repoName = `faults-noreg-${uid()}`;
    const p = await project(repoName);
    await p.config((t) => t.replaceAll('127.0.0.1:5000/quickstart', `127.0.0.1:${port}/${repoName}`));
    const r = await dev(p, {});
    const built = cache(p)?.images?.default?.builds?.[0]?.ref;
    if (built) images.push(built);
    await expectCleanFailure(p, r, new RegExp(`^error: push of 127\\.0\\.0\\.1:${port}/${repoName}:\\S+ failed: registry 127\\.0\\.0\\.1:${port} is not reachable \\(connection refused\\)$`));
    expect(r.stdout).toMatch(/build\s+default\s+done/);
    // The build did happen and is remembered as such; nothing claims a push or a deploy.
    expect(built).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}/${repoName}:`));
    expect(r.stdout).not.toMatch(/push\s+default\s+(done|skipped)/);
    expect(r.stdout).not.toMatch(/phase\s+deploy/);

    const again = await dev(p, {});
    expect(again.stdout).toMatch(/build\s+default\s+skipped/);
    expect(again.stdout).not.toMatch(/push\s+default\s+skipped/);
    await expectCleanFailure(p, again, new RegExp(`registry 127\\.0\\.0\\.1:${port} is not reachable`));
  });

  describe('a kube context that points nowhere fails before anything is built', () => {
    const user = { name: 'u', user: { token: `faults-secret-${uid()}` } };
    const kubeconfig = async (p: Project, name: string, current: string): Promise<string> => {
      const file = path.join(p.dir, `${name}.kubeconfig`);
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'nowhere', cluster: { server: 'https://127.0.0.1:1' } }],
        contexts: [{ name: 'nowhere', context: { cluster: 'nowhere', user: 'u' } }],
        users: [user],
        'current-context': current,
      };
      await writeFile(file, JSON.stringify(config));
      return file;
    };
    const nothingBuilt = (p: Project, r: CliResult): void => {
      expect(r.stdout).not.toMatch(/phase\s+(build|push|deploy)/);
      expect(cache(p)).toBeUndefined();
      expect(r.stdout + r.stderr).not.toContain(user.user.token);
    };

    it('a server that refuses connections: names the URL and the context', async () => {
      const p = await project(`faults-nokube-${uid()}`);
      const r = await dev(p, { KUBECONFIG: await kubeconfig(p, 'refused', 'nowhere') });
      await expectCleanFailure(p, r, /^error: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(kube context "nowhere"\): connection refused$/);
      nothingBuilt(p, r);
    });

    it('a server that accepts connections and never answers: gives up after 10 s, naming it', async () => {
      const p = await project(`faults-silent-${uid()}`);
      const silent = net.createServer((s) => s.on('error', () => undefined));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const file = await kubeconfig(p, 'silent', 'nowhere');
        await writeFile(file, (await readFile(file, 'utf8')).replace('https://127.0.0.1:1', `https://127.0.0.1:${port}`));
        const r = await dev(p, { KUBECONFIG: file });
        await expectCleanFailure(p, r, new RegExp(`^error: the Kubernetes API server at https://127\\.0\\.0\\.1:${port} \\(kube context "nowhere"\\) did not answer within 10 s$`));
        nothingBuilt(p, r);
      } finally {
        silent.close(); // the CLI has exited, so its connections are gone already
      }
    });

    it('a current-context that names no context: names it and lists the real ones', async () => {
      const p = await project(`faults-ghost-${uid()}`);
      const r = await dev(p, { KUBECONFIG: await kubeconfig(p, 'ghost', 'ghost') });
      await expectCleanFailure(p, r, /^error: kube context "ghost" \(from current-context\) does not exist in the kubeconfig$/);
      expect(r.stderr).toMatch(/^hint: available contexts: nowhere$/m);
      nothingBuilt(p, r);
    });

    it('KUBECONFIG naming a file that does not exist: names the file', async () => {
      const p = await project(`faults-nofile-${uid()}`);
      const missing = path.join(p.dir, 'no-such.kubeconfig');
      const r = await dev(p, { KUBECONFIG: missing });
      await expectCleanFailure(p, r, new RegExp(`^error: no kubeconfig found: KUBECONFIG=${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} names no existing file$`));
      nothingBuilt(p, r);
    });
  });
});
