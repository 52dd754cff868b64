import type { DockerfileFacts } from './dockerfile.js';

/** Everything `init` decided, so the command can both write and summarise it. */
export interface StarterPlan {
  /** Deployment name and `app.kubernetes.io/component` label value. */
  name: string;
  /** Image repository, without tag. */
  image: string;
  tag?: string;
  /** Dockerfile path as written in devspace.yaml, e.g. `./Dockerfile`. */
  dockerfile: string;
  facts: DockerfileFacts;
  /** Patterns from .dockerignore. */
  excludes: string[];
}

/** One `dev.ports` forward: local port → container port. */
export interface Forward {
  port: number;
  remotePort?: number;
}

/** The registry of the local test bed; images pushed there are pullable by the cluster. */
export const DEFAULT_REGISTRY = '127.0.0.1:5000';
const DEFAULT_CONTAINER_PATH = '/app';

/** A folder name turned into an RFC 1123 label usable as deployment, label and image name. */
export function componentName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name || 'app';
}

/**
 * Local ports for the TCP ports a container exposes. Ports below 1024 need
 * root to bind locally, so they move up by 8000 (80 → 8080) and forward to
 * the original port.
 */
export function forwardsFor(plan: StarterPlan): Forward[] {
  const used = new Set<number>();
  const out: Forward[] = [];
  for (const { port, protocol } of plan.facts.ports) {
    if (protocol !== 'TCP') continue; // Port forwarding only carries TCP.
    let local = port < 1024 ? port + 8000 : port;
    while (used.has(local) || plan.facts.ports.some((p) => p.port === local && local !== port)) local++;
    used.add(local);
    out.push(local === port ? { port } : { port: local, remotePort: port });
  }
  return out;
}

/** Where sync puts the project in the container: the image's WORKDIR, else /app. */
export function containerPath(plan: StarterPlan): string {
  return plan.facts.workdir ?? DEFAULT_CONTAINER_PATH;
}

/** The devspace.yaml (v1beta2) content as plain data, ready for YAML. */
export function starterConfig(plan: StarterPlan): Record<string, unknown> {
  const selector = { 'app.kubernetes.io/component': plan.name };
  const servicePorts = plan.facts.ports.map((p) => (p.protocol === 'TCP' ? { port: p.port } : { port: p.port, protocol: p.protocol }));
  const forwards = forwardsFor(plan);
  // .devspace/ holds this tool's own state (lock, logs): never upload it.
  const excludes = plan.excludes.some((e) => /^\/?\.devspace\/?$/.test(e)) ? plan.excludes : [...plan.excludes, '.devspace/'];
  return {
    version: 'v1beta2',
    images: {
      default: { image: plan.image, ...(plan.tag ? { tag: plan.tag } : {}), dockerfile: plan.dockerfile, context: './' },
    },
    deployments: [
      {
        name: plan.name,
        component: {
          containers: [{ image: plan.image }],
          ...(servicePorts.length ? { service: { ports: servicePorts } } : {}),
        },
      },
    ],
    dev: {
      ...(forwards.length ? { ports: [{ labelSelector: selector, forward: forwards }] } : {}),
      sync: [{ labelSelector: selector, localSubPath: './', containerPath: containerPath(plan), excludePaths: excludes }],
    },
  };
}

/** Split `repo[:tag]` (the tag is after the last `/`, so `host:5000/app` has none). */
export function splitImage(ref: string): { image: string; tag?: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { image: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { image: ref };
}

/** True for a repository name Docker accepts: optional `host[:port]/`, lowercase path parts. */
export function validImageName(image: string): boolean {
  const part = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const host = '(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?';
  return new RegExp(`^${host}${part}(?:/${part})*$`).test(image);
}
