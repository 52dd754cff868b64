import Docker from 'dockerode';
import { DevEngineEmitter, type EngineEvent, type EngineEventName, type EngineEvents } from '../../../src/engine/events.js';

/** The Engine the tests build on (DOCKER_HOST or the default socket). */
export const docker = new Docker();

/** The test bed's registry without auth. */
export const REGISTRY = '127.0.0.1:5000';

/** A repository name no other run uses. */
export function uniqueRepo(name: string): string {
  return `${REGISTRY}/ds-e2e-${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Image ids the builds of this test file produced (` ---> id` lines and
 * `build:done`): multi-stage and failed builds leave untagged images behind.
 */
const producedIds: string[] = [];
const LAYER = /^ ---> ([0-9a-f]{12})$/;

/** An emitter plus everything it sent, with typed filters; image ids it reports are remembered for cleanup. */
export function recorder(): {
  events: DevEngineEmitter;
  seen: EngineEvent[];
  of: <K extends EngineEventName>(type: K) => EngineEvents[K][0][];
  clear: () => void;
} {
  const events = new DevEngineEmitter();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => {
    seen.push(e);
    if (e.type === 'build:done' && e.payload.imageId) producedIds.push(e.payload.imageId);
    if (e.type === 'build:log') for (const l of e.payload.lines) if (LAYER.test(l)) producedIds.push(LAYER.exec(l)![1]!);
  });
  return {
    events,
    seen,
    of: <K extends EngineEventName>(type: K) => seen.filter((e) => e.type === type).map((e) => e.payload as EngineEvents[K][0]),
    clear: () => void seen.splice(0),
  };
}

/** `docker run --rm` equivalent: run `ref` (optionally with another command or entrypoint) and return its output. */
export async function runImage(ref: string, cmd?: string[], entrypoint?: string[]): Promise<string> {
  const container = await docker.createContainer({
    Image: ref,
    Tty: true,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
  });
  try {
    await container.start();
    await container.wait();
    const out = await container.logs({ stdout: true, stderr: true });
    return out.toString('utf8').replace(/\r\n/g, '\n');
  } finally {
    await container.remove({ force: true });
  }
}

/** Every container, stopped ones included (`docker ps -a`). */
export async function allContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true });
}

/** Remove images by reference, ignoring ones already gone. */
export async function removeImages(refs: Iterable<string>): Promise<void> {
  for (const ref of new Set(refs)) {
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

/**
 * Remove the given refs, then every image id this file's builds produced
 * that is now untagged, newest first. Tagged ids (the shared base image
 * shows up as ` ---> id` after FROM) are never touched.
 */
export async function cleanUpImages(refs: Iterable<string>): Promise<void> {
  await removeImages(refs);
  for (const id of [...new Set(producedIds)].reverse()) {
    const info = await docker.getImage(id).inspect().catch(() => undefined);
    if (!info || (info.RepoTags ?? []).length > 0) continue;
    await docker
      .getImage(info.Id)
      .remove()
      .catch(() => undefined);
  }
}

/** The tags the test registry lists for a repository (`GET /v2/<repo>/tags/list`). */
export async function registryTags(repo: string): Promise<string[]> {
  const path = repo.replace(`${REGISTRY}/`, '');
  const res = await fetch(`http://${REGISTRY}/v2/${path}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}
