import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack } from '../cli/helpers.js';

// The built CLI against a kubeconfig whose API server refuses connections:
// every failure must be one clear line with the right exit code.

let tmp: string;
let kubeconfig: string;
let bare: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'devspace-analyze-'));
  kubeconfig = path.join(tmp, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters: [{name: test, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: me, user: {token: secret-token-xyz}}]',
      'contexts: [{name: test, context: {cluster: test, user: me, namespace: team}}]',
      '',
    ].join('\n'),
  );
  bare = path.join(tmp, 'no-project');
  await mkdir(bare);
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('devspace analyze (built CLI, no cluster reachable)', () => {
  it('bad --timeout and an empty -l are usage errors: exit 2, one line', async () => {
    for (const args of [['--timeout', 'soon'], ['-l', ' '], ['--bogus']]) {
      const r = await devspace(['analyze', ...args], { cwd: bare, env: { KUBECONFIG: kubeconfig } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(hasStack(r.stderr)).toBe(false);
    }
  });

  it('an unreachable cluster: exit 1, where and what, a hint, no token, no stack', async () => {
    const r = await devspace(['analyze'], { cwd: bare, env: { KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot reach the cluster at https://127.0.0.1:1 (ECONNREFUSED)');
    expect(r.stderr).toContain('namespace team'); // the context's namespace, as there is no devspace.yaml
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toContain('secret-token-xyz');
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.stdout).toBe('');
  });

  it('takes the namespace from devspace.yaml, and -n wins over it', async () => {
    const dir = path.join(tmp, 'project');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'devspace.yaml'), 'version: v1beta2\ncluster:\n  namespace: from-config\n');
    const fromConfig = await devspace(['analyze'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(fromConfig.stderr).toContain('namespace from-config');
    const fromFlag = await devspace(['analyze', '-n', 'from-flag'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(fromFlag.stderr).toContain('namespace from-flag');
  });

  it('a broken devspace.yaml stops analyze (exit 2) unless -n makes it irrelevant', async () => {
    const dir = path.join(tmp, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'devspace.yaml'), 'version: v1beta2\ncluster:\n  namespcae: typo\n');
    const r = await devspace(['analyze'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: devspace\.yaml:3:/m);
    const withNs = await devspace(['analyze', '-n', 'team'], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    expect(withNs.stderr).toMatch(/^warning: ignoring devspace\.yaml \(devspace\.yaml:3:/m);
    expect(withNs.stderr).toContain('cannot reach the cluster');
    expect(withNs.code).toBe(1);
  });

  it('--help documents the flags and exit codes', async () => {
    const r = await devspace(['analyze', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--no-wait', '--timeout <duration>', '--json', '-l, --label-selector', '-n, --namespace', '--kube-context']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Exit codes: 0 nothing wrong, 1 problems found');
  });
});
