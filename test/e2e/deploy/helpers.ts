import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import type { EngineEvent, EngineEventName, EngineEvents } from '../../../src/engine/events.js';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { resolveKubeTarget, type KubeTarget } from '../../../src/engine/kube/context.js';
import { waitFor } from '../support/testbed.js';

/** The test bed as a KubeTarget in `namespace`, resolved the way the CLI does it. */
export function testTarget(namespace: string): Promise<KubeTarget> {
  return resolveKubeTarget({ namespace, env: { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string } });
}

/** An emitter plus everything it sent, with a typed filter. */
export function recorder(): { events: DevEngineEmitter; seen: EngineEvent[]; of: <K extends EngineEventName>(type: K) => EngineEvents[K][0][] } {
  const events = new DevEngineEmitter();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return {
    events,
    seen,
    of: <K extends EngineEventName>(type: K) => seen.filter((e) => e.type === type).map((e) => e.payload as EngineEvents[K][0]),
  };
}

/** The HTTP status a read of the object answers (200 or 404). */
export async function readStatus(kc: k8s.KubeConfig, apiVersion: string, kind: string, name: string, namespace?: string): Promise<number> {
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    await api.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    return 200;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** Delete a namespace and wait until it is gone (tests that create their own). */
export async function deleteNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => undefined);
  await waitFor(async () => (await readStatus(kc, 'v1', 'Namespace', name)) === 404, 120_000, `namespace ${name} to be deleted`).catch(() => undefined);
}

/** The error a promise rejects with; fails the test if it resolves. */
export function failure(p: Promise<unknown>): Promise<Error & { hint?: string; exitCode?: number }> {
  return p.then(
    () => {
      throw new Error('expected a failure, but it succeeded');
    },
    (err: unknown) => err as Error & { hint?: string; exitCode?: number },
  );
}

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(REPO_ROOT, 'bin/devspace.js');

/** How a command ended and what it printed. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to its end (5 min at most), colours off. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The built `devspace` CLI against the test bed. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(process.execPath, [CLI, ...args], cwd, { KUBECONFIG: process.env.DEVSPACE_TEST_KUBECONFIG as string, ...env });
}

/** Remove the local Docker images of a repository a test built (tags stay in the registry). */
export async function removeImages(repository: string): Promise<void> {
  const docker = new Docker();
  const mine = await docker.listImages({ filters: { reference: [repository] } }).catch(() => []);
  for (const img of mine) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
}
