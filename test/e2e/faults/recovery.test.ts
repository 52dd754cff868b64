import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../unit/cli/helpers.js';
import { tempNamespace, testKubeConfig, uid, waitFor } from '../support/testbed.js';
import { get, hasEscapes, interrupt, leftoverSessions, type DevRun, type Project, quickstartProject, readyPod, sh, startDev, treeChecksums, withEntrypoint } from './support.js';

// One `devspace dev` session lives through three faults, none of them
// announced to it: its pod is deleted, its deployment is rolled out, and its
// container crashes and is restarted by the kubelet. After each, with no help
// from the user, the forwarded port answers from the new container, a new
// local edit is synced into it, the log stream shows its lines, and the plain
// output says what happened. At the end not one local file is lost or changed.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let project: Project;
let dev: DevRun;
let before: Map<string, string>;
const edits = new Map<string, string>();

// PID 1 is a shell so a crash can be caused from an exec (the kernel shields PID 1 from
// its own namespace's signals): killing httpd ends the container with exit 1. The TERM
// trap lets a deleted pod go at once instead of after the 30 s grace period.
const ENTRYPOINT = [
  'sh',
  '-c',
  "echo container started; httpd -f -vv -p 8080 -h /app/public & pid=$!; trap 'kill $pid; exit 0' TERM; wait $pid; echo httpd exited; exit 1",
];

beforeAll(async () => {
  ensureBuilt();
  ns = await tempNamespace(kc, 'faults-recovery');
  project = await quickstartProject('faults-recovery');
  await project.config(withEntrypoint(ENTRYPOINT));
  // A rolling update (new pod ready before the old one goes) instead of the component default Recreate.
  await project.config((t) => t.replace('  component:\n', '  component:\n    rollingUpdate:\n      enabled: true\n'));
  const pub = path.join(project.dir, 'public');
  await mkdir(path.join(pub, 'assets'), { recursive: true });
  for (const n of ['a', 'b', 'c']) await writeFile(path.join(pub, 'assets', `${n}.txt`), `asset ${n} ${uid()}\n`);
  await writeFile(path.join(pub, 'blob.bin'), randomBytes(256 * 1024));
  before = treeChecksums(project.dir);
  dev = startDev(project.dir, ['-n', ns.name]);
  await dev.waitFor(/sync\s+\S+ → \S+:\/app\/public watching/, 'the first sync to be watching', 180_000);
  await waitFor(async () => (await get(project.port, '/'))?.body.includes('Hello from the devspace quickstart'), 30_000, 'the page through the forward');
}, 300_000);

afterAll(async () => {
  if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
  await ns?.dispose();
  await project?.dispose();
});

/**
 * After a fault: the forward answers from `pod`, an edit made now reaches
 * it, and a request through the forward shows up in `pod`'s log stream.
 */
async function recoveredOnto(pod: string, step: string): Promise<void> {
  const name = `edit-${step}.html`;
  const body = `<p>${step} ${uid()}</p>\n`;
  await writeFile(path.join(project.dir, 'public', name), body);
  edits.set(`public/${name}`, body);
  const served = await waitFor(async () => {
    const r = await get(project.port, `/${name}`);
    return r?.status === 200 && r.body === body ? r : undefined;
  }, 60_000, `the edit ${name} served through the forward after ${step}\n${dev.output().slice(-3000)}`);
  expect(served.body).toBe(body);
  // Only the new container has the file: proof that the forward and sync both moved to it.
  expect((await sh(kc, ns.name, pod, `cat /app/public/${name}`)).out).toBe(body);
  // Every earlier edit was carried into the new container as well.
  for (const [rel, text] of edits) expect((await sh(kc, ns.name, pod, `cat /app/${rel}`)).out).toBe(text);

  const probe = `/probe-${step}-${uid()}`;
  await get(project.port, probe);
  await dev.waitFor(new RegExp(`logs\\s+${pod}/container-0\\s+.*url:${probe}`), `the request ${probe} in ${pod}'s streamed log`, 30_000);
}

/** Output printed since `mark` (an offset into the output). */
const since = (mark: number): string => dev.output().slice(mark);

describe('devspace dev survives faults by itself', () => {
  it('follows a deleted pod to its replacement', async () => {
    const old = (await readyPod(kc, ns.name)).metadata!.name!;
    const mark = dev.output().length;
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespacedPod({ name: old, namespace: ns.name });
    const next = (await readyPod(kc, ns.name, old)).metadata!.name!;
    await recoveredOnto(next, 'deleted');
    const out = since(mark);
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${old}:/app/public reconnecting: pod ${old} (is being deleted|was deleted)`));
    expect(out).toMatch(new RegExp(`ports\\s+${project.port} → \\?:8080 reconnecting: `));
    expect(out).toMatch(new RegExp(`ports\\s+${project.port} → ${next}:8080 ready`));
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${next}:/app/public watching`));
    expect(out).toMatch(new RegExp(`logs\\s+${next}/container-0\\s+\\[streaming`));
  });

  it('follows a rollout to the new ReplicaSet', async () => {
    const old = (await readyPod(kc, ns.name)).metadata!.name!;
    const mark = dev.output().length;
    await kc.makeApiClient(k8s.AppsV1Api).patchNamespacedDeployment(
      { name: 'quickstart', namespace: ns.name, body: [{ op: 'add', path: '/spec/template/metadata/annotations', value: { 'faults.test/rollout': uid() } }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    const next = (await readyPod(kc, ns.name, old)).metadata!.name!;
    expect(next.split('-').slice(0, -1).join('-')).not.toBe(old.split('-').slice(0, -1).join('-')); // a new ReplicaSet
    await recoveredOnto(next, 'rollout');
    const out = since(mark);
    expect(out).toMatch(new RegExp(`ports\\s+${project.port} → ${next}:8080 ready`));
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${old}:/app/public reconnecting: pod ${old} (is being deleted|was deleted)`));
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${next}:/app/public watching`));
    expect(out).toMatch(new RegExp(`logs\\s+${next}/container-0\\s+\\[streaming`));
    expect(out).toMatch(new RegExp(`logs\\s+${old}/container-0\\s+\\[ended: pod (deleted|terminating)\\]`));
  });

  it('follows a crashed container through its restart', async () => {
    const pod = await readyPod(kc, ns.name);
    const name = pod.metadata!.name!;
    const restarts = pod.status!.containerStatuses![0]!.restartCount;
    const mark = dev.output().length;
    await sh(kc, ns.name, name, 'kill $(pidof httpd)');
    await waitFor(async () => {
      const p = await readyPod(kc, ns.name);
      return p.metadata!.name === name && p.status!.containerStatuses![0]!.restartCount > restarts;
    }, 120_000, `${name} restarted by the kubelet and ready again`);
    await recoveredOnto(name, 'crash');
    const out = since(mark);
    expect(out).toMatch(new RegExp(`logs\\s+${name}/container-0\\s+httpd exited`));
    expect(out).toMatch(new RegExp(`logs\\s+${name}/container-0\\s+\\[streaming: container restarted\\]`));
    expect(out).toMatch(new RegExp(`logs\\s+${name}/container-0\\s+container started`));
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${name}:/app/public reconnecting: \\S`));
    expect(out).toMatch(new RegExp(`sync\\s+\\S+ → ${name}:/app/public watching`));
  });

  it('lost no local file, stops on Ctrl-C and leaves nothing running in the pod', async () => {
    const pod = (await readyPod(kc, ns.name)).metadata!.name!;
    const { code } = await interrupt(dev, 'steady state after three faults');
    expect(code).toBe(130);
    const after = treeChecksums(project.dir);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries([...before, ...[...edits].map(([rel, text]) => [rel, sha256(text)] as const)]));
    expect(existsSync(path.join(project.dir, '.devspace', 'dev.lock'))).toBe(false);
    expect(hasEscapes(dev.output())).toBe(false);
    expect(dev.output()).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    await waitFor(async () => (await leftoverSessions(kc, ns.name, pod)).length === 0, 15_000, `no devspace sessions left in ${pod}`);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
