import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack, type CliResult } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig } from '../support/testbed.js';
import { docker, registryTags, uniqueRepo } from './helpers.js';

// A missing Dockerfile or build context, through the built CLI against the real Docker Engine, registry
// and cluster: one `error:` line naming the path and the setting, exit 1, and nothing built, pushed,
// deployed or written, even when another image of the project is fine and comes first.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
const projects: string[] = [];
const repos: string[] = [];
const GOOD = `FROM ${BASE_IMAGE}\nCOPY . /app\n`;

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'bad-input');
}, 180_000);
afterAll(async () => {
  // Only the control case builds; its single-stage image takes its untagged layers with it.
  for (const r of repos) for (const img of await docker.listImages({ filters: { reference: [r] } })) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
  await ns?.dispose();
  for (const p of projects) await rm(p, { recursive: true, force: true });
});

/** A project folder with these files; `images` is the `images:` block of devspace.yaml (repos made unique). */
async function project(files: Record<string, string>, images: Record<string, Record<string, string>>): Promise<{ dir: string; repos: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ds-e2e-bad-input-'));
  projects.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    if (name.endsWith('/')) await mkdir(path.join(dir, name), { recursive: true });
    else await writeFile(path.join(dir, name), content);
  }
  const mine: string[] = [];
  const lines = ['version: v1beta2', 'images:'];
  for (const [key, settings] of Object.entries(images)) {
    const repo = uniqueRepo(`bad-${key}`);
    mine.push(repo);
    repos.push(repo);
    lines.push(`  ${key}:`, `    image: ${repo}`, ...Object.entries(settings).map(([k, v]) => `    ${k}: ${v}`));
  }
  lines.push('deployments:', '- name: app', '  component:', '    containers:', `    - image: ${mine[0]}`);
  await writeFile(path.join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
  return { dir, repos: mine };
}

/** Every path below `dir` with its size, to prove a failed run wrote nothing (an empty `.devspace/` aside). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = path.join(d, name);
      const s = await stat(p);
      if (s.isDirectory()) {
        const inside = await readdir(p);
        if (name === '.devspace' && d === dir && inside.length === 0) continue;
        out.push(`${path.relative(dir, p)}/`);
        await walk(p);
      } else out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`);
    }
  };
  await walk(dir);
  return out;
}

const env: NodeJS.ProcessEnv = {
  KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG ?? '',
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
};

/** Runs the command, then checks the failure: exit 1, exactly `error: <message>` on stderr, nothing built, pushed or written. */
async function expectRefused(p: { dir: string; repos: string[] }, argv: string[], message: string): Promise<CliResult> {
  const before = await tree(p.dir);
  const r = await devspace(argv, { cwd: p.dir, env, timeoutMs: 120_000 });
  const why = `devspace ${argv.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, why).toBe(1);
  expect(r.stderr, why).toBe(`error: ${message}\n`);
  expect(hasStack(r.stdout) || hasStack(r.stderr), why).toBe(false);
  expect(r.stdout, why).not.toMatch(/build\s+\S+\s+start|push\s+\S+\s+(start|done)|deploy\s+\S+\s+(start|ready)/);
  for (const repo of p.repos) {
    expect(await docker.listImages({ filters: { reference: [repo] } }), `${repo} was built\n${why}`).toEqual([]);
    expect(await registryTags(repo), `${repo} was pushed\n${why}`).toEqual([]);
  }
  expect(await tree(p.dir), why).toEqual(before);
  return r;
}

describe('a missing Dockerfile', () => {
  it('is refused before the image before it is built, naming the path and the setting', async () => {
    const p = await project({ Dockerfile: GOOD, 'app.js': 'x\n' }, { first: {}, second: { dockerfile: './nope/Dockerfile' } });
    await expectRefused(p, ['build'], 'Dockerfile ./nope/Dockerfile of image "second" does not exist (images.second.dockerfile)');
  });

  it('says when the default ./Dockerfile was used because images.<name>.dockerfile is not set', async () => {
    const p = await project({ 'app.js': 'x\n' }, { app: {} });
    await expectRefused(p, ['build'], 'Dockerfile ./Dockerfile of image "app" does not exist (images.app.dockerfile is not set; ./Dockerfile is the default)');
  });

  it('a directory, an empty file, or a file without FROM', async () => {
    const p = await project({ 'docker/': '', 'app.js': 'x\n' }, { a: { dockerfile: './docker' } });
    await expectRefused(p, ['build'], 'Dockerfile ./docker of image "a" is a directory, not a file (images.a.dockerfile)');
    const empty = await project({ Empty: '# just a comment\n\n', 'app.js': 'x\n' }, { a: { dockerfile: './Empty' } });
    await expectRefused(empty, ['build'], 'Dockerfile ./Empty of image "a" is empty (images.a.dockerfile)');
    const noFrom = await project({ NoFrom: 'RUN echo hi\n', 'app.js': 'x\n' }, { a: { dockerfile: './NoFrom' } });
    await expectRefused(noFrom, ['build'], 'Dockerfile ./NoFrom of image "a" has no FROM instruction (images.a.dockerfile)');
  });

  it('`devspace deploy` stops before building or deploying anything', async () => {
    const p = await project({ Dockerfile: GOOD, 'app.js': 'x\n' }, { first: {}, second: { dockerfile: './Dockerfile.missing' } });
    await expectRefused(p, ['deploy', '-n', ns.name], 'Dockerfile ./Dockerfile.missing of image "second" does not exist (images.second.dockerfile)');
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    expect((await apps.listNamespacedDeployment({ namespace: ns.name })).items).toEqual([]);
  });

  it('`devspace dev` stops with the same line, releases its lock and deploys nothing', async () => {
    const p = await project({ Dockerfile: GOOD, 'app.js': 'x\n' }, { first: {}, second: { dockerfile: './Dockerfile.missing' } });
    const r = await expectRefused(p, ['dev', '--no-tui', '-n', ns.name], 'Dockerfile ./Dockerfile.missing of image "second" does not exist (images.second.dockerfile)');
    expect(r.stdout).toMatch(/phase\s+stopped/);
    expect(await readdir(path.join(p.dir, '.devspace')).catch(() => [])).toEqual([]);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    expect((await apps.listNamespacedDeployment({ namespace: ns.name })).items).toEqual([]);
  });
});

describe('a missing or empty build context', () => {
  it('a context folder that does not exist, or is a file', async () => {
    const p = await project({ Dockerfile: GOOD, 'app.js': 'x\n' }, { a: { context: './src' } });
    await expectRefused(p, ['build'], 'build context ./src of image "a" does not exist (images.a.context)');
    const file = await project({ Dockerfile: GOOD, 'app.js': 'x\n' }, { a: { context: './app.js' } });
    await expectRefused(file, ['build'], 'build context ./app.js of image "a" is not a directory (images.a.context)');
  });

  it('an empty context that the Dockerfile copies from, named with the COPY line', async () => {
    const p = await project({ Dockerfile: `FROM ${BASE_IMAGE}\nWORKDIR /app\nCOPY . /app\n`, 'empty/': '' }, { a: { context: './empty' } });
    await expectRefused(p, ['build'], 'build context ./empty of image "a" has no files, but the Dockerfile copies from it (line 3: COPY . /app); check images.a.context');
    // Only a .dockerignore and the Dockerfile itself inside the context count as empty too.
    const own = await project({ 'ctx/Dockerfile': `FROM ${BASE_IMAGE}\nCOPY app.js /app/\n`, 'ctx/.dockerignore': '*.md\n' }, { a: { context: './ctx', dockerfile: './ctx/Dockerfile' } });
    await expectRefused(own, ['build'], 'build context ./ctx of image "a" has no files, but the Dockerfile copies from it (line 2: COPY app.js /app/); check images.a.context');
  });

  it('an empty context is fine for a Dockerfile that copies nothing from it (the control case)', async () => {
    const p = await project({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo built > /built\n`, 'empty/': '' }, { a: { context: './empty' } });
    const r = await devspace(['build'], { cwd: p.dir, env, timeoutMs: 180_000 });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toBe('');
    expect(await registryTags(p.repos[0]!)).toHaveLength(1);
  }, 240_000);
});
