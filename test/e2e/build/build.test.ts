import { readFile, stat, writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImages } from '../../../src/engine/build/index.js';
import { UserError } from '../../../src/engine/errors.js';
import { appFiles, BASE_IMAGE, makeProject } from '../../fixtures/build/project.js';
import { allContainers, cleanUpImages, docker, recorder, removeImages, runImage, uniqueRepo } from './helpers.js';

const created = new Set<string>();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await cleanUpImages(created);
  for (const c of cleanups) await c();
});
async function project(files: Record<string, string> = appFiles()): Promise<string> {
  const p = await makeProject(files, 'ds-e2e-build-');
  cleanups.push(p.cleanup);
  return p.root;
}

describe('docker builds against the real Engine', () => {
  it('applies a dev entrypoint override in memory: the image gets it, the Dockerfile on disk does not', async () => {
    const root = await project();
    const before = await readFile(join(root, 'Dockerfile'));
    const beforeStat = await stat(join(root, 'Dockerfile'));
    const entrypoint = ['sh', '-c', 'echo "[$1]" "$0"', 'zero', 'with "quotes" and  spaces \\ back ünï'];
    const rec = recorder();
    const image = uniqueRepo('override');
    const out = await buildImages([{ key: 'app', image, override: { entrypoint } }], { projectRoot: root, events: rec.events, dev: true });
    created.add(out.app!.ref);
    const info = await docker.getImage(out.app!.ref).inspect();
    expect(info.Config.Entrypoint).toEqual(entrypoint);
    expect(info.Config.Cmd ?? []).toEqual([]);
    expect(await runImage(out.app!.ref)).toBe('[with "quotes" and  spaces \\ back ünï] zero\n');
    expect(await readFile(join(root, 'Dockerfile'))).toEqual(before);
    expect((await stat(join(root, 'Dockerfile'))).mtimeMs).toBe(beforeStat.mtimeMs);
    // The rewritten Dockerfile never reaches the image; the original does, as in a non-dev build.
    const files = await runImage(out.app!.ref, ['/app/files.txt'], ['cat']);
    expect(files).toContain('/app/Dockerfile\n');
    expect(files).not.toContain('.devspace-dockerfile');
    const steps = rec.of('build:step');
    expect(steps.at(-1)).toMatchObject({ step: steps.at(-1)!.total, instruction: 'CMD []' });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(rec.of('build:done')[0]).toMatchObject({ image: 'app', ref: out.app!.ref, imageId: info.Id });
  });

  it('honours buildArgs and target, putting the override into the target stage', async () => {
    const root = await project();
    const rec = recorder();
    const image = uniqueRepo('target');
    const out = await buildImages(
      [{ key: 'app', image, build: { docker: { options: { target: 'base', buildArgs: { GREETING: 'bonjour tout le monde' } } } }, override: { entrypoint: ['cat', '/app/greeting.txt'] } }],
      { projectRoot: root, events: rec.events, dev: true },
    );
    created.add(out.app!.ref);
    expect(await runImage(out.app!.ref)).toBe('bonjour tout le monde\n');
    // The target stage's 5 instructions + the 2 override lines; the final stage is not built.
    const steps = rec.of('build:step');
    expect(steps.map((s) => s.total)).toEqual(Array(7).fill(7));
    expect(steps.slice(-2).map((s) => s.instruction)).toEqual(['ENTRYPOINT ["cat","/app/greeting.txt"]', 'CMD []']);
  });

  it('honours the network option', async () => {
    const root = await project({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN ls /sys/class/net > /net.txt\nCMD ["cat", "/net.txt"]\n` });
    const image = uniqueRepo('network');
    const out = await buildImages([{ key: 'n', image, build: { docker: { options: { network: 'none' } } } }], {
      projectRoot: root,
      events: recorder().events,
      dev: false,
    });
    created.add(out.n!.ref);
    expect((await runImage(out.n!.ref)).trim()).toBe('lo');
  });

  it('sends the context .dockerignore allows, with ! re-includes', async () => {
    const root = await project();
    const image = uniqueRepo('ignore');
    const out = await buildImages([{ key: 'app', image }], { projectRoot: root, events: recorder().events, dev: false });
    created.add(out.app!.ref);
    const files = (await runImage(out.app!.ref)).trim().split('\n');
    expect(files.join('\n')).toEqual([
      '/app/.dockerignore',
      '/app/Dockerfile',
      '/app/README.md',
      '/app/docs/guide.md',
      '/app/greeting.txt',
      '/app/logs/keep.log',
      '/app/src/main.js',
      '/app/src/nested/deep.js',
    ].join('\n'));
  });

  it('skips an unchanged image, ignores mtime-only changes, rebuilds on content changes and with force', async () => {
    // A file no earlier build had, so the first build really runs COPY and RUN (a cold layer cache).
    const root = await project({ ...appFiles(), 'src/run-id.txt': `${Date.now()}\n` });
    const image = uniqueRepo('rebuild');
    const specs = [{ key: 'app', image }];
    const build = async (force = false): Promise<{ ref: string; rebuilt: boolean; rec: ReturnType<typeof recorder>; ms: number }> => {
      const rec = recorder();
      const t = Date.now();
      const out = await buildImages(specs, { projectRoot: root, events: rec.events, dev: false, force });
      created.add(out.app!.ref);
      return { ref: out.app!.ref, rebuilt: out.app!.rebuilt, rec, ms: Date.now() - t };
    };
    const first = await build();
    expect(first.rebuilt).toBe(true);
    const cached = await build();
    expect(cached).toMatchObject({ ref: first.ref, rebuilt: false });
    expect(cached.rec.of('build:start')).toEqual([]);
    expect(cached.rec.of('build:skipped')).toEqual([{ image: 'app', ref: first.ref, reason: 'nothing changed since the last build' }]);

    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'src/main.js'), later, later);
    expect(await build()).toMatchObject({ ref: first.ref, rebuilt: false });

    await writeFile(join(root, 'src/main.js'), 'console.log("changed")\n');
    const changed = await build();
    expect(changed.rebuilt).toBe(true);
    expect(changed.ref).not.toBe(first.ref);
    expect(changed.rec.of('build:start')).toHaveLength(1);
    expect(await runImage(changed.ref, ['cat', '/app/src/main.js'])).toBe('console.log("changed")\n');

    const forced = await build(true);
    expect(forced).toMatchObject({ ref: changed.ref, rebuilt: true });

    // Missing locally and never pushed: the cache alone is not enough.
    await removeImages([changed.ref]);
    const again = await build();
    expect(again).toMatchObject({ ref: changed.ref, rebuilt: true });
    console.info(`[figures] cold build ${first.ms} ms (build:done ${first.rec.of('build:done')[0]?.ms} ms), cached check ${cached.ms} ms`);
    const cache = JSON.parse(await readFile(join(root, '.devspace/cache.json'), 'utf8')) as { images: Record<string, unknown> };
    expect(Object.keys(cache.images)).toEqual(['app']);
  });

  it('reports a failing build with its step and output, and leaves no containers behind', async () => {
    const marker = `fail${Date.now()}`;
    const run = `echo ${marker}; echo broke >&2; exit 3`;
    const root = await project({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo preparing\nRUN ${run}\nCMD ["true"]\n` });
    const before = new Set((await allContainers()).map((c) => c.Id));
    const rec = recorder();
    const err = await buildImages([{ key: 'api', image: uniqueRepo('fail') }], { projectRoot: root, events: rec.events, dev: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(1);
    expect((err as Error).message).toBe(
      `build of image "api" failed at step 3/4 (RUN ${run}): The command '/bin/sh -c ${run}' returned a non-zero code: 3`,
    );
    const failed = rec.of('build:failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ image: 'api', step: 3, instruction: `RUN ${run}` });
    expect(failed[0]!.output).toEqual(expect.arrayContaining([marker, 'broke']));
    const after = await allContainers();
    const leftovers = after.filter((c) => !before.has(c.Id));
    expect(leftovers.filter((c) => c.Command.includes(marker))).toEqual([]);
    expect(after.length).toBeLessThanOrEqual(before.size + leftovers.filter((c) => !c.Command.includes(marker)).length);
  });

  it('stops a running build on abort and leaves no containers behind', async () => {
    const marker = `ds-e2e-abort-${Date.now()}`;
    const root = await project({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ${marker} && sleep 60\n` });
    const rec = recorder();
    const ctl = new AbortController();
    rec.events.on('build:log', (p) => {
      if (p.lines.some((l) => l === marker)) ctl.abort();
    });
    const started = Date.now();
    const err = await buildImages([{ key: 'slow', image: uniqueRepo('abort') }], {
      projectRoot: root,
      events: rec.events,
      dev: false,
      signal: ctl.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(20_000);
    // The Engine kills and removes the RUN container once it notices the closed connection.
    let mine: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      mine = (await allContainers()).filter((c) => c.Command.includes(marker));
      if (mine.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(mine).toEqual([]);
  });
});
