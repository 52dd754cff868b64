import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { tempNamespace, uid } from '../support/testbed.js';
import { scanNamespace } from './support/cluster-scan.js';
import { adminKubeConfig, basic, execCredential, kubeconfigDoc, mintServiceAccounts, writeDockerConfig, writeExecPlugin, writeKubeconfig } from './support/plant.js';
import { page, quickstartCopy, type QuickstartCopy } from './support/project.js';
import { debugEnv, leakReport, ledger, runCli, runPty, scanFiles, scanRun, stripAnsi, tail, type RunResult } from './support/runs.js';
import { SecretBook, type Leak } from './support/secret-book.js';

// Every command a user runs, on the real test bed, with real credentials
// planted: a ServiceAccount bearer token, the admin client key and
// certificate, an exec plugin's token, and Docker registry passwords and
// identity tokens (one of which becomes a pull secret on purpose). All
// output, the files devspace writes and the objects it creates are scanned.

const admin = adminKubeConfig();
const book = new SecretBook();
const PULL_SECRET = 'devspace-auth-127-0-0-1-5000';
let ns: { name: string; dispose(): Promise<void> };
let accounts: Awaited<ReturnType<typeof mintServiceAccounts>>;
let project: QuickstartCopy;
let dir: string;
let bearer: string;
let clientCert: string;
let execPlugin: string;
let dockerPassword: string;
let dockerUser: string;
let dockerConfig: string;
let dockerIdentity: string;
const runs: RunResult[] = [];

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(admin, 'e2e-secrets');
  accounts = await mintServiceAccounts(admin, ns.name);
  dir = await mkdtemp(path.join(tmpdir(), 'devspace-secrets-creds-'));

  // (b) bearer token of a ServiceAccount allowed to do what devspace does in the namespace.
  plantJwt('ServiceAccount token (bearer, dev)', accounts.dev.token);
  bearer = await writeKubeconfig(dir, 'bearer', kubeconfigDoc(admin, { token: accounts.dev.token }, ns.name));
  // The same token from an exec credential plugin.
  const plugin = await writeExecPlugin(dir, 'exec-ok', execCredential(accounts.dev.token));
  execPlugin = await writeKubeconfig(dir, 'exec', kubeconfigDoc(admin, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }, ns.name));

  // (c) the admin client key and certificate, verbatim from the test bed's kubeconfig.
  const adminDoc = parse(await readFile(process.env.DEVSPACE_TEST_KUBECONFIG as string, 'utf8')) as { users: { user: Record<string, string> }[] };
  const adminUser = adminDoc.users[0]!.user;
  book.addBlob('admin client-key-data', adminUser['client-key-data']!, { slices: true });
  book.addBlob('admin client-certificate-data', adminUser['client-certificate-data']!, { slices: false });
  book.exclude(publicPem(adminUser['client-certificate-data']!) + publicPem((admin.getCurrentCluster() as k8s.Cluster).caData ?? ''));
  clientCert = await writeKubeconfig(dir, 'client-cert', kubeconfigDoc(admin, adminUser, ns.name));

  // (a) Docker credentials for the image's registry (auth field; separate fields for another
  // spelling of it) plus other registries. The registry has no auth, so pushes still work.
  dockerUser = `robot-${uid()}`;
  dockerPassword = book.secret('docker password of 127.0.0.1:5000 (auth field)');
  dockerConfig = await writeDockerConfig(path.join(dir, 'docker-password'), {
    '127.0.0.1:5000': { auth: basic(dockerUser, dockerPassword, book, 'docker 127.0.0.1:5000') },
    'http://localhost:5000': { username: 'other', password: book.secret('docker password of localhost:5000 (separate fields)') },
  }, book, 'password config');
  dockerIdentity = await writeDockerConfig(path.join(dir, 'docker-identity'), {
    '127.0.0.1:5000': {
      username: 'oauth',
      password: book.secret('docker password of 127.0.0.1:5000 (separate fields, next to an identity token)'),
      identitytoken: book.secret('docker identitytoken of 127.0.0.1:5000'),
    },
  }, book, 'identity config');

  project = await quickstartCopy();
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await accounts?.dispose();
  await project?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  // For the report: how much was scanned in this file.
  console.log(`secrets e2e (cli-success): ${ledger.runs} runs, ${ledger.files} files, ${ledger.objects} objects, ${ledger.bytes} bytes of output scanned; ${book.planted.length} secrets planted`);
});

/** A base64 PEM blob and its decoded text, both public. */
function publicPem(base64: string): string {
  const pem = Buffer.from(base64, 'base64').toString('utf8');
  return `${base64}\n${pem}\n${pem.split(/\r?\n/).filter((l) => !l.startsWith('-----')).join('')}`;
}

/** A JWT's signature is what makes it a credential; the header and claims are shared by every token. */
function plantJwt(kind: string, token: string): void {
  book.add(kind, token, { slices: false });
  book.add(`${kind} (signature)`, token.split('.')[2]!);
}

async function run(label: string, args: string[], env: NodeJS.ProcessEnv, opts: { until?: (out: () => string) => Promise<boolean> } = {}): Promise<RunResult> {
  const r = await runCli(label, [...args], { cwd: project.root, env: debugEnv(env), ...opts });
  runs.push(r);
  return r;
}

function expectNoLeaks(leaks: Leak[]): void {
  expect(leaks, leakReport(leaks)).toEqual([]);
}

const withBearer = (): NodeJS.ProcessEnv => ({ KUBECONFIG: bearer, DOCKER_CONFIG: dockerConfig });

describe('no secret in the output of successful runs', () => {
  it('devspace build pushes with the registry password in the Docker config', async () => {
    const r = await run('build (docker password)', ['build'], withBearer());
    expect(r.code, tail(r)).toBe(0);
    expect(r.stdout).toMatch(/push\s+default\s+done/);
    expectNoLeaks(scanRun(book, r));
  });

  it('devspace build -b pushes with an identity token in the Docker config', async () => {
    const r = await run('build -b (docker identity token)', ['build', '-b'], { KUBECONFIG: bearer, DOCKER_CONFIG: dockerIdentity });
    expect(r.code, tail(r)).toBe(0);
    expect(r.stdout).toMatch(/push\s+default\s+done/);
    expectNoLeaks(scanRun(book, r));
  });

  it('devspace deploy with a bearer token creates the pull secret from the password, and prints none of it', async () => {
    const r = await run('deploy (bearer token)', ['deploy', '-n', ns.name], withBearer());
    expect(r.code, tail(r)).toBe(0);
    // The secret really went into the cluster: the scan below is about a value that was in play.
    const secret = await admin.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: PULL_SECRET, namespace: ns.name });
    expect(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString()).toContain(dockerPassword);
    expectNoLeaks(scanRun(book, r));
  });

  it('devspace dev runs until the app answers, then Ctrl-C', async () => {
    // While it runs, .devspace holds the lock (with the command line) next to the caches: scan them then.
    let whileRunning: Leak[] | undefined;
    const r = await run('dev (bearer token)', ['dev', '-n', ns.name, '--no-tui'], withBearer(), {
      until: async (out) => {
        if ((await page(project.port))?.includes('Hello from the devspace quickstart') !== true || !/logs\s+\S+/.test(out())) return false;
        expect(await readFile(path.join(project.root, '.devspace', 'dev.lock'), 'utf8')).toContain('dev');
        whileRunning = await scanFiles(book, path.join(project.root, '.devspace'));
        return true;
      },
    });
    expect(r.code, tail(r)).toBe(130);
    expect(r.stdout).toMatch(/ports\s+/);
    expect(whileRunning, 'the .devspace files were scanned while dev ran').toBeDefined();
    expectNoLeaks([...scanRun(book, r), ...(whileRunning ?? [])]);
  });

  it('devspace dev on a terminal (the dashboard) until the app answers, then Ctrl-C', async () => {
    const r = await runPty('dev (dashboard, bearer token)', ['dev', '-n', ns.name], { cwd: project.root, env: debugEnv(withBearer()), until: async () => (await page(project.port))?.includes('Hello') === true });
    runs.push(r);
    expect(r.code, tail(r)).toBe(130);
    expectNoLeaks(scanRun(book, r));
  });

  it('devspace enter on a terminal: a shell, a command, exit', async () => {
    const r = await runPty('enter (terminal, bearer token)', ['enter', '-n', ns.name], {
      cwd: project.root,
      env: debugEnv(withBearer()),
      until: async (out) => /#\s*$/.test(stripAnsi(out())),
      input: 'echo hi-from-the-shell; exit 0\r',
    });
    runs.push(r);
    expect(r.code, tail(r)).toBe(0);
    expect(r.stdout).toContain('hi-from-the-shell');
    expectNoLeaks(scanRun(book, r));
  });

  it('devspace logs, analyze, analyze --json, enter -- echo hi and sync with the bearer token', async () => {
    const logs = await run('logs (bearer token)', ['logs', '-n', ns.name], withBearer());
    expect(logs.code, tail(logs)).toBe(0);
    const analyze = await run('analyze (bearer token)', ['analyze', '-n', ns.name, '--no-wait'], withBearer());
    expect([0, 1], tail(analyze)).toContain(analyze.code);
    expect(analyze.stdout + analyze.stderr).not.toMatch(/internal error/);
    const json = await run('analyze --json (bearer token)', ['analyze', '-n', ns.name, '--no-wait', '--json'], withBearer());
    expect(JSON.parse(json.stdout).namespace, tail(json)).toBe(ns.name);
    const enter = await run('enter (bearer token)', ['enter', '-n', ns.name, '--', 'echo', 'hi'], withBearer());
    expect(enter.code, tail(enter)).toBe(0);
    expect(enter.stdout).toContain('hi');
    const sync = await run('sync (bearer token)', ['sync', '-n', ns.name, '--local-path', 'public', '--container-path', '/app/public'], withBearer(), {
      until: async (out) => /watching/i.test(out()),
    });
    expect(sync.code, tail(sync)).toBe(130);
    expectNoLeaks([logs, analyze, json, enter, sync].flatMap((r) => scanRun(book, r)));
  });

  it('the same commands with the admin client key and certificate', async () => {
    const env = { KUBECONFIG: clientCert, DOCKER_CONFIG: dockerConfig };
    const deploy = await run('deploy -d (client cert)', ['deploy', '-d', '-n', ns.name], env);
    expect(deploy.code, tail(deploy)).toBe(0);
    const logs = await run('logs (client cert)', ['logs', '-n', ns.name], env);
    expect(logs.code, tail(logs)).toBe(0);
    const analyze = await run('analyze (client cert)', ['analyze', '-n', ns.name, '--no-wait'], env);
    expect([0, 1], tail(analyze)).toContain(analyze.code);
    const enter = await run('enter (client cert)', ['enter', '-n', ns.name, '--', 'echo', 'hi'], env);
    expect(enter.code, tail(enter)).toBe(0);
    expectNoLeaks([deploy, logs, analyze, enter].flatMap((r) => scanRun(book, r)));
  });

  it('the same commands with a token from an exec credential plugin', async () => {
    const env = { KUBECONFIG: execPlugin, DOCKER_CONFIG: dockerConfig };
    const logs = await run('logs (exec plugin)', ['logs', '-n', ns.name], env);
    expect(logs.code, tail(logs)).toBe(0);
    const analyze = await run('analyze (exec plugin)', ['analyze', '-n', ns.name, '--no-wait'], env);
    expect([0, 1], tail(analyze)).toContain(analyze.code);
    const enter = await run('enter (exec plugin)', ['enter', '-n', ns.name, '--', 'echo', 'hi'], env);
    expect(enter.code, tail(enter)).toBe(0);
    expectNoLeaks([logs, analyze, enter].flatMap((r) => scanRun(book, r)));
  });

  it('nothing devspace wrote or created carries a secret, then devspace purge', async () => {
    // Files: the build and deploy cache, locks, anything under .devspace.
    const files = await scanFiles(book, path.join(project.root, '.devspace'));
    // Objects: everything in the namespace except the pull secret's data (its metadata is scanned).
    const { leaks: objects, kinds } = await scanNamespace(admin, ns.name, book, (n) => n === PULL_SECRET);
    expect(kinds.Pod).toBeGreaterThan(0);
    // The image: labels, env, history of what was built with registry credentials in X-Registry-Config.
    const docker = new Docker();
    const tags = await docker.listImages({ filters: JSON.stringify({ reference: [`${project.image}:*`] }) });
    expect(tags.length).toBeGreaterThan(0);
    const image: Leak[] = [];
    for (const t of tags) {
      const inspect = await docker.getImage(t.Id).inspect();
      const history = await docker.getImage(t.Id).history();
      image.push(...book.scan(JSON.stringify({ inspect, history }), `image ${t.RepoTags?.join(', ') ?? t.Id}`));
    }
    const purge = await run('purge (bearer token)', ['purge', '-n', ns.name], withBearer());
    expect(purge.code, tail(purge)).toBe(0);
    expectNoLeaks([...files, ...objects, ...image, ...scanRun(book, purge)]);
  });
});
