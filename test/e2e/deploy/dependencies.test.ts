import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { startDev } from '../faults/support.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { readStatus, removeImages, runCli, type Run } from './helpers.js';

// A project with two dependencies, one a local folder and one a git repository (a local one, by file://
// URL): deploy builds and deploys them first, each once; dev does the same before its own build; a broken
// dependency is named; purge --dependencies removes everything.

const kc = testKubeConfig();
const apps = kc.makeApiClient(k8s.AppsV1Api);
const id = uid();
const images = { app: `${REGISTRY}/ds-e2e-deps-app-${id}`, db: `${REGISTRY}/ds-e2e-deps-db-${id}`, queue: `${REGISTRY}/ds-e2e-deps-queue-${id}` };

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;
let home: string;

const dockerfile = (text: string) => `FROM ${BASE_IMAGE}\nRUN mkdir -p /www && echo ${text} > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`;
const service = (name: string, image: string, deps = '') =>
  `version: v1beta2\nimages:\n  ${name}:\n    image: ${image}\n${deps}deployments:\n- name: ${name}\n  component:\n    containers:\n    - image: ${image}\n`;
const cwd = (): string => path.join(project.root, 'app');
const env = (): NodeJS.ProcessEnv => ({ HOME: home });
const devspace = (args: string[]): Promise<Run> => runCli(args, cwd(), env());
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-deps');
  home = mkdtempSync(path.join(tmpdir(), 'devspace-deps-home-'));
  project = await tempProject({
    'db/devspace.yaml': service('db', images.db),
    'db/Dockerfile': dockerfile('db'),
    // Its own dependency would resolve inside the checkout, where there is none: ignoreDependencies skips it.
    'queue-repo/queue/devspace.yaml': service('queue', images.queue, 'dependencies:\n- source: {path: ../missing}\n'),
    'queue-repo/queue/Dockerfile': dockerfile('queue'),
    'app/Dockerfile': dockerfile('app'),
  });
  const repo = path.join(project.root, 'queue-repo');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'queue');
  await project.write(
    'app/devspace.yaml',
    service('app', images.app, `dependencies:\n- source: {path: ../db}\n- source: {git: 'file://${repo}', subPath: queue}\n  ignoreDependencies: true\n`),
  );
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
  for (const image of Object.values(images)) await removeImages(image);
});

const order = (out: string) => [...out.matchAll(/^deploy\s+(\w+)\s+ready in/gm)].map((m) => m[1]);

describe('dependencies on the real cluster', () => {
  it('deploy builds and deploys the dependencies first, then the project', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^info\s+dependency\s+\.\.\/db: building and deploying$/m);
    expect(r.stdout).toMatch(new RegExp(`^info\\s+dependency\\s+file://${project.root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/queue-repo//queue: building and deploying$`, 'm'));
    expect(order(r.stdout)).toEqual(['db', 'queue', 'app']);
    for (const [name, image] of Object.entries(images)) {
      const d = await apps.readNamespacedDeployment({ name, namespace: ns.name });
      expect(d.spec!.template.spec!.containers[0]!.image).toMatch(new RegExp(`^${image}:ds-`));
      expect(d.status!.readyReplicas).toBe(1);
    }
  });

  it('a second deploy skips every unchanged project', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.code).toBe(0);
    expect([...r.stdout.matchAll(/^deploy\s+(\w+)\s+skipped: nothing changed/gm)].map((m) => m[1])).toEqual(['db', 'queue', 'app']);
  });

  it('dev deploys the dependencies before its own build', async () => {
    const dev = startDev(cwd(), ['-n', ns.name, '-d'], env());
    try {
      await dev.waitFor(/^phase\s+dev$/m, 'the dev phase', 180_000);
      expect(order(dev.output())).toEqual(['db', 'queue', 'app']);
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exit).toBe(130);
  });

  it('names a dependency that fails to build', async () => {
    await project.write('db/Dockerfile', `FROM ${BASE_IMAGE}\nRUN exit 7\n`);
    try {
      const r = await devspace(['deploy', '-n', ns.name]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: dependency \.\.\/db: .*exit code 7|^error: dependency \.\.\/db: .*returned a non-zero code: 7/);
    } finally {
      await project.write('db/Dockerfile', dockerfile('db'));
    }
  });

  it('purge leaves the dependencies, purge --dependencies removes them too', async () => {
    const own = await devspace(['purge', '-n', ns.name]);
    expect(own.code).toBe(0);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'app', ns.name)).toBe(404);
    expect(await readStatus(kc, 'apps/v1', 'Deployment', 'db', ns.name)).toBe(200);
    const all = await devspace(['purge', '-n', ns.name, '--dependencies']);
    expect(all.code).toBe(0);
    expect([...all.stdout.matchAll(/^deploy\s+(\w+)\s+purged/gm)].map((m) => m[1])).toEqual(['app', 'queue', 'db']); // the project first, then its dependencies in reverse
    for (const name of ['db', 'queue']) expect(await readStatus(kc, 'apps/v1', 'Deployment', name, ns.name)).toBe(404);
  });
});
