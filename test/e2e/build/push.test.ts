import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImages,
  builtRefsByRepository,
  createBuildStage,
  createPushStage,
  CredentialStore,
  pushImages,
  type BuildStageContext,
  type BuiltImage,
} from '../../../src/engine/build/index.js';
import { runPipeline } from '../../../src/engine/pipeline/pipeline.js';
import { UserError } from '../../../src/engine/errors.js';
import { BASE_IMAGE, makeProject } from '../../fixtures/build/project.js';
import { cleanUpImages, docker, recorder, registryTags, removeImages, uniqueRepo } from './helpers.js';

const SECRET = 'e2e-Secret-Pa55word';
const created = new Set<string>();
let root: string;
let cleanup: () => Promise<void>;
let configDir: string;
let credentials: () => CredentialStore;

beforeAll(async () => {
  ({ root, cleanup } = await makeProject({ Dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /app\n`, 'a.txt': `${Date.now()}\n` }, 'ds-e2e-push-'));
  // The registry has no auth and ignores the header, which still proves credentials travel without leaking.
  configDir = await mkdtemp(join(tmpdir(), 'ds-e2e-docker-'));
  await mkdir(configDir, { recursive: true });
  const auth = Buffer.from(`tester:${SECRET}`).toString('base64');
  await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': { auth }, '127.0.0.1:5999': { auth } } }));
  credentials = () => new CredentialStore({ configPath: join(configDir, 'config.json') });
});
afterAll(async () => {
  await cleanUpImages(created);
  await cleanup();
  await rm(configDir, { recursive: true, force: true });
});

describe('push against the test registry', () => {
  it('pushes to the registry in the image name, reports layers and the digest, and never leaks the password', async () => {
    const image = uniqueRepo('push');
    const rec = recorder();
    const built = await buildImages([{ key: 'app', image }], { projectRoot: root, events: rec.events, dev: false });
    created.add(built.app!.ref);
    const t = Date.now();
    const pushed = await pushImages(built, { events: rec.events, credentials: credentials() });
    const pushMs = Date.now() - t;
    expect(pushed.app).toMatchObject({ ref: built.app!.ref, pushed: true, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(await registryTags(image)).toEqual([built.app!.tag]);
    expect(rec.of('push:start')).toEqual([{ image: 'app', ref: built.app!.ref, registry: '127.0.0.1:5000' }]);
    const statuses = new Set(rec.of('push:progress').map((p) => p.status));
    expect([...statuses].some((s) => /Pushed|Layer already exists|Mounted from/.test(s))).toBe(true);
    expect(rec.of('push:done')[0]).toMatchObject({ image: 'app', digest: pushed.app!.digest });
    expect(JSON.stringify(rec.seen)).not.toContain(SECRET);

    // Unchanged and already in the registry: no second push.
    const again = recorder();
    const rebuilt = await buildImages([{ key: 'app', image }], { projectRoot: root, events: again.events, dev: false });
    const t2 = Date.now();
    await pushImages(rebuilt, { events: again.events, credentials: credentials() });
    const skipMs = Date.now() - t2;
    expect(again.of('push:skipped')).toEqual([{ image: 'app', ref: built.app!.ref, reason: 'the image is already in registry 127.0.0.1:5000' }]);

    // Gone locally but in the registry: the build is skipped and deploy can still pull it.
    await removeImages([built.app!.ref]);
    const third = recorder();
    const fromRegistry = await buildImages([{ key: 'app', image }], { projectRoot: root, events: third.events, dev: false });
    expect(fromRegistry.app).toMatchObject({ ref: built.app!.ref, rebuilt: false, local: false });
    expect(third.of('build:skipped')[0]?.reason).toBe('nothing changed; the image is in registry 127.0.0.1:5000');
    console.info(`[figures] push ${pushMs} ms, unchanged-image push check ${skipMs} ms`);
  });

  it('fails with a one-line error naming a registry that is down, without the password', async () => {
    const rec = recorder();
    const source = uniqueRepo('down');
    const built = await buildImages([{ key: 'app', image: source }], { projectRoot: root, events: rec.events, dev: false });
    created.add(built.app!.ref);
    const image = source.replace('127.0.0.1:5000', '127.0.0.1:5999');
    await docker.getImage(built.app!.ref).tag({ repo: image, tag: built.app!.tag });
    const ref = `${image}:${built.app!.tag}`;
    created.add(ref);
    const target: BuiltImage = { ...built.app!, image, ref };
    const t = Date.now();
    const err = await pushImages({ app: target }, { events: rec.events, credentials: credentials() }).catch((e: unknown) => e);
    const ms = Date.now() - t;
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`push of ${ref} failed: registry 127.0.0.1:5999 is not reachable (connection refused)`);
    expect((err as UserError).hint).toBe('check that the registry at 127.0.0.1:5999 is running');
    expect(rec.of('push:failed')).toEqual([
      { image: 'app', registry: '127.0.0.1:5999', message: 'registry 127.0.0.1:5999 is not reachable (connection refused)' },
    ]);
    expect(JSON.stringify(rec.seen)).not.toContain(SECRET);
    console.info(`[figures] push to a closed port failed after ${ms} ms`);
  });

  it('honours skipPush from the flag and from the image config', async () => {
    const rec = recorder();
    const img: BuiltImage = {
      key: 'a',
      image: 'x',
      tag: 't',
      ref: 'x:t',
      rebuilt: true,
      local: true,
      skipPush: true,
      createPullSecret: false,
      builder: 'docker',
    };
    await pushImages([img, { ...img, key: 'b', skipPush: false }], { events: rec.events, skipPush: true });
    expect(rec.of('push:skipped').map((s) => s.reason)).toEqual(['--skip-push is set', '--skip-push is set']);
    rec.clear();
    await pushImages([img], { events: rec.events });
    expect(rec.of('push:skipped').map((s) => s.reason)).toEqual(['images.a.build.docker.skipPush is set']);
  });

  it('runs as the build and push stages of a pipeline and leaves the refs for deploy in the context', async () => {
    const rec = recorder();
    const image = uniqueRepo('stage');
    const ctx: BuildStageContext = { events: rec.events, projectRoot: root, images: [{ key: 'app', image }], dev: true };
    const outcome = await runPipeline([createBuildStage(), createPushStage()], ctx, {
      events: rec.events,
      signal: new AbortController().signal,
      untilAborted: false,
    });
    expect(outcome).toBe('completed');
    created.add(ctx.builtImages!.app!.ref);
    expect(ctx.pushedImages?.app).toMatchObject({ pushed: true });
    expect(await registryTags(image)).toEqual([ctx.builtImages!.app!.tag]);
    expect(builtRefsByRepository(ctx.builtImages!).get(image)).toBe(ctx.builtImages!.app!.ref);
    expect(rec.of('engine:phase').map((p) => p.phase)).toEqual(['build', 'push', 'dev', 'stopping', 'stopped']);
  });
});
