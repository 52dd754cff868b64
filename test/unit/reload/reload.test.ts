import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { reloadMatcher, reloadPatterns, watchForReload } from '../../../src/engine/reload/index.js';

const config: DevspaceConfig = {
  version: 'v1beta2',
  images: { api: { image: '127.0.0.1:5000/api', dockerfile: './docker/api.Dockerfile' }, web: { image: '127.0.0.1:5000/web' } },
  deployments: [
    { name: 'manifests', kubectl: { manifests: ['kube/*', 'extra/service.yaml'] } },
    { name: 'chart', helm: { chart: { name: './chart' } } },
    { name: 'remote', helm: { chart: { name: 'nginx', repo: 'https://charts.example' } } },
  ],
  dev: { autoReload: { paths: ['./package.json', 'src/**/*.json'], images: ['api', 'web'], deployments: ['manifests', 'chart', 'remote'] } },
};

describe('what auto reload watches', () => {
  it('lists the paths, the Dockerfiles, manifests and local charts, and the config file', () => {
    expect(reloadPatterns(config, 'devspace.yaml')).toEqual([
      'package.json', 'src/**/*.json', 'docker/api.Dockerfile', 'Dockerfile',
      'kube', 'kube/**', 'extra/service.yaml', 'extra/service.yaml/**', 'chart', 'chart/**', 'devspace.yaml',
    ]);
  });

  it('watches nothing without dev.autoReload, and nothing outside the project', () => {
    expect(reloadPatterns({ version: 'v1beta2' }, 'devspace.yaml')).toEqual([]);
    expect(reloadPatterns({ version: 'v1beta2', dev: { autoReload: { paths: ['../elsewhere/x'] } } }, 'devspace.yaml')).toEqual(['devspace.yaml']);
  });

  it('matches files and prunes folders that cannot hold a match', () => {
    const m = reloadMatcher(['package.json', 'src/**/*.json', 'kube/**', '.devspace/config.yaml']);
    expect(['package.json', 'src/a.json', 'src/deep/b.json', 'kube/x.yaml', '.devspace/config.yaml'].filter((p) => m.matches(p))).toHaveLength(5);
    expect(['lib/package.json', 'src/a.ts', 'kubex/a', '.devspace/cache.json', '.git/HEAD'].filter((p) => m.matches(p))).toEqual([]);
    expect(m.prunes('node_modules')).toBe(true);
    expect(m.prunes('src')).toBe(false);
    expect(m.prunes('src/deep/er')).toBe(false);
    expect(m.prunes('.devspace')).toBe(false);
    expect(m.prunes('.git')).toBe(true);
    // A catch-all still never reads devspace's own state: the cache it writes would reload it forever.
    const all = reloadMatcher(['**']);
    expect(all.matches('.devspace/cache.json')).toBe(false);
    expect(all.prunes('.devspace')).toBe(true);
    expect(all.prunes('any/folder')).toBe(false);
  });
});

describe('watchForReload', () => {
  let root: string;
  let ctl: AbortController;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'devspace-reload-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.mkdirSync(path.join(root, 'node_modules/pkg'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    ctl = new AbortController();
  });
  afterEach(() => {
    ctl.abort();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('announces the first change of a burst, then reloads once with every changed path', async () => {
    const events = new DevEngineEmitter();
    const infos: string[] = [];
    events.on('engine:info', (i) => infos.push(`${i.scope}: ${i.message}`));
    const reloads: string[][] = [];
    const reloaded = new Promise<void>((resolve) => {
      void watchForReload({ root, patterns: ['package.json', 'src/**'], events, signal: ctl.signal, delayMs: 300, onReload: (c) => (reloads.push(c), resolve()) }).then(() => {
        fs.writeFileSync(path.join(root, 'node_modules/pkg/index.js'), 'ignored');
        fs.writeFileSync(path.join(root, 'package.json'), '{"a":1}');
        fs.writeFileSync(path.join(root, 'src/new.ts'), 'x');
      });
    });
    await reloaded;
    expect(reloads).toHaveLength(1);
    expect([...reloads[0]!].sort()).toEqual(['package.json', 'src/new.ts']);
    expect(infos.filter((i) => i.startsWith('reload:'))).toHaveLength(1);
    expect(infos[0]).toMatch(/^reload: (package\.json|src\/new\.ts) changed; reloading in 300 ms$/);
  });

  it('ignores paths outside the patterns, and stops when the signal aborts', async () => {
    const events = new DevEngineEmitter();
    const reloads: string[][] = [];
    await watchForReload({ root, patterns: ['package.json'], events, signal: ctl.signal, delayMs: 50, onReload: (c) => reloads.push(c) });
    fs.writeFileSync(path.join(root, 'src/other.ts'), 'x');
    fs.writeFileSync(path.join(root, 'node_modules/pkg/package.json'), '{}');
    await new Promise((r) => setTimeout(r, 400));
    expect(reloads).toEqual([]);
    ctl.abort();
    fs.writeFileSync(path.join(root, 'package.json'), '{"b":2}');
    await new Promise((r) => setTimeout(r, 400));
    expect(reloads).toEqual([]);
  });
});
