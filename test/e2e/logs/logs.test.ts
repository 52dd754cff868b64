import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevEngineEmitter, type ContainerRef, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import { createLogsStage } from '../../../src/engine/logs/index.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { bin, ensureBuilt } from '../../unit/cli/helpers.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig, waitFor, waitForReadyPods } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

// `devspace logs` and `logs -f` through the built CLI, and the dev logs
// stage, against a container that writes numbered lines, exits and is
// restarted by its Deployment (a counter on an emptyDir numbers the runs).

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let project: string;

const script = [
  'n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n',
  'i=0; while [ $i -lt 6 ]; do echo "run $n line $i"; i=$((i+1)); sleep 0.5; done',
].join('; ');

function runCli(args: string[]): { done: Promise<number>; out: () => string; err: () => string; kill(sig: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: project,
    env: { ...process.env, KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const done = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : 0))));
  return { done, out: () => out, err: () => err, kill: (sig) => child.kill(sig) };
}

/** A Deployment whose container writes six numbered lines per run, exits 0 and is restarted. */
function createCounter(name: string): Promise<void> {
  return createDeployment(kc, ns.name, name, {
    volumes: [{ name: 'data', emptyDir: {} }],
    containers: [{ name: 'app', image: BASE_IMAGE, command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
  });
}

function runsIn(text: string): Array<[number, number]> {
  return [...text.matchAll(/\] run (\d+) line (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'logs');
  await createCounter('counter');
  project = mkdtempSync(path.join(tmpdir(), 'devspace-logs-'));
  writeFileSync(
    path.join(project, 'devspace.yaml'),
    ['version: v1beta2', 'cluster:', `  namespace: ${ns.name}`, 'dev:', '  selectors:', '  - name: app', '    labelSelector:', '      app: counter', '  terminal:', '    selector: app', ''].join('\n'),
  );
  await waitForReadyPods(kc, ns.name, 'app=counter', 1);
});

afterAll(async () => {
  await ns?.dispose();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('devspace logs (built CLI)', () => {
  it('prints the last --lines lines, prefixed with pod and container', async () => {
    // Wait until the first run has written all its lines.
    await waitFor(async () => {
      const r = runCli(['logs', '--lines', '100']);
      await r.done;
      return runsIn(r.out()).some(([, l]) => l === 5);
    }, 60_000, 'a complete first run');
    const r = runCli(['logs', '--lines', '3']);
    expect(await r.done).toBe(0);
    const lines = r.out().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^\[pod\/counter-[a-z0-9-]+\/app\] run \d+ line \d$/);
  });

  it('-f keeps streaming new lines and survives the container restarting, without duplicates', async () => {
    const r = runCli(['logs', '-f', '--lines', '1']);
    const seen = await waitFor(async () => {
      const runs = runsIn(r.out());
      const first = runs[0]?.[0];
      // Two restarts after the one we joined prove following across container instances.
      return first !== undefined && runs.some(([n, l]) => n === first + 2 && l === 5) ? runs : undefined;
    }, 150_000, 'lines from two later runs of the container');
    r.kill('SIGINT');
    expect(await r.done).toBe(130);
    const first = seen[0]![0];
    // After the one tail line, every run is complete, in order, exactly once.
    const later = seen.slice(1).filter(([n]) => n > first && n <= first + 2);
    const expected = [first + 1, first + 2].flatMap((n) => [0, 1, 2, 3, 4, 5].map((l) => [n, l]));
    expect(later).toEqual(expected);
    expect(r.err()).toMatch(/waiting for it to run again/);
  });

  it('-f follows the label selector to the replacement when the pod is deleted, from its first line', async () => {
    const r = runCli(['logs', '-f', '--lines', '1']);
    const podOf = (line: string) => /^\[pod\/([^/]+)\/app\]/.exec(line)?.[1];
    const old = await waitFor(async () => podOf(r.out()), 60_000, 'the first line');
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespacedPod({ name: old, namespace: ns.name, gracePeriodSeconds: 1 });
    // The new pod has a fresh emptyDir, so its first run is run 1: all six of its lines must arrive.
    const fresh = await waitFor(async () => {
      const lines = r.out().split('\n').filter((l) => podOf(l) && podOf(l) !== old);
      return lines.some((l) => / run 1 line 5$/.test(l)) ? lines : undefined;
    }, 150_000, `the replacement pod's first run\n${r.err()}`);
    r.kill('SIGINT');
    expect(await r.done).toBe(130);
    expect(fresh.filter((l) => / run 1 line \d$/.test(l)).map((l) => l.replace(/^\[pod\/[^/]+\/app\] /, ''))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `run 1 line ${i}`));
    expect(r.err()).toMatch(new RegExp(`pod ${old} is gone; waiting for its replacement`));
    expect(r.err()).toMatch(/following counter-/);
  });
});

describe('the dev logs stage', () => {
  it('streams batched lines of the selected containers across a restart', async () => {
    // A fresh Deployment, so the kubelet's restart back-off starts at 10 s again.
    await createCounter('counter-b');
    const kube = await resolveKubeTarget({ namespace: ns.name, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG } });
    const events = new DevEngineEmitter();
    const got: EngineEvent[] = [];
    events.subscribe((e) => got.push(e));
    const ctx: EngineContext = {
      events,
      root: project,
      kube,
      options: {},
      config: { version: 'v1beta2', dev: { selectors: [{ name: 'app', labelSelector: { app: 'counter-b' } }], terminal: { selector: 'app', disabled: true } } },
    };
    const ctl = new AbortController();
    const result = await createLogsStage({ tailLines: 1 }).run(ctx, ctl.signal);
    try {
      const texts = (): string[] => got.flatMap((e) => (e.type === 'logs:lines' ? e.payload.lines.map((l) => l.text) : []));
      const runs = await waitFor(async () => {
        const r = texts().map((t) => /^run (\d+) line (\d+)$/.exec(t)).filter((m) => m).map((m) => [Number(m![1]), Number(m![2])]);
        const first = r[0]?.[0];
        return first !== undefined && r.some(([n, l]) => n === first + 1 && l === 5) ? r : undefined;
      }, 120_000, 'lines from the next run');
      const first = runs[0]![0]!;
      expect(runs.filter(([n]) => n === first + 1)).toEqual([0, 1, 2, 3, 4, 5].map((l) => [first + 1, l]));
      const batches = got.filter((e): e is Extract<EngineEvent, { type: 'logs:lines' }> => e.type === 'logs:lines');
      const source: ContainerRef = batches[0]!.payload.source;
      expect(source).toMatchObject({ namespace: ns.name, container: 'app' });
      expect(source.pod).toMatch(/^counter-b-/);
      const states = got.filter((e) => e.type === 'logs:state').map((e) => (e.payload as { state: string }).state);
      expect(states).toContain('streaming');
      expect(states).toContain('waiting');
    } finally {
      ctl.abort();
      await result?.stop?.();
    }
  });
});
