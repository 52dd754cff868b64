import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { removeImages, runCli, type Run } from './helpers.js';

// `hooks` around a real build, push and deploy: each runs once at its moment, in order, in the project
// folder; one that fails stops the run with a line naming it.

const kc = testKubeConfig();
const image = `${REGISTRY}/ds-e2e-hooks-${uid()}`;
let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;
const devspace = (args: string[]): Promise<Run> => runCli(args, project.root);

const hook = (mark: string, when: string) => `- command: sh\n  args: ["-c", "echo ${mark} >> hooks.log"]\n  when: ${when}\n`;
const config = (extra = '') =>
  `version: v1beta2\nimages:\n  app:\n    image: ${image}\ndeployments:\n- name: web\n  component:\n    containers:\n    - image: ${image}\nhooks:\n` +
  hook('before-images', '{before: {images: all}}') + hook('after-images', '{after: {images: all}}') +
  hook('before-deployments', '{before: {deployments: all}}') + hook('before-web', '{before: {deployments: web}}') +
  hook('after-web', '{after: {deployments: web}}') + hook('after-deployments', '{after: {deployments: all}}') + extra;

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-hooks');
  project = await tempProject({ 'devspace.yaml': config(), Dockerfile: `FROM ${BASE_IMAGE}\nCMD ["sleep", "100000"]\n` });
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  await removeImages(image);
});

describe('hooks around build and deploy', () => {
  it('run at their moments, in order, in the project folder', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readFile(path.join(project.root, 'hooks.log'), 'utf8')).toBe('before-images\nafter-images\nbefore-deployments\nbefore-web\nafter-web\nafter-deployments\n');
    expect(r.stdout).toMatch(/^info\s+hook\s+before deploying web: sh -c echo before-web >> hooks\.log$/m);
    // The hooks ran after the push and before the rollout respectively.
    expect(r.stdout.indexOf('after building images')).toBeGreaterThan(r.stdout.search(/^push\s+app\s+done/m));
    expect(r.stdout.indexOf('after deploying web')).toBeGreaterThan(r.stdout.search(/^deploy\s+web\s+ready in/m));
  });

  it('a failing hook stops the run with one line naming it', async () => {
    await project.write('devspace.yaml', config('- command: sh\n  args: ["-c", "echo cannot migrate >&2; exit 4"]\n  when: {after: {deployments: web}}\n'));
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: hooks[6] (after deploying web): `sh -c echo cannot migrate >&2; exit 4` exited with code 4: cannot migrate\n');
  });
});
