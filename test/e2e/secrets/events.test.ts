import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImages, CredentialStore, pushImages } from '../../../src/engine/build/index.js';
import { loadConfig } from '../../../src/engine/config/index.js';
import { deployAll } from '../../../src/engine/deploy/index.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import { devImplementations } from '../../../src/engine/pipeline/dev-implementations.js';
import { createEngine } from '../../../src/engine/pipeline/engine.js';
import { tempNamespace, uid, waitFor } from '../support/testbed.js';
import { adminKubeConfig, basic, kubeconfigDoc, mintServiceAccounts, writeDockerConfig, writeExecPlugin, writeKubeconfig } from './support/plant.js';
import { page, quickstartCopy, type QuickstartCopy } from './support/project.js';
import { startRefusingRegistry, type RefusingRegistry } from './support/refusing-registry.js';
import { leakReport, ledger } from './support/runs.js';
import { SecretBook, type Leak } from './support/secret-book.js';

// The engine as a library, the way the dashboard, the plain reporter and
// scripts consume it: every event of build, push, deploy (with a pull
// secret) and a whole `dev` session is recorded and scanned as JSON, and so
// is every error a failure throws (message, hint and stack, which is what
// `--debug` prints). Errors are scanned raw: a library caller gets them
// before any output net.

const admin = adminKubeConfig();
const book = new SecretBook();
let ns: { name: string; dispose(): Promise<void> };
let accounts: Awaited<ReturnType<typeof mintServiceAccounts>>;
let dir: string;
let project: QuickstartCopy;
let bearer: string;
let dockerDir: string;
let refusing: RefusingRegistry;
let refusingPassword: string;
const savedDockerConfig = process.env.DOCKER_CONFIG;
/** Local images the library builds tagged outside the project's repository. */
const extraImages: string[] = [];

beforeAll(async () => {
  ns = await tempNamespace(admin, 'e2e-secrets-ev');
  accounts = await mintServiceAccounts(admin, ns.name);
  dir = await mkdtemp(path.join(tmpdir(), 'devspace-secrets-ev-'));
  book.add('ServiceAccount token (dev)', accounts.dev.token, { slices: false });
  book.add('ServiceAccount token (dev) signature', accounts.dev.token.split('.')[2]!);
  bearer = await writeKubeconfig(dir, 'bearer', kubeconfigDoc(admin, { token: accounts.dev.token }, ns.name));
  refusing = await startRefusingRegistry('basic', true);
  refusingPassword = book.secret('password for the refusing registry');
  dockerDir = await writeDockerConfig(path.join(dir, 'docker'), {
    '127.0.0.1:5000': { auth: basic(`robot-${uid()}`, book.secret('docker password of 127.0.0.1:5000'), book, '127.0.0.1:5000') },
    [refusing.host]: { auth: basic(`pusher-${uid()}`, refusingPassword, book, 'refusing registry') },
  }, book, 'docker config');
  // The build and push stages of the engine read the Docker config of the process, as the CLI's do.
  process.env.DOCKER_CONFIG = dockerDir;
  project = await quickstartCopy();
}, 300_000);

afterAll(async () => {
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
  await refusing?.close();
  const docker = new Docker();
  for (const ref of extraImages) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
  await ns?.dispose();
  await accounts?.dispose();
  await project?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  console.log(`secrets e2e (events): ${ledger.events} events scanned; ${book.planted.length} secrets planted`);
});

function record(): { events: DevEngineEmitter; seen: EngineEvent[] } {
  const events = new DevEngineEmitter();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return { events, seen };
}

function scanEvents(seen: readonly EngineEvent[], where: string): Leak[] {
  ledger.events += seen.length;
  return seen.flatMap((e, i) => book.scan(JSON.stringify(e), `${where}: event ${i} ${e.type}`));
}

/** What a thrown error shows: message, hint, name and the stack `--debug` prints. */
function scanError(err: unknown, where: string): Leak[] {
  const e = err as Error & { hint?: string };
  return book.scan([e?.name, e?.message, e?.hint, e?.stack, String(err)].join('\n'), `${where}: thrown error`);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

describe('no secret in engine events or thrown errors', () => {
  it('build, push and deploy with a pull secret', async () => {
    const rec = record();
    const credentials = new CredentialStore({ configPath: path.join(dockerDir, 'config.json') });
    const built = await buildImages([{ key: 'default', image: project.image, createPullSecret: true }], { projectRoot: project.root, events: rec.events, dev: false, credentials, force: true });
    await pushImages(built, { events: rec.events, credentials });
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: bearer } });
    const { config } = await loadConfig({ cwd: project.root, env: {} });
    await deployAll({ root: project.root, config, kube, events: rec.events, builtImages: built, env: { ...process.env, DOCKER_CONFIG: dockerDir } });
    expect(rec.seen.map((e) => e.type)).toEqual(expect.arrayContaining(['build:done', 'push:done', 'deploy:done']));
    expect(rec.seen.some((e) => e.type === 'engine:info' && e.payload.scope === 'pull-secret')).toBe(true);
    const leaks = scanEvents(rec.seen, 'build+push+deploy');
    expect(leaks, leakReport(leaks)).toEqual([]);
  });

  it('a whole dev session (build, push, deploy, forward, sync, logs), stopped', async () => {
    const rec = record();
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: bearer } });
    const { config } = await loadConfig({ cwd: project.root, env: {} });
    const engine = createEngine({ root: project.root, config, kube, events: rec.events, options: { forceBuild: true, session: 'logs' }, implementations: devImplementations({ dev: true }) });
    try {
      await engine.start();
      await waitFor(async () => (await page(project.port))?.includes('Hello'), 120_000, 'the app through the port forward');
      await waitFor(async () => rec.seen.some((e) => e.type === 'logs:lines'), 60_000, 'streamed log lines');
    } finally {
      await engine.stop();
    }
    expect(rec.seen.map((e) => e.type)).toEqual(expect.arrayContaining(['build:done', 'push:done', 'deploy:done', 'portforward:state', 'sync:initial-done', 'logs:lines']));
    const leaks = scanEvents(rec.seen, 'dev session');
    expect(leaks, leakReport(leaks)).toEqual([]);
  });

  it('a push the registry refuses, echoing the credentials', async () => {
    const rec = record();
    const credentials = new CredentialStore({ configPath: path.join(dockerDir, 'config.json') });
    const image = `${refusing.host}/events-${uid()}`;
    const built = await buildImages([{ key: 'refused', image }], { projectRoot: project.root, events: rec.events, dev: false, credentials });
    extraImages.push(built.refused!.ref);
    const err = await rejection(pushImages(built, { events: rec.events, credentials }));
    expect(refusing.received()).toContain(refusingPassword);
    expect(rec.seen.some((e) => e.type === 'push:failed')).toBe(true);
    const leaks = [...scanEvents(rec.seen, 'refused push'), ...scanError(err, 'refused push')];
    expect(leaks, leakReport(leaks)).toEqual([]);
  });

  it('a base image the registry refuses, echoing the credentials', async () => {
    const rec = record();
    const credentials = new CredentialStore({ configPath: path.join(dockerDir, 'config.json') });
    const ctx = await mkdtemp(path.join(dir, 'base-'));
    await writeFile(path.join(ctx, 'Dockerfile'), `FROM ${refusing.host}/base:1\n`);
    const err = await rejection(
      buildImages([{ key: 'base', image: `127.0.0.1:5000/events-${uid()}` }], { projectRoot: ctx, events: rec.events, dev: false, credentials }),
    );
    expect((err as Error).message).toMatch(/build of image "base" failed/);
    const leaks = [...scanEvents(rec.seen, 'refused base image'), ...scanError(err, 'refused base image')];
    expect(leaks, leakReport(leaks)).toEqual([]);
  });

  it('dev with a wrong token, and with an exec plugin that prints a bare token', async () => {
    const { config } = await loadConfig({ cwd: project.root, env: {} });
    const wrong = await writeKubeconfig(dir, 'wrong', kubeconfigDoc(admin, { token: book.secret('wrong bearer token') }, ns.name));
    const plugin = await writeExecPlugin(dir, 'raw', book.secret('token printed raw by an exec plugin'));
    const raw = await writeKubeconfig(dir, 'raw', kubeconfigDoc(admin, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } }, ns.name));
    const leaks: Leak[] = [];
    for (const [name, file] of [['wrong token', wrong], ['bare-token plugin', raw]] as const) {
      const rec = record();
      const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: file } });
      const engine = createEngine({ root: project.root, config, kube, events: rec.events, options: { session: 'logs' }, implementations: devImplementations({ dev: true }) });
      const err = await rejection(engine.start());
      await engine.stop();
      leaks.push(...scanEvents(rec.seen, `dev (${name})`), ...scanError(err, `dev (${name})`));
    }
    expect(leaks, leakReport(leaks)).toEqual([]);
  });
});
