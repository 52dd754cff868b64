import { describe, expect, it } from 'vitest';
import { diagnosePod } from '../../../src/engine/analyze/diagnose-pod.js';
import type { Diagnosis } from '../../../src/engine/analyze/types.js';
import { ctxFor, NOW, pod } from './helpers.js';

function only(name: string, over: Parameters<typeof ctxFor>[1] = {}): Diagnosis {
  const p = pod(name);
  const found = diagnosePod(p, ctxFor(p, over));
  expect(found, `${name}: ${JSON.stringify(found.map((d) => d.finding))}`).toHaveLength(1);
  return found[0]!;
}

describe('diagnosePod on pods captured from the test bed', () => {
  it('a nodeSelector no node has: unschedulable, with the scheduler reason and the selector in the hint', () => {
    const { finding } = only('unsched');
    expect(finding).toMatchObject({ severity: 'error', kind: 'unschedulable', object: 'pod/unsched' });
    expect(finding.message).toContain("didn't match Pod's node affinity/selector");
    expect(finding.message).not.toContain('preemption'); // the scheduler's boilerplate is cut
    expect(finding.hint).toContain('nodeSelector no-such=label');
  });

  it('requests.cpu 1000: unschedulable for lack of CPU, naming the request', () => {
    const { finding } = only('bigcpu');
    expect(finding.kind).toBe('unschedulable');
    expect(finding.message).toContain('Insufficient cpu');
    expect(finding.hint).toContain('1k CPU');
    expect(finding.hint).toContain('resources.requests.cpu');
  });

  it('`echo boom; exit 3` in a crash loop: restarts, exit code 3, and asks for the previous run\'s log', () => {
    const d = only('crash');
    expect(d.finding).toMatchObject({ severity: 'error', kind: 'crash-loop', object: 'pod/crash/main' });
    expect(d.finding.message).toContain('exited with code 3');
    expect(d.finding.message).toContain('restarted 3 times');
    expect(d.finding.message).toContain('CrashLoopBackOff');
    expect(d.finding.message).toMatch(/last exit 2\d s ago/);
    expect(d.logs).toEqual({ pod: 'crash', container: 'main', previous: true });
  });

  it('a main process that finishes (exit 0) under restartPolicy Always: says it must keep running', () => {
    const { finding } = only('completed');
    expect(finding.kind).toBe('crash-loop');
    expect(finding.message).toContain('exit code 0');
    expect(finding.hint).toContain('must keep running');
  });

  it('OOMKilled: names the memory limit', () => {
    const { finding } = only('oom');
    expect(finding.message).toContain('ran out of memory');
    expect(finding.message).toContain('exit code 137');
    expect(finding.hint).toContain('resources.limits.memory above 20Mi');
  });

  it('a liveness probe that always fails: blames the probe, not the program', () => {
    const { finding } = only('live');
    expect(finding.kind).toBe('crash-loop');
    expect(finding.message).toContain('liveness or startup probe failed');
    expect(finding.hint).toContain('initialDelaySeconds');
  });

  it('a command that does not exist in the image (StartError, exit 128)', () => {
    const { finding } = only('nocmd');
    expect(finding.message).toContain('/no/such/binary');
    expect(finding.hint).toContain('does not exist in the image');
  });

  it('an image the local registry does not have: image-pull, naming registry, repository and tag', () => {
    const { finding, logs } = only('pull');
    expect(finding).toMatchObject({ severity: 'error', kind: 'image-pull', object: 'pod/pull/main' });
    expect(finding.message).toContain('the registry 127.0.0.1:5000 has no image does-not-exist:nope');
    expect(finding.message).not.toContain('rpc error');
    expect(finding.hint).toContain('repository name and tag');
    expect(finding.hint).toContain('127.0.0.1:5000');
    expect(logs).toBeUndefined();
  });

  it('a public image with no internet: the registry is unreachable, and the hint names where this cluster pulls from', () => {
    const bare = only('pullhub').finding;
    expect(bare.message).toContain('cannot reach the registry docker.io');
    expect(bare.message).toContain('no such host');
    expect(bare.hint).not.toContain('this cluster pulls images from');
    const known = only('pullhub', { pullableRegistries: ['127.0.0.1:5000'] }).finding;
    expect(known.hint).toContain('this cluster pulls images from 127.0.0.1:5000: push the image there');
  });

  it('a restartPolicy Never pod that exits 1: exited-error with the current run\'s log', () => {
    const d = only('exit1');
    expect(d.finding).toMatchObject({ severity: 'error', kind: 'exited-error', object: 'pod/exit1/main' });
    expect(d.finding.message).toContain('exited with code 1');
    expect(d.finding.message).toContain('will not be restarted');
    expect(d.logs).toEqual({ pod: 'exit1', container: 'main', previous: false });
  });

  it('env from a missing secret: config-error with a ready-to-run kubectl command', () => {
    const { finding } = only('cfgerr');
    expect(finding.kind).toBe('config-error');
    expect(finding.message).toContain('secret "missing-secret" not found');
    expect(finding.hint).toContain('kubectl create secret generic missing-secret -n an-scratch --from-literal=password=…');
    expect(finding.hint).toContain('optional: true');
  });

  it('a readiness probe failing for a minute: not-ready with the probe, its failure and a port hint', () => {
    const { finding } = only('ready');
    expect(finding.kind).toBe('not-ready');
    expect(finding.message).toContain('HTTP GET :8080/healthz');
    expect(finding.message).toContain('connection refused');
    expect(finding.hint).toContain('0.0.0.0');
    // Within the probe's grace period it is not a problem yet.
    const p = pod('ready');
    const started = p.status!.containerStatuses![0]!.state!.running!.startedAt!.getTime();
    expect(diagnosePod(p, ctxFor(p, { now: started + 20_000 }))).toEqual([]);
  });

  it('a crash-looping init container is reported as such; the waiting main container is not', () => {
    const d = only('initcrash');
    expect(d.finding.object).toBe('pod/initcrash/migrate');
    expect(d.finding.message).toMatch(/^init container migrate keeps crashing/);
    expect(d.finding.message).toContain('exited with code 2');
    expect(d.logs).toEqual({ pod: 'initcrash', container: 'migrate', previous: true });
  });

  it('a pod stuck ContainerCreating: nothing while it may still start, still-starting once the wait is over', () => {
    const p = pod('mount');
    expect(diagnosePod(p, ctxFor(p))).toEqual([]);
    const { finding } = only('mount', { startingGraceMs: 0 });
    expect(finding).toMatchObject({ severity: 'warning', kind: 'still-starting', object: 'pod/mount' });
    expect(finding.message).toContain('still ContainerCreating after 68 s');
    expect(finding.message).toContain('configmap "missing-cm" not found');
    expect(finding.hint).toContain('create the configmap missing-cm');
  });

  it('a healthy pod yields nothing, even right after a wait timed out', () => {
    const p = pod('healthy');
    expect(diagnosePod(p, ctxFor(p, { startingGraceMs: 0 }))).toEqual([]);
  });

  it('every captured problem pod yields exactly one finding (no doubles per pod)', () => {
    for (const name of ['unsched', 'bigcpu', 'crash', 'completed', 'oom', 'live', 'nocmd', 'pull', 'pullhub', 'exit1', 'cfgerr', 'ready', 'initcrash']) {
      const p = pod(name);
      expect(diagnosePod(p, ctxFor(p, { now: NOW })), name).toHaveLength(1);
    }
  });
});
