import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/config/index.js';
import { parseDockerfile } from '../../../src/cli/init/dockerfile.js';
import { devspace, ensureBuilt } from './helpers.js';

let tmp: string;
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'devspace-init-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, f), text);
  return dir;
}

const DOCKERFILE = [
  'FROM node:20 AS deps',
  'WORKDIR /build',
  'FROM node:20-slim',
  'WORKDIR /srv',
  'WORKDIR app',
  '# EXPOSE 9999',
  'EXPOSE 3000 \\',
  '  9229/tcp 53/udp',
  'EXPOSE 80',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

describe('devspace init', () => {
  it('writes a devspace.yaml that loadConfig accepts, from the Dockerfile and .dockerignore', async () => {
    const dir = await project('My_App', { Dockerfile: DOCKERFILE, '.dockerignore': '# deps\nnode_modules\n\n.git\n', '.gitignore': 'dist' });
    const r = await devspace(['init'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote devspace.yaml');
    expect(r.stdout).toContain('localhost:8080 → 80');

    const { config } = await loadConfig({ cwd: dir, env: {} });
    expect(config.images?.default).toMatchObject({ image: '127.0.0.1:5000/my-app', dockerfile: './Dockerfile', context: './' });
    const deployment = config.deployments?.[0];
    expect(deployment?.name).toBe('my-app');
    expect(deployment?.component?.containers).toEqual([{ image: '127.0.0.1:5000/my-app' }]);
    expect(deployment?.component?.service?.ports).toEqual([{ port: 3000 }, { port: 9229 }, { port: 53, protocol: 'UDP' }, { port: 80 }]);
    const selector = { 'app.kubernetes.io/component': 'my-app' };
    expect(config.dev?.ports).toEqual([
      { labelSelector: selector, forward: [{ port: 3000 }, { port: 9229 }, { port: 8080, remotePort: 80 }] },
    ]);
    expect(config.dev?.sync).toEqual([
      { labelSelector: selector, localSubPath: './', containerPath: '/srv/app', excludePaths: ['node_modules', '.git', '.devspace/'] },
    ]);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('dist\n.devspace/\n');
  });

  it('refuses to overwrite without --force, and honours --image', async () => {
    const dir = await project('api', { Dockerfile: 'FROM alpine\n' });
    expect((await devspace(['init'], { cwd: dir })).code).toBe(0);
    const again = await devspace(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: devspace.yaml already exists here\nhint: pass --force to overwrite it, or edit it by hand\n');
    const forced = await devspace(['init', '--force', '--image', 'registry.example.com/team/api:dev'], { cwd: dir });
    expect(forced.code).toBe(0);
    const { config } = await loadConfig({ cwd: dir, env: {} });
    expect(config.images?.default).toMatchObject({ image: 'registry.example.com/team/api', tag: 'dev' });
    expect(config.dev?.ports).toBeUndefined();
    expect(config.dev?.sync?.[0]?.containerPath).toBe('/app');
    expect((await readFile(path.join(dir, '.gitignore'), 'utf8')).match(/\.devspace\//g)).toHaveLength(1);
  });

  it('needs a Dockerfile and a valid image name', async () => {
    const empty = await project('empty', {});
    const r = await devspace(['init'], { cwd: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no Dockerfile at Dockerfile');
    const dir = await project('bad-image', { Dockerfile: 'FROM alpine\n' });
    expect((await devspace(['init', '--image', 'Not Valid'], { cwd: dir })).code).toBe(2);
  });
});

describe('parseDockerfile', () => {
  it('inherits from an earlier stage and skips what it cannot know', () => {
    const facts = parseDockerfile('FROM x AS base\nWORKDIR /w\nEXPOSE 1\nFROM base\nEXPOSE ${PORT} 2-3\n');
    expect(facts.workdir).toBe('/w');
    expect(facts.ports).toEqual([{ port: 1, protocol: 'TCP' }]);
    expect(facts.notes).toHaveLength(2);
  });
});
