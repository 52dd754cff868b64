import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { DevEngineEmitter, type EngineEvent, type EngineEvents } from '../../../src/engine/events.js';
import type { ContainerRef } from '../../../src/engine/events.js';
import { BASE_IMAGE, waitFor } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

/**
 * Helpers for the sync end-to-end tests: a busybox pod that only sleeps,
 * running shell snippets in it, and listings with a sha256 of every file
 * on both sides so trees can be compared exactly.
 */

/** A Deployment of the base image that sleeps in /app, so a deleted pod is replaced. */
export function createSleeper(kc: k8s.KubeConfig, namespace: string, app: string): Promise<void> {
  return createDeployment(kc, namespace, app, {
    terminationGracePeriodSeconds: 30,
    containers: [{ name: 'main', image: BASE_IMAGE, command: ['sleep', '100000'], workingDir: '/app' }],
  });
}

/** The newest running, not terminating pod with `app=<app>`. */
export async function runningPod(kc: k8s.KubeConfig, namespace: string, app: string, not?: string): Promise<ContainerRef> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return waitFor(
    async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      const pod = list.items
        .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.metadata?.name !== not)
        .filter((p) => p.status?.containerStatuses?.every((c) => c.state?.running))
        .sort((a, b) => new Date(b.metadata!.creationTimestamp!).getTime() - new Date(a.metadata!.creationTimestamp!).getTime())[0];
      return pod ? { namespace, pod: pod.metadata!.name!, container: 'main' } : undefined;
    },
    120_000,
    `a running pod app=${app}`,
  );
}

/** Run a shell snippet in the container; resolves with stdout and the exit code. */
export async function sh(kc: k8s.KubeConfig, ref: ContainerRef, script: string): Promise<{ out: string; code: number }> {
  let out = '';
  let err = '';
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc)
      .exec(ref.namespace, ref.pod, ref.container, ['sh', '-c', script],
        new Writable({ write(c, _e, cb) { out += c; cb(); } }),
        new Writable({ write(c, _e, cb) { err += c; cb(); } }),
        null, false, resolve)
      .catch(reject);
  });
  const code = status.status === 'Success' ? 0 : Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? 1);
  if (err && code !== 0) out += err;
  return { out, code };
}

/** `type path sha256|target` lines for every entry under `dir` in the container, sorted. */
export async function remoteTree(kc: k8s.KubeConfig, ref: ContainerRef, dir: string): Promise<string[]> {
  const script = `cd ${dir} && {
    find . -type d ! -path . | sed 's/^/d /'
    find . -type f -exec sha256sum {} + | awk '{ h=$1; $1=""; sub(/^ +/, ""); print "f " $0 " " h }'
    find . -type l | while IFS= read -r l; do echo "l $l $(readlink "$l")"; done
  }`;
  const { out, code } = await sh(kc, ref, script);
  if (code !== 0) throw new Error(`listing ${dir} in the container failed: ${out}`);
  return out.split('\n').filter(Boolean).map((l) => l.replace(/^(\w) \.\//, '$1 ')).sort();
}

/** The same listing for a local folder. */
export function localTree(root: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) out.push(`l ${r} ${fs.readlinkSync(path.join(root, r))}`);
      else if (st.isDirectory()) {
        out.push(`d ${r}`);
        walk(r);
      } else out.push(`f ${r} ${createHash('sha256').update(fs.readFileSync(path.join(root, r))).digest('hex')}`);
    }
  };
  walk('');
  return out.sort();
}

/** A fresh local folder for one test. */
export function tempDir(prefix = 'sync-e2e-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** An emitter plus every event it sent, for assertions. */
export function recorder(): { events: DevEngineEmitter; all: EngineEvent[]; of<K extends keyof EngineEvents>(type: K): EngineEvents[K][0][] } {
  const events = new DevEngineEmitter();
  const all: EngineEvent[] = [];
  events.subscribe((e) => all.push(e));
  return {
    events,
    all,
    of: <K extends keyof EngineEvents>(type: K) => all.filter((e) => e.type === type).map((e) => e.payload as EngineEvents[K][0]),
  };
}

/** Poll until two trees are equal (returns the last pair either way, so the assertion shows the difference). */
export async function settle(read: () => Promise<[string[], string[]]>, timeoutMs = 30_000): Promise<[string[], string[]]> {
  const end = Date.now() + timeoutMs;
  let last: [string[], string[]] = [[], []];
  while (Date.now() < end) {
    last = await read();
    if (JSON.stringify(last[0]) === JSON.stringify(last[1])) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  return last;
}

export { waitFor };
