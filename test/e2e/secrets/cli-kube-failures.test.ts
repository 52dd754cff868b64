import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { tempNamespace, uid } from '../support/testbed.js';
import { adminKubeConfig, basic, execCredential, fakeJwt, kubeconfigDoc, mintServiceAccounts, writeDockerConfig, writeExecPlugin, writeKubeconfig } from './support/plant.js';
import { freePort, quickstartCopy, type QuickstartCopy } from './support/project.js';
import { debugEnv, leakReport, ledger, runCli, runPty, scanFiles, scanRun, stripAnsi, tail, type RunResult } from './support/runs.js';
import { SecretBook, type Leak } from './support/secret-book.js';

// The failure paths, where credentials leak most often: a wrong bearer token
// (401), a token without rights (403), an API server nobody answers on (with
// a token, a client key, credentials in the server URL, a proxy with a
// password), basic auth, OIDC tokens, a token file, and exec plugins that
// print garbage. Every command that talks to the cluster is run against each,
// with --debug and DEVSPACE_DEBUG=1, and all output is scanned.

const admin = adminKubeConfig();
const book = new SecretBook();
let ns: { name: string; dispose(): Promise<void> };
let accounts: Awaited<ReturnType<typeof mintServiceAccounts>>;
let project: QuickstartCopy;
let dir: string;
let dockerConfig: string;
const variants: { name: string; kubeconfig: string; /** What the first failing line must say, so the run reached the credential. */ expect: RegExp }[] = [];

/** The commands that talk to the cluster, each as a user types it. */
const COMMANDS: { name: string; args: (ns: string) => string[] }[] = [
  { name: 'deploy', args: (n) => ['deploy', '-n', n] },
  { name: 'dev', args: (n) => ['dev', '-n', n, '--no-tui'] },
  { name: 'logs', args: (n) => ['logs', '-n', n] },
  { name: 'analyze', args: (n) => ['analyze', '-n', n, '--no-wait'] },
  { name: 'enter', args: (n) => ['enter', '-n', n, '--', 'echo', 'hi'] },
  { name: 'purge', args: (n) => ['purge', '-n', n] },
];

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(admin, 'e2e-secrets-fail');
  accounts = await mintServiceAccounts(admin, ns.name);
  dir = await mkdtemp(path.join(tmpdir(), 'devspace-secrets-fail-'));
  const kubeconfig = (name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): Promise<string> =>
    writeKubeconfig(dir, name, kubeconfigDoc(admin, user, ns.name, cluster));
  const closed = `https://127.0.0.1:${await freePort()}`;

  const wrong = book.secret('wrong bearer token');
  variants.push({ name: 'wrong bearer token (401)', kubeconfig: await kubeconfig('wrong-token', { token: wrong }), expect: /unauthori[sz]ed|401/i });

  book.add('bearer token without rights', accounts.nobody.token, { slices: false });
  book.add('bearer token without rights (signature)', accounts.nobody.token.split('.')[2]!);
  variants.push({ name: 'token without rights (403)', kubeconfig: await kubeconfig('nobody', { token: accounts.nobody.token }), expect: /forbidden|cannot|403/i });

  const unreachableToken = book.secret('bearer token for an unreachable server');
  variants.push({ name: 'unreachable server, bearer token', kubeconfig: await kubeconfig('unreachable-token', { token: unreachableToken }, { server: closed }), expect: /reach|refused|ECONNREFUSED/i });

  const adminDoc = parse(await readFile(process.env.DEVSPACE_TEST_KUBECONFIG as string, 'utf8')) as { users: { user: Record<string, string> }[] };
  const adminUser = adminDoc.users[0]!.user;
  book.addBlob('admin client-key-data', adminUser['client-key-data']!, { slices: true });
  book.addBlob('admin client-certificate-data', adminUser['client-certificate-data']!, { slices: false });
  book.exclude(publicPem(adminUser['client-certificate-data']!) + publicPem((admin.getCurrentCluster() as k8s.Cluster).caData ?? ''));
  variants.push({ name: 'unreachable server, client key', kubeconfig: await kubeconfig('unreachable-cert', adminUser, { server: closed }), expect: /reach|refused|ECONNREFUSED/i });

  const urlPassword = book.secret('password in the server URL');
  const inUrl = closed.replace('https://', `https://apiuser:${urlPassword}@`);
  variants.push({ name: 'credentials in the server URL', kubeconfig: await kubeconfig('url-userinfo', { token: book.secret('bearer token next to URL credentials') }, { server: inUrl }), expect: /./ });

  const proxyPassword = book.secret('proxy password in proxy-url');
  const proxy = `http://proxyuser:${proxyPassword}@127.0.0.1:${await freePort()}`;
  variants.push({ name: 'proxy-url with a password, proxy down', kubeconfig: await kubeconfig('proxy', { token: book.secret('bearer token behind a proxy') }, { 'proxy-url': proxy }), expect: /./ });

  const basicPassword = book.secret('kubeconfig basic-auth password');
  book.add('kubeconfig basic-auth user:password', `kube-admin:${basicPassword}`, { slices: false });
  // The API server has no basic auth any more: the request counts as anonymous (403).
  variants.push({ name: 'basic auth (anonymous, 403)', kubeconfig: await kubeconfig('basic', { username: 'kube-admin', password: basicPassword }), expect: /forbidden|403/i });

  const idSignature = book.secret('OIDC id-token signature');
  const idToken = fakeJwt(idSignature);
  book.add('OIDC id-token', idToken, { slices: false });
  const oidc = {
    'auth-provider': {
      name: 'oidc',
      config: {
        'client-id': 'devspace',
        'client-secret': book.secret('OIDC client-secret'),
        'id-token': idToken,
        'refresh-token': book.secret('OIDC refresh-token'),
        'idp-issuer-url': `http://127.0.0.1:${await freePort()}`,
      },
    },
  };
  variants.push({ name: 'OIDC auth-provider (401)', kubeconfig: await kubeconfig('oidc', oidc), expect: /unauthori[sz]ed|401/i });

  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, book.secret('wrong token in tokenFile'), { mode: 0o600 });
  variants.push({ name: 'token-file with a wrong token (401)', kubeconfig: await kubeconfig('token-file', { 'token-file': tokenFile }), expect: /unauthori[sz]ed|401/i });

  // A kubeconfig broken on the token line: the YAML error must not quote it.
  const brokenToken = book.secret('token on a broken kubeconfig line');
  const broken = path.join(dir, 'broken.kubeconfig');
  await writeFile(broken, stringify(kubeconfigDoc(admin, { token: brokenToken }, ns.name)).replace(`token: ${brokenToken}`, `token: ${brokenToken}\n   - :${brokenToken}: [`), { mode: 0o600 });
  variants.push({ name: 'kubeconfig with a YAML error on the token line', kubeconfig: broken, expect: /cannot read kubeconfig/ });

  // A plugin that prints the bare token instead of an ExecCredential (a common plugin misconfiguration).
  const raw = await writeExecPlugin(dir, 'exec-raw', book.secret('token printed raw by a broken exec plugin'));
  variants.push({ name: 'exec plugin printing a bare token', kubeconfig: await kubeconfig('exec-raw', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: raw } }), expect: /./ });
  // A plugin that fails, saying why on stderr, after printing a credential it should not have.
  const failing = await writeExecPlugin(dir, 'exec-fail', execCredential(book.secret('token of a failing exec plugin')), 1, 'error: the session expired, run login again\n');
  variants.push({ name: 'exec plugin exiting 1', kubeconfig: await kubeconfig('exec-fail', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: failing } }), expect: /./ });
  // A plugin whose credential is refused (401).
  const refused = await writeExecPlugin(dir, 'exec-401', execCredential(book.secret('refused token from an exec plugin')));
  variants.push({ name: 'exec plugin token refused (401)', kubeconfig: await kubeconfig('exec-401', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: refused } }), expect: /unauthori[sz]ed|401/i });

  dockerConfig = await writeDockerConfig(path.join(dir, 'docker'), {
    '127.0.0.1:5000': { auth: basic(`robot-${uid()}`, book.secret('docker password of 127.0.0.1:5000'), book, 'docker 127.0.0.1:5000') },
  }, book, 'docker config');
  project = await quickstartCopy();
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await accounts?.dispose();
  await project?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  console.log(`secrets e2e (cli-kube-failures): ${ledger.runs} runs, ${ledger.files} files, ${ledger.bytes} bytes of output scanned; ${book.planted.length} secrets planted, ${variants.length} kubeconfig variants`);
});

function publicPem(base64: string): string {
  const pem = Buffer.from(base64, 'base64').toString('utf8');
  return `${base64}\n${pem}\n${pem.split(/\r?\n/).filter((l) => !l.startsWith('-----')).join('')}`;
}

describe('no secret in the output of runs that fail on kube credentials', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('devspace %s with every broken kubeconfig', async (_name, command) => {
    const leaks: Leak[] = [];
    const results: RunResult[] = [];
    for (const v of variants) {
      const r = await runCli(`${command.name} (${v.name})`, command.args(ns.name), {
        cwd: project.root,
        env: debugEnv({ KUBECONFIG: v.kubeconfig, DOCKER_CONFIG: dockerConfig }),
        timeoutMs: 120_000,
      });
      results.push(r);
      leaks.push(...scanRun(book, r));
    }
    expect(leaks, leakReport(leaks)).toEqual([]);
    for (const r of results) {
      // Each run failed (it never reached the cluster with these credentials), with one clear error.
      expect(r.code, tail(r)).toBe(1);
      const variant = variants.find((v) => r.label.includes(`(${v.name})`))!;
      expect(r.stderr, tail(r)).toMatch(variant.expect);
    }
    expect(await scanFiles(book, path.join(project.root, '.devspace'))).toEqual([]);
  });

  it('devspace sync with every broken kubeconfig ends by itself with one clear error', async () => {
    const leaks: Leak[] = [];
    for (const v of variants) {
      const r = await runCli(`sync (${v.name})`, ['sync', '-n', ns.name, '--local-path', 'public', '--container-path', '/app/public'], {
        cwd: project.root,
        env: debugEnv({ KUBECONFIG: v.kubeconfig, DOCKER_CONFIG: dockerConfig }),
        timeoutMs: 60_000,
      });
      leaks.push(...scanRun(book, r));
      // Refused credentials do not fix themselves: sync stops instead of retrying (it did, forever, before).
      expect(r.code, tail(r)).toBe(1);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error:')), tail(r)).toHaveLength(1);
      expect(r.stderr, tail(r)).toMatch(v.expect);
    }
    expect(leaks, leakReport(leaks)).toEqual([]);
  });

  it('devspace dev on a terminal (the dashboard) with every broken kubeconfig', async () => {
    const leaks: Leak[] = [];
    for (const v of variants) {
      // A cluster it cannot reach ends the run before the dashboard (exit 1). Credentials that reach it
      // but lack rights fail the start inside the dashboard, which stays open to be fixed: `q` then.
      const r = await runPty(`dev (dashboard, ${v.name})`, ['dev', '-n', ns.name], {
        cwd: project.root,
        env: debugEnv({ KUBECONFIG: v.kubeconfig, DOCKER_CONFIG: dockerConfig }),
        until: async (out) => /start failed: fix it/.test(stripAnsi(out())),
        untilMs: 60_000,
        input: 'q',
        timeoutMs: 120_000,
      });
      leaks.push(...scanRun(book, r));
      if (r.code === 0) expect(stripAnsi(r.stdout), tail(r)).toMatch(/start failed: fix it/);
      else expect(r.code, tail(r)).toBe(1);
      expect(stripAnsi(r.stdout), tail(r)).toMatch(v.expect);
    }
    expect(leaks, leakReport(leaks)).toEqual([]);
  });
});
