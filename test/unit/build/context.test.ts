import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import tar from 'tar-stream';
import { listContext, planContext, type ContextEntry } from '../../../src/engine/build/context.js';
import { packContext } from '../../../src/engine/build/pack-context.js';
import { appFiles, makeProject } from '../../fixtures/build/project.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, readdir: vi.fn(real.readdir) };
});

const files = (entries: ContextEntry[]): string[] => entries.filter((e) => e.type === 'file').map((e) => e.path);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function project(tree: Record<string, string>): Promise<string> {
  const p = await makeProject(tree);
  cleanups.push(p.cleanup);
  return p.root;
}

async function untar(stream: NodeJS.ReadableStream): Promise<Map<string, { type: string; mode: number; body: string; linkname?: string }>> {
  const out = new Map<string, { type: string; mode: number; body: string; linkname?: string }>();
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => {
      out.set(h.name, { type: h.type, mode: h.mode, body: Buffer.concat(chunks).toString(), ...(h.linkname ? { linkname: h.linkname } : {}) });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  (stream as unknown as { pipe: (d: unknown) => void }).pipe(ex);
  await done;
  return out;
}

describe('listContext', () => {
  it('follows .dockerignore with Docker semantics, including ! re-includes below ignored dirs', async () => {
    const root = await project(appFiles());
    const kept = files(await listContext(root, { dockerfile: 'Dockerfile' }));
    expect(kept).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'docs/guide.md', 'logs/keep.log', 'src/main.js', 'src/nested/deep.js']);
  });

  it('always sends the Dockerfile and .dockerignore, even when ignored or nested in an ignored dir', async () => {
    const root = await project({ 'docker/Dockerfile.dev': 'FROM x\n', '.dockerignore': 'docker\n.dockerignore\n', 'a.txt': 'a' });
    const kept = files(await listContext(root, { dockerfile: 'docker/Dockerfile.dev' }));
    expect(kept).toEqual(['.dockerignore', 'a.txt', 'docker/Dockerfile.dev']);
  });

  it('keeps nested dirs, empty dirs, modes and symlinks, and skips excluded absolute paths', async () => {
    const root = await project({ 'a/b/c/d.txt': 'd', 'run.sh': '+x #!/bin/sh\n', '.devspace/cache.json': '{}' });
    await mkdir(join(root, 'empty'));
    await symlink('a/b/c/d.txt', join(root, 'link'));
    await chmod(join(root, 'a/b'), 0o750);
    const entries = await listContext(root, { exclude: [join(root, '.devspace')] });
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual([
      'directory:a',
      'directory:a/b',
      'directory:a/b/c',
      'file:a/b/c/d.txt',
      'directory:empty',
      'symlink:link',
      'file:run.sh',
    ]);
    expect(entries.find((e) => e.path === 'run.sh')?.mode).toBe(0o755);
    expect(entries.find((e) => e.path === 'a/b')?.mode).toBe(0o750);
    expect(entries.find((e) => e.path === 'link')?.linkname).toBe('a/b/c/d.txt');
  });

  it('does not walk into ignored dirs unless a ! pattern could re-include something', async () => {
    const root = await project({ '.dockerignore': 'big\n', 'big/x.txt': 'x', 'ok.txt': 'ok' });
    const walked = (): string[] => vi.mocked(readdir).mock.calls.map((c) => String(c[0]));
    vi.mocked(readdir).mockClear();
    expect(files(await listContext(root))).toEqual(['.dockerignore', 'ok.txt']);
    expect(walked()).toEqual([root]);

    await writeFile(join(root, '.dockerignore'), 'big\n!big/x.txt\n');
    vi.mocked(readdir).mockClear();
    expect(files(await listContext(root))).toEqual(['.dockerignore', 'big/x.txt', 'ok.txt']);
    expect(walked()).toEqual([root, join(root, 'big')]);
  });
});

describe('planContext + packContext', () => {
  it('sends an in-context Dockerfile as is when it was not rewritten', async () => {
    const root = await project({ Dockerfile: 'FROM x\n', 'a.txt': 'a' });
    const plan = await planContext(root, await listContext(root, { dockerfile: 'Dockerfile' }), { path: join(root, 'Dockerfile'), text: 'FROM x\n' });
    expect(plan.dockerfile).toBe('Dockerfile');
    const tarred = await untar(packContext(plan));
    expect([...tarred.keys()]).toEqual(['Dockerfile', 'a.txt']);
  });

  it('adds a rewritten Dockerfile under a generated name and hides it through .dockerignore', async () => {
    const root = await project({ Dockerfile: 'FROM x\n', '.dockerignore': 'tmp', 'a.txt': 'a' });
    const entries = await listContext(root, { dockerfile: 'Dockerfile' });
    const plan = await planContext(root, entries, { path: join(root, 'Dockerfile'), text: 'FROM y\n', generatedName: '.devspace-dockerfile.abc' });
    expect(plan.dockerfile).toBe('.devspace-dockerfile.abc');
    const tarred = await untar(packContext(plan));
    expect(tarred.get('Dockerfile')?.body).toBe('FROM x\n');
    expect(tarred.get('.devspace-dockerfile.abc')?.body).toBe('FROM y\n');
    expect(tarred.get('.dockerignore')?.body).toBe('tmp\n.devspace-dockerfile.abc\n');
  });

  it('creates a .dockerignore naming itself when the context had none', async () => {
    const root = await project({ 'ctx/a.txt': 'a', 'docker/Dockerfile': 'FROM x\n' });
    const ctx = join(root, 'ctx');
    const plan = await planContext(ctx, await listContext(ctx), { path: join(root, 'docker/Dockerfile'), text: 'FROM x\n', generatedName: '.devspace-dockerfile.1' });
    const tarred = await untar(packContext(plan));
    expect(tarred.get('.dockerignore')?.body).toBe('.dockerignore\n.devspace-dockerfile.1\n');
    expect([...tarred.keys()].sort()).toEqual(['.devspace-dockerfile.1', '.dockerignore', 'a.txt']);
  });

  it('streams big files and keeps modes, dirs and symlinks in the tar', async () => {
    const root = await project({ 'bin/run.sh': '+x echo hi\n', 'data/big.bin': '' });
    await writeFile(join(root, 'data/big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    await symlink('bin/run.sh', join(root, 'run'));
    const plan = await planContext(root, await listContext(root), { path: join(root, 'Dockerfile'), text: 'FROM x\n', generatedName: '.df' });
    const tarred = await untar(packContext(plan));
    expect(tarred.get('bin/run.sh')?.mode).toBe(0o755);
    expect(tarred.get('bin')?.type).toBe('directory');
    expect(tarred.get('data/big.bin')?.body.length).toBe(3 * 1024 * 1024);
    expect(tarred.get('run')).toMatchObject({ type: 'symlink', linkname: 'bin/run.sh' });
  });
});
