import { createHash } from 'node:crypto';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import tarStream from 'tar-stream';
import type { ContainerRef } from '../../../src/engine/events.js';
import { BASE_IMAGE, REGISTRY, waitFor } from '../support/testbed.js';
import { createDeployment } from '../support/workloads.js';

/**
 * Images of hostile or broken containers, built by the test bed's Docker
 * Engine from the busybox base and pushed to its registry: one whose `tar`
 * lies, one without `tar`, one without any shell. Tags are content hashes,
 * so a rerun reuses what an earlier run built.
 */

const docker = new Docker();

function follow(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: Array<Record<string, unknown>>) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(String(failed?.error)));
      else resolve();
    });
  });
}

/** Build `Dockerfile` with `files` as its context and push it; returns the image reference. */
export async function buildAndPush(repo: string, dockerfile: string, files: Record<string, Buffer | string> = {}): Promise<string> {
  const hash = createHash('sha256').update(dockerfile);
  for (const [name, data] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${name}\0`).update(data);
  const image = `${REGISTRY}/${repo}:${hash.digest('hex').slice(0, 12)}`;
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  for (const [name, data] of Object.entries(files)) pack.entry({ name, mode: 0o755 }, data);
  pack.finalize();
  await follow(await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: image, forcerm: true }));
  // The engine wants an X-Registry-Auth header even for a registry without auth.
  await follow(await docker.getImage(image).push({ authconfig: {} }));
  return image;
}

/** Drop a per-run image from the local Docker Engine (the registry copy is small and content-addressed). */
export async function removeLocalImage(image: string): Promise<void> {
  await docker.getImage(image).remove().catch(() => undefined);
}

/**
 * The base image's busybox with its `tar` applet renamed `taq`. busybox's
 * sh and xargs run their own applets before looking at PATH, so a /bin/tar
 * script is only ever used once no applet is called `tar`. The applet name
 * table is sorted and `taq` sorts where `tar` did, so every other applet
 * is found as before.
 */
export async function busyboxWithoutTar(): Promise<Buffer> {
  const container = await docker.createContainer({ Image: BASE_IMAGE, Cmd: ['true'] });
  try {
    const extract = tarStream.extract();
    (await container.getArchive({ path: '/bin/busybox' })).pipe(extract as unknown as NodeJS.WritableStream);
    let binary: Buffer | undefined;
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.name === 'busybox') binary = Buffer.concat(chunks);
    }
    if (!binary) throw new Error(`no /bin/busybox in ${BASE_IMAGE}`);
    const at = binary.indexOf('\0tail\0tar\0taskset\0');
    if (at < 0 || binary.indexOf('\0tail\0tar\0taskset\0', at + 1) >= 0) throw new Error('the applet table of busybox is not where it was expected');
    binary.write('taq', at + 6, 'latin1');
    return binary;
  } finally {
    await container.remove({ force: true });
  }
}

/**
 * A `tar` that lies. The first archive created (`tar c`) in a folder named
 * `<case>` is the crafted `/hostile/<case>.tar`, followed by `<case>.zeros`
 * MiB of zero bytes when that file exists (a stream that keeps sending);
 * every other call (extraction, later archives) is busybox's real tar,
 * reached as the renamed applet `taq`.
 */
export const LYING_TAR = `#!/bin/sh
case "$1" in
c*|-c*)
  d=$(pwd)
  f=/hostile/\${d##*/}
  if [ -f "$f.tar" ] && mv "$f.tar" "$f.sent" 2>/dev/null; then
    cat "$f.sent"
    if [ -f "$f.zeros" ]; then dd if=/dev/zero bs=1048576 count="$(cat "$f.zeros")" 2>/dev/null; fi
    exit 0
  fi
  ;;
esac
exec busybox taq "$@"
`;

/** What one hostile folder answers: a crafted archive, optionally followed by MiB of zeros. */
export interface HostileAnswer {
  archive: Buffer;
  zerosMiB?: number;
}

/** The busybox base with the lying tar and the crafted answers baked in under /hostile. */
export async function hostileTarImage(answers: Record<string, HostileAnswer>): Promise<string> {
  const files: Record<string, Buffer | string> = { tar: LYING_TAR, busybox: await busyboxWithoutTar() };
  for (const [name, a] of Object.entries(answers)) {
    files[`hostile/${name}.tar`] = a.archive;
    if (a.zerosMiB) files[`hostile/${name}.zeros`] = `${a.zerosMiB}\n`;
  }
  const dockerfile = [`FROM ${BASE_IMAGE}`, 'COPY busybox /bin/busybox', 'COPY hostile/ /hostile/', 'COPY tar /hostile-tar', 'RUN rm /bin/tar && mv /hostile-tar /bin/tar'].join('\n');
  return buildAndPush('devspace-hostile-tar', dockerfile, files);
}

/** busybox without `tar` (every other applet still there). */
export async function noTarImage(): Promise<string> {
  return buildAndPush('devspace-no-tar', [`FROM ${BASE_IMAGE}`, 'COPY busybox /bin/busybox', 'RUN rm /bin/tar'].join('\n'), { busybox: await busyboxWithoutTar() });
}

/** Nothing but a static busybox at /busybox: no sh, no tar, nothing on PATH at all. */
export function noShellImage(): Promise<string> {
  return buildAndPush('devspace-no-shell', [`FROM ${BASE_IMAGE} AS src`, 'FROM scratch', 'COPY --from=src /bin/busybox /busybox', 'CMD ["/busybox", "sleep", "100000"]'].join('\n'));
}

/** A one-replica Deployment `app` with the given containers (each sleeps unless it has its own command). */
export function deploy(kc: k8s.KubeConfig, namespace: string, app: string, containers: k8s.V1Container[]): Promise<void> {
  return createDeployment(kc, namespace, app, { containers });
}

/** The running pod of `app` once every container runs. */
export async function podOf(kc: k8s.KubeConfig, namespace: string, app: string, container: string): Promise<ContainerRef> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return waitFor(
    async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      const pod = list.items.find((p) => !p.metadata?.deletionTimestamp && p.status?.containerStatuses?.length && p.status.containerStatuses.every((c) => c.state?.running));
      return pod ? { namespace, pod: pod.metadata!.name!, container } : undefined;
    },
    120_000,
    `the pod of ${app} running`,
  );
}
