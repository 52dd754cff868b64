import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack } from './helpers.js';

let tmp: string;
let kubeconfig: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'devspace-dev-'));
  kubeconfig = path.join(tmp, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters: [{name: test, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: me, user: {token: t}}]',
      'contexts: [{name: test, context: {cluster: test, user: me, namespace: team}}]',
      '',
    ].join('\n'),
  );
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function project(name: string, yaml: string): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'devspace.yaml'), yaml);
  return dir;
}

const VALID = ['version: v1beta2', 'deployments:', '  - name: api', '    component:', '      containers:', '        - image: nginx', ''].join('\n');

describe('devspace dev', () => {
  it('without devspace.yaml: exit 2 and points at `devspace init`', async () => {
    const dir = path.join(tmp, 'no-project');
    await mkdir(dir, { recursive: true });
    const r = await devspace(['dev', '--no-tui'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run `devspace init`');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a config error: exit 2 with file:line:col, no stack', async () => {
    const dir = await project('bad-config', 'version: v1beta2\ndev:\n  ports:\n    - labelSelector: {app: api}\n      forward:\n        - port: abc\n');
    const r = await devspace(['dev', '--no-tui'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: devspace\.yaml:6:\d+: dev\.ports\[0\]\.forward\[0\]\.port: /m);
    expect(hasStack(r.stderr)).toBe(false);
    expect(existsSync(path.join(dir, '.devspace', 'dev.lock'))).toBe(false);
    // The run made the folder only for its lock: nothing of it is left.
    expect(existsSync(path.join(dir, '.devspace'))).toBe(false);
  });

  it('refuses to run next to a live `devspace dev`, naming its pid', async () => {
    const dir = await project('locked', VALID);
    await mkdir(path.join(dir, '.devspace'));
    const held = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'devspace dev' };
    await writeFile(path.join(dir, '.devspace', 'dev.lock'), JSON.stringify(held));
    const r = await devspace(['dev', '--no-tui'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: another \`devspace dev\` is running in this project (pid ${process.pid}, started `);
    expect(r.stderr).toContain('use `devspace enter` for another shell');
    expect(existsSync(path.join(dir, '.devspace', 'dev.lock'))).toBe(true); // not ours to remove
  });

  it('an unknown --kube-context lists the available contexts', async () => {
    const dir = await project('ctx', VALID);
    const r = await devspace(['dev', '--no-tui', '--kube-context', 'prod'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: kube context "prod" (from --kube-context) does not exist in the kubeconfig\nhint: available contexts: test\n',
    );
  });

  it('no kubeconfig: exit 1 with a pointer at the test bed', async () => {
    const dir = await project('nokube', VALID);
    const r = await devspace(['dev', '--no-tui'], { cwd: dir, env: { HOME: path.join(tmp, 'empty-home') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm run testbed:up');
  });

  it('a cluster that does not answer fails before any stage in one line, and releases the lock', async () => {
    const dir = await project('runs', VALID);
    const r = await devspace(['dev', '--no-tui', '-n', 'other'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(r.stdout).not.toMatch(/phase\s+(build|push|deploy)/);
    expect(r.stderr).toMatch(/^error: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(kube context "test"\): connection refused$/m);
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.code).toBe(1);
    expect(existsSync(path.join(dir, '.devspace', 'dev.lock'))).toBe(false);
  });
});

describe('devspace deploy and purge with a cluster that is not there', () => {
  const WITH_IMAGE = ['version: v1beta2', 'images:', '  app:', '    image: 127.0.0.1:5000/never-built', VALID.split('\n').slice(1).join('\n')].join('\n');

  it('fail in one line naming the API server, before building anything', async () => {
    const dir = await project('no-cluster', WITH_IMAGE);
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    for (const cmd of ['deploy', 'purge']) {
      // A dead Docker socket too: had deploy built first, the error would name Docker instead.
      const r = await devspace([cmd], { cwd: dir, env: { KUBECONFIG: kubeconfig, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^error: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(kube context "test"\): connection refused$/m);
      expect(r.stderr).not.toMatch(/Docker/);
      expect(hasStack(r.stderr)).toBe(false);
    }
    expect(existsSync(path.join(dir, '.devspace', 'cache.json'))).toBe(false);
  });
});
