import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { isAbortError, UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import { CredentialStore } from './credential-store.js';
import { engineMessage, engineUnreachable, followStream, getDocker, type DockerStreamEvent } from './docker-client.js';
import { parseImageRef } from './image-ref.js';
import { ProgressThrottle } from './progress.js';
import type { BuiltImage, BuiltImages } from './types.js';

/** Options for `pushImages`. */
export interface PushImagesOptions {
  events: DevEngineEmitter;
  signal?: AbortSignal;
  /** `--skip-push`: push nothing (e.g. the cluster uses the local Engine's images). */
  skipPush?: boolean;
  docker?: Docker;
  /** Shared with the build step so helpers run once per registry; created when omitted. */
  credentials?: CredentialStore;
}

/** What happened to one image. */
export interface PushResult {
  ref: string;
  pushed: boolean;
  /** Registry manifest digest (`sha256:…`) after a push. */
  digest?: string;
}

/** Why a push failed, in words, from the Engine's message (which names URLs, not causes). */
export function describePushError(message: string, registry: string, hasCredentials: boolean): { text: string; hint?: string } {
  const m = message.toLowerCase();
  const unreachable = (why: string): { text: string; hint: string } => ({
    text: `registry ${registry} is not reachable (${why})`,
    hint: `check that the registry at ${registry} is running`,
  });
  if (m.includes('connection refused')) return unreachable('connection refused');
  if (/no such host|server misbehaving|name resolution/.test(m)) return unreachable('unknown host');
  if (/i\/o timeout|handshake timeout|deadline exceeded|network is unreachable|no route to host/.test(m)) {
    return unreachable('timed out');
  }
  if (m.includes('connection reset')) return unreachable('connection reset');
  if (m.includes('http response to https client')) {
    const hint = `add ${registry} to the Docker Engine's insecure-registries`;
    return { text: `registry ${registry} speaks plain HTTP`, hint };
  }
  if (/unauthorized|authentication required|no basic auth credentials/.test(m)) {
    return hasCredentials
      ? { text: `registry ${registry} refused the credentials`, hint: `run docker login ${registry} again` }
      : { text: `registry ${registry} requires a login`, hint: `run docker login ${registry}` };
  }
  if (m.includes('denied')) {
    return { text: `registry ${registry} denied access`, hint: 'check the repository name and your permissions' };
  }
  if (m.includes('does not exist locally')) return { text: 'the image is not in the local Docker Engine' };
  return { text: message.split('\n')[0]?.trim() || 'unknown error' };
}

/**
 * Push built images to the registries in their names, with credentials from
 * the Docker config. Images the build step reused are pushed only when the
 * registry lacks them; messages never carry credentials.
 */
export async function pushImages(
  results: BuiltImages | readonly BuiltImage[],
  opts: PushImagesOptions,
): Promise<Record<string, PushResult>> {
  const { events, signal } = opts;
  const onWarning = (message: string): void => events.send('engine:warning', { scope: 'push', message });
  const credentials = opts.credentials ?? new CredentialStore({ onWarning });
  const out: Record<string, PushResult> = {};
  const images = Array.isArray(results) ? results : Object.values(results);
  let docker: Docker | undefined;
  for (const img of images) {
    signal?.throwIfAborted();
    const skip = (reason: string): void => {
      events.send('push:skipped', { image: img.key, ref: img.ref, reason });
      out[img.key] = { ref: img.ref, pushed: false };
    };
    if (opts.skipPush) skip('--skip-push is set');
    else if (img.skipPush) skip(`images.${img.key}.build.docker.skipPush is set`);
    else if (!img.local) {
      skip(img.rebuilt ? 'the custom build left no local image (it pushes itself)' : 'the image is already in its registry');
    } else {
      docker ??= await getDocker(opts.docker);
      const registry = img.rebuilt ? undefined : await credentials.inRegistry(docker, img.ref, signal);
      if (registry) skip(`the image is already in registry ${registry}`);
      else out[img.key] = await pushOne(docker, img, credentials, opts);
    }
  }
  return out;
}

async function pushOne(
  docker: Docker,
  img: BuiltImage,
  credentials: CredentialStore,
  opts: PushImagesOptions,
): Promise<PushResult> {
  const { events, signal } = opts;
  const { registry } = parseImageRef(img.ref);
  const started = Date.now();
  events.send('push:start', { image: img.key, ref: img.ref, registry });
  const throttle = new ProgressThrottle(250);
  let digest: string | undefined;
  let failure: string | undefined;
  let authconfig: Record<string, string> | undefined;
  const onEvent = (e: DockerStreamEvent): void => {
    if (e.error || e.errorDetail) failure = e.errorDetail?.message ?? e.error ?? 'unknown error';
    if (e.aux?.Digest) digest = e.aux.Digest;
    if (e.id && e.status && throttle.pass(e.id, e.status)) {
      const { current, total } = e.progressDetail ?? {};
      events.send('push:progress', {
        image: img.key,
        layer: e.id,
        status: e.status,
        ...(current !== undefined ? { current } : {}),
        ...(total !== undefined ? { total } : {}),
      });
    }
  };
  try {
    authconfig = await credentials.authConfigFor(img.ref);
    // The Engine rejects a push without X-Registry-Auth ("Bad parameters"); anonymous is `{}`, as the CLI sends.
    const image = docker.getImage(img.ref);
    const stream = await image.push({ authconfig: authconfig ?? {}, ...(signal ? { abortSignal: signal } : {}) });
    await followStream(docker, stream as unknown as Readable, onEvent, signal);
  } catch (err) {
    if (isAbortError(err) || signal?.aborted) throw err;
    const unreachable = engineUnreachable(docker, err);
    if (unreachable) throw unreachable;
    failure = engineMessage(err);
  }
  if (failure !== undefined) {
    const { text, hint } = describePushError(credentials.redactor.redact(failure), registry, authconfig !== undefined);
    events.send('push:failed', { image: img.key, registry, message: text });
    throw new UserError(credentials.redactor.redact(`push of ${img.ref} failed: ${text}`), 1, hint);
  }
  events.send('push:done', { image: img.key, ref: img.ref, ...(digest ? { digest } : {}), ms: Date.now() - started });
  return { ref: img.ref, pushed: true, ...(digest ? { digest } : {}) };
}
