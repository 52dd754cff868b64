import { createReadStream, existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../../fixtures/deploy/project.js';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, REGISTRY, tempNamespace, testKubeConfig, uid } from '../support/testbed.js';
import { chartFiles, helm } from './helm-chart.js';
import { removeImages, run, runCli, type Run } from './helpers.js';

// A chart from a password-protected chart repository (a loopback HTTP server with Basic auth), installed
// with the real helm. The password reaches the repository and never helm's command line or our output.

const kc = testKubeConfig();
const apps = kc.makeApiClient(k8s.AppsV1Api);
const image = `${REGISTRY}/ds-e2e-helmrepo-${uid()}`;
const USER = 'chartuser';
const PASSWORD = `chart-pass-${uid(10)}`;

let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;
let server: http.Server;
let repoUrl: string;
const seen: { path: string; authorized: boolean }[] = [];

const config = (password: string): string =>
  [
    'version: v1beta2',
    'images:',
    '  app:',
    `    image: ${image}`,
    'deployments:',
    '- name: store',
    '  helm:',
    '    chart:',
    '      name: shop',
    `      repo: ${repoUrl}`,
    '      version: 0.1.0',
    `      username: ${USER}`,
    `      password: ${password}`,
    '    values:',
    `      image: ${image}`,
    '',
  ].join('\n');

// helm, behind a wrapper that writes down every command line it is given.
const argvLog = (): string => path.join(project.root, 'helm-argv.log');
const env = (): NodeJS.ProcessEnv => ({ PATH: `${path.join(project.root, 'wrap')}${path.delimiter}${process.env.PATH ?? ''}`, CHART_PASSWORD: PASSWORD });
const devspace = (args: string[]): Promise<Run> => runCli(args, project.root, env());

beforeAll(async () => {
  helm();
  ensureBuilt();
  ns = await tempNamespace(kc, 'e2e-helmrepo');
  project = await tempProject({
    ...chartFiles('src-chart', 'placeholder', 1),
    Dockerfile: `FROM ${BASE_IMAGE}\nRUN mkdir -p /www && echo repo > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
  });
  await project.write('wrap/helm', `#!/bin/sh\necho "$*" >> '${argvLog()}'\nexec '${helm()}' "$@"\n`);
  await chmod(path.join(project.root, 'wrap/helm'), 0o755);

  const repoDir = path.join(project.root, 'repo');
  server = http.createServer((req, res) => {
    const authorized = req.headers.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    seen.push({ path: req.url ?? '', authorized });
    if (!authorized) return res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' }).end('unauthorized\n');
    const file = path.join(repoDir, path.basename(req.url ?? ''));
    if (!req.url?.startsWith('/charts/') || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  for (const args of [['package', 'src-chart', '-d', 'repo'], ['repo', 'index', 'repo', '--url', repoUrl]]) {
    const r = await run(helm(), args, project.root);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  }
  await writeFile(path.join(project.root, 'devspace.yaml'), config('${CHART_PASSWORD}'));
}, 300_000);

afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
  await new Promise((resolve) => server?.close(resolve));
  await removeImages(image);
});

describe('helm charts from a password-protected repository', () => {
  it('installs the chart with the built image, sending the password to the repository only', async () => {
    const r = await devspace(['deploy', '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+store\s+ready in/m);
    const d = await apps.readNamespacedDeployment({ name: 'store', namespace: ns.name });
    expect(d.spec!.template.spec!.containers[0]!.image).toMatch(new RegExp(`^${image}:ds-`));
    // The index and the package were fetched with the credentials.
    expect(seen.filter((s) => s.authorized).map((s) => s.path)).toEqual(expect.arrayContaining(['/charts/index.yaml', '/charts/shop-0.1.0.tgz']));
    const argv = await readFile(argvLog(), 'utf8');
    expect(argv).toMatch(/^repo update devspace-chart /m);
    expect(argv).not.toContain(PASSWORD);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('says in one line that the repository refused a wrong password, and prints neither password', async () => {
    const wrong = `wrong-${uid(10)}`;
    await writeFile(path.join(project.root, 'devspace.yaml'), config(wrong));
    try {
      const r = await devspace(['deploy', '-n', ns.name, '-d']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: deployment store: cannot read the chart repository ${repoUrl.replace(/[.:/]/g, '\\$&')}: .*401`));
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.stdout + r.stderr).not.toContain(wrong);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(await readFile(argvLog(), 'utf8')).not.toContain(wrong);
    } finally {
      await writeFile(path.join(project.root, 'devspace.yaml'), config('${CHART_PASSWORD}'));
    }
  });

  it('purge uninstalls the release', async () => {
    const r = await devspace(['purge', '-n', ns.name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deploy\s+store\s+purged \d+ objects/m);
  });
});
