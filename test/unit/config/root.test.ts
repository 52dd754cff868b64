import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UserError } from '../../../src/engine/errors.js';
import { findProjectRoot, loadConfig } from '../../../src/engine/config/index.js';

describe('project root discovery and loading from disk', () => {
  let base: string;
  const savedHome = process.env.HOME;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'devspace-root-')));
    // base/project/devspace.yaml, base/project/src/deep/, base/home/devspace.yaml, base/home/work/app/
    await mkdir(path.join(base, 'project', 'src', 'deep'), { recursive: true });
    await writeFile(path.join(base, 'project', 'devspace.yaml'), 'version: v1beta2\ncluster:\n  namespace: proj\n');
    await mkdir(path.join(base, 'home', 'work', 'app'), { recursive: true });
    await writeFile(path.join(base, 'home', 'devspace.yaml'), 'version: v1beta2\n');
    await mkdir(path.join(base, 'empty'), { recursive: true });
    await mkdir(path.join(base, 'bad'), { recursive: true });
    await writeFile(path.join(base, 'bad', 'devspace.yaml'), 'version: v1beta2\ndev:\n  prots: []\n');
    await mkdir(path.join(base, 'dir-not-file', 'devspace.yaml'), { recursive: true });
    // Projects from before DevSpace v3 keep their config in .devspace/config.yaml.
    await mkdir(path.join(base, 'legacy', '.devspace'), { recursive: true });
    await mkdir(path.join(base, 'legacy', 'src'), { recursive: true });
    await writeFile(
      path.join(base, 'legacy', '.devspace', 'config.yaml'),
      'version: v1alpha1\ncluster:\n  namespace: old\ndevSpace:\n  ports:\n  - labelSelector: {a: b}\n    portMappings:\n    - localPort: 3000\n',
    );
    await mkdir(path.join(base, 'legacy-bad', '.devspace'), { recursive: true });
    await writeFile(path.join(base, 'legacy-bad', '.devspace', 'config.yaml'), 'version: v1alpha1\ndevSpace:\n  prots: []\n');
    await mkdir(path.join(base, 'both', '.devspace'), { recursive: true });
    await writeFile(path.join(base, 'both', '.devspace', 'config.yaml'), 'version: v1alpha1\ncluster:\n  namespace: old\n');
    await writeFile(path.join(base, 'both', 'devspace.yaml'), 'version: v1beta2\ncluster:\n  namespace: new\n');
    await mkdir(path.join(base, 'only-generated', '.devspace'), { recursive: true });
    await writeFile(path.join(base, 'only-generated', '.devspace', 'generated.yaml'), 'activeConfig: default\n');
  });
  afterEach(() => {
    process.env.HOME = savedHome;
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds devspace.yaml in the directory itself', async () => {
    expect(await findProjectRoot(path.join(base, 'project'))).toBe(path.join(base, 'project'));
  });

  it('walks up from a subdirectory', async () => {
    expect(await findProjectRoot(path.join(base, 'project', 'src', 'deep'))).toBe(path.join(base, 'project'));
  });

  it('returns undefined when no parent has one', async () => {
    expect(await findProjectRoot(path.join(base, 'empty'))).toBeUndefined();
  });

  it('skips the home directory', async () => {
    process.env.HOME = path.join(base, 'home');
    expect(await findProjectRoot(path.join(base, 'home', 'work', 'app'))).toBeUndefined();
    process.env.HOME = path.join(base, 'elsewhere');
    expect(await findProjectRoot(path.join(base, 'home', 'work', 'app'))).toBe(path.join(base, 'home'));
  });

  it('ignores a directory named devspace.yaml', async () => {
    expect(await findProjectRoot(path.join(base, 'dir-not-file'))).toBeUndefined();
  });

  it('loads the config found from a subdirectory, with root and absolute file', async () => {
    const loaded = await loadConfig({ cwd: path.join(base, 'project', 'src'), env: {} });
    expect(loaded.root).toBe(path.join(base, 'project'));
    expect(loaded.file).toBe(path.join(base, 'project', 'devspace.yaml'));
    expect(loaded.config.cluster?.namespace).toBe('proj');
    expect(loaded.locate(['cluster', 'namespace'])).toEqual({ line: 3, column: 14 });
  });

  it('throws a UserError with exit code 2 when there is no devspace.yaml', async () => {
    const cwd = path.join(base, 'empty');
    const err = await loadConfig({ cwd, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).not.toBeInstanceOf(ConfigError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toBe(`no devspace.yaml found in ${cwd} or any parent directory; run \`devspace init\``);
  });

  it('loads an explicit file relative to cwd, and names it relative to cwd in errors', async () => {
    const err = await loadConfig({ cwd: base, file: 'bad/devspace.yaml', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('bad/devspace.yaml:3:3: dev.prots: unknown key `prots`; did you mean `ports`?');
  });

  it('names the file by its absolute path when it lies above cwd', async () => {
    const err = await loadConfig({ cwd: path.join(base, 'bad', 'sub-that-does-not-matter'), file: '../devspace.yaml', env: {} }).catch(
      (e: unknown) => e,
    );
    expect((err as ConfigError).issues[0]?.file).toBe(path.join(base, 'bad', 'devspace.yaml'));
  });

  describe('the legacy .devspace/config.yaml', () => {
    it('marks a project root, found from a subdirectory; the root is the project, not .devspace', async () => {
      expect(await findProjectRoot(path.join(base, 'legacy', 'src'))).toBe(path.join(base, 'legacy'));
      const loaded = await loadConfig({ cwd: path.join(base, 'legacy', 'src'), env: {} });
      expect(loaded.root).toBe(path.join(base, 'legacy'));
      expect(loaded.file).toBe(path.join(base, 'legacy', '.devspace', 'config.yaml'));
      expect(loaded.config.cluster?.namespace).toBe('old');
      expect(loaded.config.dev?.ports?.[0]?.forward).toEqual([{ port: 3000 }]);
      expect(loaded.locate(['dev', 'ports', 0, 'forward', 0, 'port'])).toEqual({ line: 8, column: 18 });
    });

    it('is read in place: nothing is renamed or written', async () => {
      await loadConfig({ cwd: path.join(base, 'legacy'), env: {} });
      expect((await readdir(path.join(base, 'legacy'))).sort()).toEqual(['.devspace', 'src']);
      expect(await readdir(path.join(base, 'legacy', '.devspace'))).toEqual(['config.yaml']);
    });

    it('names the legacy file in errors', async () => {
      const err = await loadConfig({ cwd: path.join(base, 'legacy-bad'), env: {} }).catch((e: unknown) => e);
      expect((err as ConfigError).message).toBe('.devspace/config.yaml:3:3: devSpace.prots: unknown key `prots`; did you mean `ports`?');
    });

    it('loses to devspace.yaml when both exist', async () => {
      const loaded = await loadConfig({ cwd: path.join(base, 'both'), env: {} });
      expect(loaded.file).toBe(path.join(base, 'both', 'devspace.yaml'));
      expect(loaded.config.cluster?.namespace).toBe('new');
    });

    it('given explicitly, still has the project as its root', async () => {
      const loaded = await loadConfig({ cwd: base, file: 'legacy/.devspace/config.yaml', env: {} });
      expect(loaded.root).toBe(path.join(base, 'legacy'));
    });

    it('is needed: a .devspace folder with only generated.yaml is no project', async () => {
      expect(await findProjectRoot(path.join(base, 'only-generated'))).toBeUndefined();
    });
  });

  it('reports an explicit file that does not exist as a UserError', async () => {
    const err = await loadConfig({ cwd: base, file: 'nope.yaml', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('config file nope.yaml does not exist');
  });
});
