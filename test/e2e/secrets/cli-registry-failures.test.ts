import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, tempNamespace, uid } from '../support/testbed.js';
import { adminKubeConfig, basic, kubeconfigDoc, mintServiceAccounts, writeDockerConfig, writeKubeconfig, type AuthEntry } from './support/plant.js';
import { quickstartCopy, type QuickstartCopy } from './support/project.js';
import { startRefusingRegistry, type RefusingRegistry } from './support/refusing-registry.js';
import { debugEnv, leakReport, ledger, runCli, scanFiles, scanRun, tail, type RunResult } from './support/runs.js';
import { SecretBook } from './support/secret-book.js';

// Registries that refuse: a loopback registry answering 401 with a challenge,
// so the Docker Engine really sends the planted password or identity token
// (the registry records it) and fails; most of them echo the credentials
// back in their error message, as a careless registry might, so the
// message reaching devspace carries the secret. Plus a wrong password, a
// refused base image, a failing build, a credential helper and a Docker
// config holding a pasted token.

const admin = adminKubeConfig();
const book = new SecretBook();
let ns: { name: string; dispose(): Promise<void> };
let accounts: Awaited<ReturnType<typeof mintServiceAccounts>>;
let dir: string;
let kubeconfig: string;
const registries: RefusingRegistry[] = [];
const projects: QuickstartCopy[] = [];

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(admin, 'e2e-secrets-reg');
  accounts = await mintServiceAccounts(admin, ns.name);
  dir = await mkdtemp(path.join(tmpdir(), 'devspace-secrets-reg-'));
  book.add('ServiceAccount token (bearer, dev)', accounts.dev.token, { slices: false });
  book.add('ServiceAccount token (bearer, dev) signature', accounts.dev.token.split('.')[2]!);
  kubeconfig = await writeKubeconfig(dir, 'bearer', kubeconfigDoc(admin, { token: accounts.dev.token }, ns.name));
}, 300_000);

afterAll(async () => {
  for (const r of registries) await r.close();
  for (const p of projects) await p.dispose();
  await ns?.dispose();
  await accounts?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  console.log(`secrets e2e (cli-registry-failures): ${ledger.runs} runs, ${ledger.files} files, ${ledger.bytes} bytes of output scanned; ${book.planted.length} secrets planted`);
});

async function registry(mode: 'basic' | 'bearer', echo: boolean): Promise<RefusingRegistry> {
  const r = await startRefusingRegistry(mode, echo);
  registries.push(r);
  return r;
}

async function project(opts: Parameters<typeof quickstartCopy>[0]): Promise<QuickstartCopy> {
  const p = await quickstartCopy(opts);
  projects.push(p);
  return p;
}

/** A Docker config with `entry` for `host`, the test registry's password too, and other registries. */
async function dockerConfig(name: string, host: string, entry: AuthEntry): Promise<string> {
  return writeDockerConfig(path.join(dir, name), {
    [host]: entry,
    '127.0.0.1:5000': { auth: basic(`base-${uid()}`, book.secret(`${name}: password of 127.0.0.1:5000`), book, `${name}: 127.0.0.1:5000`) },
  }, book, name);
}

async function run(label: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runCli(label, args, { cwd, env: debugEnv({ KUBECONFIG: kubeconfig, ...env }), timeoutMs: 180_000 });
}

function expectClean(...runs: RunResult[]): void {
  const leaks = runs.flatMap((r) => scanRun(book, r));
  expect(leaks, leakReport(leaks)).toEqual([]);
}

describe('no secret in the output when a registry refuses', () => {
  it('push to a registry that answers Basic challenges and echoes the credentials', async () => {
    const reg = await registry('basic', true);
    const password = book.secret('password for the refusing registry (Basic)');
    const env = { DOCKER_CONFIG: await dockerConfig('basic-echo', reg.host, { auth: basic(`pusher-${uid()}`, password, book, 'refusing registry') }) };
    const p = await project({ registry: reg.host });
    const build = await run('build (registry refuses Basic, echoes)', ['build'], p.root, env);
    const deploy = await run('deploy (registry refuses Basic, echoes)', ['deploy', '-n', ns.name], p.root, env);
    const dev = await run('dev (registry refuses Basic, echoes)', ['dev', '-n', ns.name, '--no-tui'], p.root, env);
    for (const r of [build, deploy, dev]) {
      expect(r.code, tail(r)).toBe(1);
      expect(r.stderr, tail(r)).toMatch(new RegExp(`registry ${reg.host} refused the credentials`));
    }
    // The Engine did send the password: the scan is about a value that was in play.
    expect(reg.received()).toContain(password);
    expectClean(build, deploy, dev);
    expect(await scanFiles(book, path.join(p.root, '.devspace'))).toEqual([]);
  });

  it('push to a token-server registry with an identity token, and with a password, both echoed', async () => {
    const reg = await registry('bearer', true);
    const identity = book.secret('identity token for the refusing token server');
    const p = await project({ registry: reg.host });
    const withToken = await run('build (token server refuses identity token, echoes)', ['build'], p.root, {
      DOCKER_CONFIG: await dockerConfig('bearer-identity', reg.host, { username: 'oauth', identitytoken: identity }),
    });
    expect(reg.received()).toContain(identity);
    const password = book.secret('password for the refusing token server');
    const withPassword = await run('build -b (token server refuses password, echoes)', ['build', '-b'], p.root, {
      DOCKER_CONFIG: await dockerConfig('bearer-password', reg.host, { username: `u-${uid()}`, password }),
    });
    expect(reg.received()).toContain(password);
    for (const r of [withToken, withPassword]) {
      expect(r.code, tail(r)).toBe(1);
      expect(r.stderr, tail(r)).toMatch(/refused the credentials|requires a login|denied/);
    }
    expectClean(withToken, withPassword);
  });

  it('a wrong password (a token server that does not echo)', async () => {
    const reg = await registry('bearer', false);
    const wrong = book.secret('wrong registry password');
    const p = await project({ registry: reg.host });
    const r = await run('build (wrong registry password)', ['build'], p.root, {
      DOCKER_CONFIG: await dockerConfig('wrong-password', reg.host, { username: `u-${uid()}`, password: wrong }),
    });
    expect(r.code, tail(r)).toBe(1);
    expect(r.stderr).toMatch(/refused the credentials|requires a login/);
    expect(reg.received()).toContain(wrong);
    expectClean(r);
  });

  it('a base image from a registry that refuses and echoes (the pull inside the build)', async () => {
    const reg = await registry('basic', true);
    const password = book.secret('password for the refusing base image registry');
    const p = await project({ dockerfile: `FROM ${reg.host}/base:1\nCOPY public /app/public\n` });
    const r = await run('build (base image registry refuses, echoes)', ['build'], p.root, {
      DOCKER_CONFIG: await dockerConfig('base-echo', reg.host, { auth: basic(`puller-${uid()}`, password, book, 'base image registry') }),
    });
    expect(r.code, tail(r)).toBe(1);
    expect(r.stderr).toMatch(/build of image "default" failed/);
    expect(reg.received()).toContain(password);
    expectClean(r);
  });

  it('a failing docker build (RUN exits 3) with registry credentials sent for the base image', async () => {
    const p = await project({ dockerfile: `FROM ${BASE_IMAGE}\nRUN echo "about to fail" && exit 3\n` });
    const r = await run('build (RUN exits 3)', ['build'], p.root, { DOCKER_CONFIG: await dockerConfig('failing-build', 'registry.invalid', { username: 'x', password: book.secret('unused password') }) });
    expect(r.code, tail(r)).toBe(1);
    expect(r.stderr).toMatch(/failed at step 2\/2/);
    expectClean(r);
  });

  it('credentials from a credential helper (credsStore), sent to a refusing registry that echoes', async () => {
    const reg = await registry('basic', true);
    const secret = book.secret('password from docker-credential-planted');
    const bin = path.join(dir, 'helper-bin');
    await mkdir(bin, { recursive: true });
    const helper = path.join(bin, 'docker-credential-planted');
    const answer = JSON.stringify({ ServerURL: reg.host, Username: `helper-${uid()}`, Secret: secret });
    await writeFile(helper, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(answer)});\n`);
    await chmod(helper, 0o755);
    const config = path.join(dir, 'helper-config');
    await mkdir(config, { recursive: true });
    await writeFile(path.join(config, 'config.json'), JSON.stringify({ credsStore: 'planted' }));
    const p = await project({ registry: reg.host });
    const r = await run('build (credential helper, registry echoes)', ['build'], p.root, { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, tail(r)).toBe(1);
    expect(reg.received()).toContain(secret);
    expectClean(r);
  });

  it('a Docker config that is a pasted token instead of JSON', async () => {
    const config = path.join(dir, 'pasted');
    await mkdir(config, { recursive: true });
    await writeFile(path.join(config, 'config.json'), `${book.secret('token pasted into config.json')}\n`);
    const p = await project({});
    const r = await run('build (config.json is a pasted token)', ['build', '-b'], p.root, { DOCKER_CONFIG: config });
    expect(r.code, tail(r)).toBe(1);
    expect(r.stderr).toMatch(/cannot read Docker config .*not valid JSON/);
    expectClean(r);
  });
});
