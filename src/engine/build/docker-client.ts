import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';

/** One JSON message of a build, pull or push stream. */
export interface DockerStreamEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

/** The caller's client, or one for DOCKER_HOST (else the default socket); dockerode loads here, keeping start-up fast. */
export async function getDocker(docker?: Docker): Promise<Docker> {
  if (docker) return docker;
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode();
}

/** Where the client talks to, for messages (`unix:///var/run/docker.sock`, `tcp://host:2376`). */
export function engineAddress(docker: Docker): string {
  const modem = docker.modem as unknown as { socketPath?: string; host?: string; port?: number | string; protocol?: string };
  if (modem.socketPath) return `unix://${modem.socketPath}`;
  return `${modem.protocol === 'https' ? 'tcp' : (modem.protocol ?? 'tcp')}://${modem.host ?? 'localhost'}:${modem.port ?? ''}`;
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** A UserError for a client-side failure talking to the Engine, or undefined when it is something else. */
export function engineUnreachable(docker: Docker, err: unknown): UserError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !UNREACHABLE.has(code) || (err as { statusCode?: number }).statusCode) return undefined;
  const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such socket' : code.toLowerCase();
  return new UserError(
    `the Docker Engine is not reachable at ${engineAddress(docker)} (${why})`,
    1,
    code === 'EACCES' ? 'add your user to the docker group or set DOCKER_HOST' : 'start Docker, or set DOCKER_HOST',
  );
}

/** The Engine's own message from an HTTP error (`json.message`), else the error text. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | string; message?: string; reason?: string };
  if (e?.json && typeof e.json === 'object' && e.json.message) return e.json.message;
  if (typeof e?.json === 'string' && e.json.trim()) return e.json.trim();
  return e?.message ?? String(err);
}

/**
 * Read a JSON-lines progress stream to its end, calling `onEvent` for each
 * message. Resolves even when the stream reports an `error` event (the
 * Engine does not fail the HTTP request); callers must check the events.
 */
export function followStream(
  docker: Docker,
  stream: Readable,
  onEvent: (e: DockerStreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      stream.destroy();
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        signal?.removeEventListener('abort', onAbort);
        stream.destroy();
        if (err) reject(err);
        else resolve();
      },
      (e: DockerStreamEvent) => {
        try {
          onEvent(e);
        } catch (err) {
          stream.destroy();
          reject(err);
        }
      },
    );
  });
}
