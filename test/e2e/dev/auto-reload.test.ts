import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { startDev } from '../faults/support.js';
import { BASE_IMAGE, freePort, REGISTRY, testKubeConfig, uid, waitFor } from '../support/testbed.js';

// dev.autoReload on the real test bed: a Dockerfile edit rebuilds, redeploys and re-forwards in the
// same `devspace dev`; a broken devspace.yaml is reported and waited out; fixing it reloads again.

const kc = testKubeConfig();
const namespace = `reload-${uid()}`;
const image = `${REGISTRY}/e2e-reload-${uid()}`;
let project: string;
let port: number;

const dockerfile = (version: string): string =>
  [`FROM ${BASE_IMAGE}`, `RUN mkdir /www && echo ${version} > /www/index.html`, 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', ''].join('\n');

const config = (): string =>
  [
    'version: v1beta2',
    'images:',
    '  default:',
    `    image: ${image}`,
    'deployments:',
    '- name: web',
    '  component:',
    '    containers:',
    `    - image: ${image}`,
    '    service:',
    '      ports:',
    '      - port: 8080',
    'dev:',
    '  selectors:',
    '  - name: web',
    '    labelSelector:',
    '      app.kubernetes.io/component: web',
    '  ports:',
    '  - selector: web',
    '    forward:',
    `    - port: ${port}`,
    '      remotePort: 8080',
    '  autoReload:',
    '    images: [default]',
    '',
  ].join('\n');

const page = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) })).text();
const pageIs = (want: string) => async () => ((await page().catch(() => '')).trim() === want ? true : undefined);
const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

beforeAll(async () => {
  ensureBuilt();
  project = await mkdtemp(path.join(tmpdir(), 'devspace-reload-'));
  port = await freePort();
  await writeFile(path.join(project, 'Dockerfile'), dockerfile('v1'));
  await writeFile(path.join(project, 'devspace.yaml'), config());
});

afterAll(async () => {
  await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  if (project) await rm(project, { recursive: true, force: true });
});

describe('dev.autoReload', () => {
  it('notices a save made while the first start still runs, and reloads once it is up', async () => {
    await writeFile(path.join(project, 'Dockerfile'), dockerfile('early-1'));
    const dev = startDev(project, ['-n', namespace]);
    try {
      await dev.waitFor(/watching 2 path patterns for auto reload/, 'the reload watcher', 60_000);
      // Saved before the deploy has finished (the first start is still running).
      await writeFile(path.join(project, 'Dockerfile'), dockerfile('early-2'));
      await waitFor(pageIs('early-2'), 180_000, `early-2 after a save during the first start\n${dev.output()}`);
      expect(dev.output()).toMatch(/Dockerfile changed; reloading in 2 s/);
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exit).toBe(130);
    await writeFile(path.join(project, 'Dockerfile'), dockerfile('v1'));
  }, 600_000);

  it('rebuilds, redeploys and forwards again after a Dockerfile edit; waits out a broken config', async () => {
    const dev = startDev(project, ['-n', namespace]);
    try {
      await waitFor(pageIs('v1'), 180_000, `v1 on 127.0.0.1:${port}\n${dev.output()}`);
      expect(dev.output()).toMatch(/watching 2 path patterns for auto reload/);
      // Watching began before the first build: the line comes before it.
      expect(dev.output().indexOf('watching 2 path patterns')).toBeLessThan(dev.output().search(/^phase\s+build$/m));

      await writeFile(path.join(project, 'Dockerfile'), dockerfile('v2'));
      await waitFor(pageIs('v2'), 180_000, `v2 after the Dockerfile edit\n${dev.output()}`);
      const afterFirst = dev.output();
      expect(afterFirst).toMatch(/Dockerfile changed; reloading in 2 s/);
      expect(afterFirst).toMatch(/reloading after changes to Dockerfile/);
      expect(count(afterFirst, /build\s+default\s+done/)).toBe(2);
      expect(count(afterFirst, /deploy web\s+ready/)).toBe(2);
      expect(count(afterFirst, /reloading after changes/)).toBe(1);

      // A config that no longer loads: one located error, dev keeps running and serving the old version.
      await writeFile(path.join(project, 'devspace.yaml'), config().replace('  autoReload:', '  autoReload:\n    pathz: [x]'));
      await waitFor(async () => (/devspace\.yaml:\d+:\d+: .*unknown key `pathz`/.test(dev.output()) ? true : undefined), 30_000, `the config error\n${dev.output()}`);
      expect(dev.child.exitCode).toBeNull();
      expect((await page()).trim()).toBe('v2');

      // Fixed, with a new version baked in: the reload goes through.
      await writeFile(path.join(project, 'Dockerfile'), dockerfile('v3'));
      await writeFile(path.join(project, 'devspace.yaml'), config());
      await waitFor(pageIs('v3'), 180_000, `v3 after the fix\n${dev.output()}`);
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exit).toBe(130);
    expect(existsSync(path.join(project, '.devspace', 'dev.lock'))).toBe(false);
    // One deployment, one pod: the reloads replaced, never doubled.
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=web' });
    expect(pods.items.filter((p) => !p.metadata?.deletionTimestamp).length).toBeLessThanOrEqual(1);
    expect(await readFile(path.join(project, 'Dockerfile'), 'utf8')).toContain('v3');
  }, 600_000);
});
