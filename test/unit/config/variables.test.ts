import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../../src/engine/config/index.js';
import { coerce } from '../../../src/engine/config/variables.js';
import { problems } from './helpers.js';

const parse = (text: string, opts: Parameters<typeof parseConfigText>[2] = {}) =>
  parseConfigText(text, 'devspace.yaml', { env: {}, ...opts });

const IMAGE = (value: string) => `images:\n  app:\n    image: ${value}\n`;

describe('${VAR} substitution', () => {
  it('takes values from the environment, DEVSPACE_VAR_<NAME> first', async () => {
    const text = IMAGE('registry/${user}/app');
    expect((await parse(text, { env: { user: 'plain' } })).config.images?.app?.image).toBe('registry/plain/app');
    const both = { user: 'plain', DEVSPACE_VAR_USER: 'prefixed' };
    expect((await parse(text, { env: both })).config.images?.app?.image).toBe('registry/prefixed/app');
  });

  it('lets --var win over predefined and environment values', async () => {
    const text = `${IMAGE('r/${DEVSPACE_RANDOM}')}    tag: \${TAG}\n`;
    const { config } = await parse(text, { vars: { DEVSPACE_RANDOM: 'fixed', TAG: 'v1' }, env: { TAG: 'env', DEVSPACE_VAR_TAG: 'env2' } });
    expect(config.images?.app).toEqual({ image: 'r/fixed', tag: 'v1' });
  });

  it('fills DEVSPACE_RANDOM (6 letters, the same everywhere in one load) and DEVSPACE_TIMESTAMP (unix seconds)', async () => {
    const text = `${IMAGE('r/${DEVSPACE_RANDOM}')}    tag: \${DEVSPACE_RANDOM}\ndeployments:\n- name: d\n  component:\n    replicas: \${DEVSPACE_TIMESTAMP}\n`;
    const before = Math.floor(Date.now() / 1000);
    const { config } = await parse(text);
    const tag = config.images?.app?.tag ?? '';
    expect(tag).toMatch(/^[a-zA-Z]{6}$/);
    expect(config.images?.app?.image).toBe(`r/${tag}`);
    const ts = config.deployments?.[0]?.component?.replicas ?? 0;
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  describe('DEVSPACE_GIT_COMMIT', () => {
    let repo: string;
    let notRepo: string;
    beforeAll(async () => {
      repo = await mkdtemp(path.join(tmpdir(), 'devspace-git-'));
      notRepo = await mkdtemp(path.join(tmpdir(), 'devspace-nogit-'));
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
      git('init', '-q');
      await writeFile(path.join(repo, 'devspace.yaml'), 'version: v1beta2\n');
      git('add', '.');
      git('commit', '-q', '-m', 'init');
    });
    afterAll(async () => {
      await rm(repo, { recursive: true, force: true });
      await rm(notRepo, { recursive: true, force: true });
    });

    it('is the first 8 characters of HEAD in the project root', async () => {
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim();
      const { config } = await parseConfigText(IMAGE('r/app:${DEVSPACE_GIT_COMMIT}'), path.join(repo, 'devspace.yaml'), { env: {} });
      expect(config.images?.app?.image).toBe(`r/app:${head.slice(0, 8)}`);
    });

    it('is an error at the variable when the project is not a git repository', async () => {
      const [issue] = await parseConfigText(IMAGE('r/app:${DEVSPACE_GIT_COMMIT}'), path.join(notRepo, 'devspace.yaml'), { env: {} })
        .then(() => [])
        .catch((e: { issues: { line: number; column: number; path: string; message: string }[] }) => e.issues);
      expect(issue).toMatchObject({ line: 3, column: 18, path: 'images.app.image' });
      expect(issue?.message).toMatch(new RegExp(`^cannot read the git commit for DEVSPACE_GIT_COMMIT in ${notRepo}: .*not a git repository`));
    });
  });

  it('keeps $${VAR} as a literal ${VAR} without resolving it', async () => {
    const { config } = await parse(`${IMAGE('"a-$${NOPE}-$$${X}"')}`, { env: { X: 'x' } });
    expect(config.images?.app?.image).toBe('a-${NOPE}-$${X}');
  });

  it('turns a whole-string integer or boolean result into that type', async () => {
    const text =
      'deployments:\n- name: d\n  component:\n    replicas: ${N}\n' +
      'dev:\n  sync:\n  - labelSelector: {app: "${N}"}\n    waitInitialSync: ${W}\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - port: ${N}9\n';
    const { config } = await parse(text, { vars: { N: '3', W: 'true' } });
    expect(config.deployments?.[0]?.component?.replicas).toBe(3);
    expect(config.dev?.sync?.[0]?.waitInitialSync).toBe(true);
    // A string field takes the number back as text.
    expect(config.dev?.sync?.[0]?.labelSelector).toEqual({ app: '3' });
    expect(config.dev?.ports?.[0]?.forward[0]?.port).toBe(39);
  });

  it('coerces only canonical integers and spelled-out booleans', () => {
    expect(coerce('42')).toBe(42);
    expect(coerce('-7')).toBe(-7);
    expect(coerce('0')).toBe(0);
    expect(coerce('00123456')).toBe('00123456');
    expect(coerce('+5')).toBe('+5');
    expect(coerce('12345678901234567890')).toBe('12345678901234567890');
    expect(coerce('True')).toBe(true);
    expect(coerce('FALSE')).toBe(false);
    expect(coerce('t')).toBe('t');
    expect(coerce('1.5')).toBe('1.5');
  });

  it('does not expand variables inside a variable value, nor in keys', async () => {
    const text = 'dev:\n  selectors:\n  - name: s\n    labelSelector:\n      ${KEY}: ${VALUE}\n';
    const { config } = await parse(text, { vars: { VALUE: '${OTHER}', KEY: 'k' } });
    expect(config.dev?.selectors?.[0]?.labelSelector).toEqual({ '${KEY}': '${OTHER}' });
  });

  it('reports an unset variable at its own line and column, once per name, and tells how to set it', async () => {
    const text = 'images:\n  app:\n    image: registry/${IMAGE_NAME}\n    tag: "v-${IMAGE_NAME}"\n' +
      'dev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n    - port: ${PORT}\n';
    expect(await problems(text)).toEqual([
      '3:21 images.app.image: variable ${IMAGE_NAME} is not set; pass `--var IMAGE_NAME=VALUE` or set the environment variable IMAGE_NAME (or DEVSPACE_VAR_IMAGE_NAME)',
      // The port's own type error is not reported on top: the variable is the problem.
      '9:13 dev.ports[0].forward[0].port: variable ${PORT} is not set; pass `--var PORT=VALUE` or set the environment variable PORT (or DEVSPACE_VAR_PORT)',
    ]);
  });

  it('treats an empty environment variable as unset', async () => {
    expect(await problems(IMAGE('${X}'), { env: { X: '' } })).toEqual([
      '3:12 images.app.image: variable ${X} is not set; pass `--var X=VALUE` or set the environment variable X (or DEVSPACE_VAR_X)',
    ]);
  });

  it('asks the prompt only when interactive, once per name, and only for values not found elsewhere', async () => {
    const prompt = vi.fn(async (name: string) => `answer-${name}`);
    const text = `${IMAGE('r/${A}/${B}')}    tag: \${A}\n`;
    const { config } = await parse(text, { interactive: true, prompt, env: { B: 'from-env' } });
    expect(config.images?.app).toEqual({ image: 'r/answer-A/from-env', tag: 'answer-A' });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(prompt).toHaveBeenCalledWith('A');

    const unused = vi.fn(async () => 'x');
    expect(await problems(IMAGE('${A}'), { interactive: false, prompt: unused })).toHaveLength(1);
    expect(unused).not.toHaveBeenCalled();
    // Interactive without a prompt function behaves like non-interactive.
    expect(await problems(IMAGE('${A}'), { interactive: true })).toHaveLength(1);
  });

  it('lets a prompt that is cancelled fail the load with its own error, not a config error', async () => {
    const cancelled = Object.assign(new Error('cancelled'), { name: 'AbortError' });
    const prompt = async () => {
      throw cancelled;
    };
    await expect(parse(IMAGE('${A}'), { interactive: true, prompt })).rejects.toBe(cancelled);
  });

  it('reports an unset variable in `version` once, not also as a bad version', async () => {
    expect(await problems('version: ${V}\n')).toEqual([
      '1:10 version: variable ${V} is not set; pass `--var V=VALUE` or set the environment variable V (or DEVSPACE_VAR_V)',
    ]);
    expect((await parse('version: ${V}\n', { vars: { V: 'v1beta2' } })).config.version).toBe('v1beta2');
  });
});
