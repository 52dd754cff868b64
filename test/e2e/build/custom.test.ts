import { copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImages } from '../../../src/engine/build/index.js';
import { UserError } from '../../../src/engine/errors.js';
import { BASE_IMAGE, makeProject } from '../../fixtures/build/project.js';
import { cleanUpImages, docker, recorder, runImage, uniqueRepo } from './helpers.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/build/custom-build.sh');
const created = new Set<string>();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await cleanUpImages(created);
  for (const c of cleanups) await c();
});

describe('custom builders and kaniko', () => {
  it('runs the custom command with the image flag and flags, streams its output, and skips when onChange files are unchanged', async () => {
    const p = await makeProject({
      Dockerfile: `FROM ${BASE_IMAGE}\nARG FLAVOUR\nRUN echo "$FLAVOUR" > /flavour\nCMD ["cat", "/flavour"]\n`,
      'src/a.txt': `${Date.now()}\n`,
    });
    cleanups.push(p.cleanup);
    await copyFile(SCRIPT, join(p.root, 'build.sh'));
    const spec = {
      key: 'custom',
      image: uniqueRepo('custom'),
      build: { custom: { command: './build.sh', imageFlag: '--image', flags: ['--build-arg', 'FLAVOUR=from custom'], onChange: ['src/**', 'Dockerfile'] } },
    };
    const rec = recorder();
    const out = await buildImages([spec], { projectRoot: p.root, events: rec.events, dev: true });
    created.add(out.custom!.ref);
    expect(out.custom).toMatchObject({ builder: 'custom', rebuilt: true, local: true, imageId: expect.stringMatching(/^sha256:/) });
    const lines = rec.of('build:log').flatMap((l) => l.lines);
    expect(lines).toContain(`custom builder building ${out.custom!.ref}`);
    expect(lines).toContain('custom builder done');
    expect(await runImage(out.custom!.ref)).toBe('from custom\n');
    expect((await docker.getImage(out.custom!.ref).inspect()).Id).toBe(out.custom!.imageId);

    const again = recorder();
    const second = await buildImages([spec], { projectRoot: p.root, events: again.events, dev: true });
    expect(second.custom).toMatchObject({ ref: out.custom!.ref, rebuilt: false });
    expect(again.of('build:start')).toEqual([]);
  });

  it('fails a custom build whose command exits non-zero', async () => {
    const p = await makeProject({ 'fail.sh': '+x #!/bin/sh\necho "no docker here" >&2\nexit 4\n' });
    cleanups.push(p.cleanup);
    const rec = recorder();
    const err = await buildImages([{ key: 'c', image: uniqueRepo('cfail'), build: { custom: { command: './fail.sh' } } }], {
      projectRoot: p.root,
      events: rec.events,
      dev: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('build of image "c" failed: command ./fail.sh exited with code 4 (no docker here)');
    expect(rec.of('build:failed')).toHaveLength(1);
  });

  it('refuses kaniko with a clear error before building anything', async () => {
    const rec = recorder();
    const err = await buildImages(
      [
        { key: 'ok', image: uniqueRepo('never') },
        { key: 'k', image: uniqueRepo('kaniko'), build: { kaniko: { cache: true } } },
      ],
      { projectRoot: '/nonexistent', events: rec.events, dev: false },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      'image "k" uses build.kaniko, which is not supported: kaniko needs its executor image from a public registry (gcr.io), which this environment cannot pull',
    );
    expect((err as UserError).hint).toMatch(/build.docker/);
    expect(rec.of('build:start')).toEqual([]);
  });
});
