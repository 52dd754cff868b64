import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/engine/config/index.js';
import { resolveDependencies } from '../../../src/engine/dependencies/index.js';
import { tempProject } from '../../fixtures/deploy/project.js';

// Which projects a project depends on, in the order they deploy: local paths and git repositories.

const yaml = (deps: string[] = [], extra = ''): string =>
  `version: v1beta2\n${deps.length ? `dependencies:\n${deps.map((d) => `- source: {path: ${d}}`).join('\n')}\n` : ''}${extra}`;

let project: Awaited<ReturnType<typeof tempProject>>;
let cacheDir: string;
beforeEach(async () => {
  project = await tempProject();
  cacheDir = mkdtempSync(path.join(tmpdir(), 'devspace-deps-cache-'));
});
afterEach(async () => {
  await project.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function resolve(dir = 'app') {
  const root = path.join(project.root, dir);
  const loaded = await parseConfigText(await import('node:fs/promises').then((fs) => fs.readFile(path.join(root, 'devspace.yaml'), 'utf8')), path.join(root, 'devspace.yaml'));
  return resolveDependencies(root, loaded.config, { cacheDir, env: { ...process.env, HOME: cacheDir } });
}

describe('resolveDependencies (paths)', () => {
  it('orders a dependency’s own dependencies first and deploys a shared one once', async () => {
    await project.write('app/devspace.yaml', yaml(['../api', '../web']));
    await project.write('api/devspace.yaml', yaml(['../db']));
    await project.write('web/devspace.yaml', yaml(['../db']));
    await project.write('db/devspace.yaml', yaml());
    expect((await resolve()).map((d) => `${d.id} ${d.file}`)).toEqual(['../db ../db/devspace.yaml', '../api ../api/devspace.yaml', '../web ../web/devspace.yaml']);
  });

  it('stops at ignoreDependencies, and passes skipBuild and namespace on', async () => {
    await project.write('app/devspace.yaml', 'version: v1beta2\ndependencies:\n- source: {path: ../api}\n  ignoreDependencies: true\n  skipBuild: true\n  namespace: backend\n');
    await project.write('api/devspace.yaml', yaml(['../db']));
    const deps = await resolve();
    expect(deps).toHaveLength(1);
    expect(deps[0]).toMatchObject({ id: '../api', skipBuild: true, namespace: 'backend' });
  });

  it('refuses a cycle, naming it', async () => {
    await project.write('app/devspace.yaml', yaml(['../api']));
    await project.write('api/devspace.yaml', yaml(['../app']));
    await expect(resolve()).rejects.toMatchObject({ exitCode: 2, message: '../api/devspace.yaml: dependencies[0]: dependency cycle: . → ../api → .' });
  });

  it('says which entry points at a missing folder or config, and where a dependency’s config is wrong', async () => {
    await project.write('app/devspace.yaml', yaml(['../nowhere']));
    await expect(resolve()).rejects.toMatchObject({ exitCode: 2, message: 'devspace.yaml: dependencies[0].source: ../nowhere is not a folder' });
    await project.write('app/devspace.yaml', yaml(['../empty']));
    await project.write('empty/README', 'no config here\n');
    await expect(resolve()).rejects.toMatchObject({ exitCode: 2, message: 'devspace.yaml: dependencies[0]: ../empty/devspace.yaml does not exist' });
    await project.write('app/devspace.yaml', yaml(['../bad']));
    await project.write('bad/devspace.yaml', 'version: v1beta2\nimagez: {}\n');
    // A file outside the project is named by its full path, as the config loader does.
    const err = (await resolve().catch((e: Error) => e)) as Error & { exitCode: number };
    expect(err.exitCode).toBe(2);
    expect(err.message.startsWith(`${path.join(project.root, 'bad', 'devspace.yaml')}:2:1: `)).toBe(true);
    expect(err.message).toMatch(/unknown key `imagez`/);
  });
});

describe('resolveDependencies (git)', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, stdio: 'pipe' }).toString().trim();

  it('checks out the default branch, a branch, a tag and a revision, each in its own folder', async () => {
    const repo = path.join(project.root, 'repo');
    await project.write('repo/svc/devspace.yaml', 'version: v1beta2\nimages:\n  v1: {image: 127.0.0.1:5000/one}\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'one');
    git(repo, 'tag', 'v1');
    const first = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'next');
    await project.write('repo/svc/devspace.yaml', 'version: v1beta2\nimages:\n  v2: {image: 127.0.0.1:5000/two}\n');
    git(repo, 'commit', '-q', '-am', 'two');
    git(repo, 'checkout', '-q', 'main');
    const source = (ref: string) => `  - source: {git: 'file://${repo}', subPath: svc${ref}}\n`;
    const cases: [string, string][] = [['', 'v1'], [', branch: next', 'v2'], [', tag: v1', 'v1'], [`, revision: ${first}`, 'v1']];
    for (const [ref, image] of cases) {
      await project.write('app/devspace.yaml', `version: v1beta2\ndependencies:\n${source(ref)}`);
      const [dep] = await resolve();
      expect(Object.keys(dep!.config.images ?? {}), ref).toEqual([image]);
      expect(dep!.root.startsWith(cacheDir)).toBe(true);
      expect(dep!.id).toBe(`file://${repo}//svc`);
    }
    // A second run fetches into the same checkout, and sees new commits on the branch.
    git(repo, 'checkout', '-q', 'next');
    await project.write('repo/svc/devspace.yaml', 'version: v1beta2\nimages:\n  v3: {image: 127.0.0.1:5000/three}\n');
    git(repo, 'commit', '-q', '-am', 'three');
    await project.write('app/devspace.yaml', `version: v1beta2\ndependencies:\n${source(', branch: next')}`);
    expect(Object.keys((await resolve())[0]!.config.images ?? {})).toEqual(['v3']);
  });

  it('says in one line when a repository cannot be cloned, without a token from the URL', async () => {
    await project.write('app/devspace.yaml', "version: v1beta2\ndependencies:\n- source: {git: 'file:///nonexistent/repo'}\n");
    await expect(resolve()).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^devspace\.yaml: dependencies\[0\]: git clone of file:\/\/\/nonexistent\/repo failed: .*repo/) });
    await project.write('app/devspace.yaml', "version: v1beta2\ndependencies:\n- source: {git: 'https://user:s3cr3t-token@127.0.0.1:1/x.git'}\n");
    const err = (await resolve().catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/^devspace\.yaml: dependencies\[0\]: git clone of https:\/\/\*\*\*@127\.0\.0\.1:1\/x\.git failed: /);
    expect(err.message).not.toContain('s3cr3t-token');
  });
});
