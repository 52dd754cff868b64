/** Docker Hub, as image references spell it when no registry is given. */
export const DOCKER_HUB = 'docker.io';
/** The key Docker uses for Docker Hub in `config.json` and when asking credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** An image reference split the way the Docker CLI does it. */
export interface ImageRef {
  /** Registry host with port, e.g. `127.0.0.1:5000`; `docker.io` when none is given. */
  registry: string;
  /** Path inside the registry; Docker Hub single names get `library/`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Parse `[host[:port]/]path[:tag][@digest]`. The first component is a
 * registry only when it has a `.` or `:`, is `localhost`, or has upper case
 * (Docker's rule), so `user/app` goes to Docker Hub.
 */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, it is a registry port.
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  let registry = DOCKER_HUB;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The registry host an image is pushed to (`127.0.0.1:5000`, `docker.io`). */
export function registryOf(ref: string): string {
  return parseImageRef(ref).registry;
}

/**
 * The fully qualified repository (`docker.io/library/nginx`), so `nginx`,
 * `library/nginx` and `docker.io/library/nginx:1` compare equal when deploy
 * replaces image references.
 */
export function canonicalRepository(ref: string): string {
  const r = parseImageRef(ref);
  return `${r.registry}/${r.repository}`;
}

/** `image:tag`. */
export function withTag(image: string, tag: string): string {
  return `${image}:${tag}`;
}

/** Normalise a `config.json` auth key or server URL to a bare host (Docker's `ConvertToHostname`). */
export function hostOf(serverAddress: string): string {
  const host = serverAddress
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0] as string;
  const lower = host.toLowerCase();
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? DOCKER_HUB : host;
}
