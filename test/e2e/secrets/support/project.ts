import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { parseDocument } from 'yaml';
import { repo } from '../../../unit/cli/helpers.js';
import { freePort, uid } from '../../support/testbed.js';

export { freePort };

/** A copy of examples/quickstart with its own image, port and (optionally) registry and Dockerfile. */
export interface QuickstartCopy {
  root: string;
  /** Image repository, e.g. `127.0.0.1:5000/secrets-ab12cd`. */
  image: string;
  /** Local port the dev config forwards to the app. */
  port: number;
  dispose(): Promise<void>;
}

/**
 * Copy the quickstart example, name its image `<registry>/secrets-<uid>`
 * with `createPullSecret: true`, forward a free port, and optionally
 * replace its Dockerfile (for failing builds and refused base images).
 */
export async function quickstartCopy(opts: { registry?: string; dockerfile?: string; pullSecret?: boolean } = {}): Promise<QuickstartCopy> {
  const root = await mkdtemp(path.join(tmpdir(), 'devspace-secrets-'));
  await cp(path.join(repo, 'examples', 'quickstart'), root, { recursive: true, filter: (src) => !src.includes('.devspace') });
  const image = `${opts.registry ?? '127.0.0.1:5000'}/secrets-${uid()}`;
  const port = await freePort();
  const file = path.join(root, 'devspace.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.setIn(['images', 'default', 'image'], image);
  if (opts.pullSecret !== false) doc.setIn(['images', 'default', 'createPullSecret'], true);
  doc.setIn(['deployments', 0, 'component', 'containers', 0, 'image'], image);
  doc.setIn(['dev', 'ports', 0, 'forward', 0], doc.createNode({ port, remotePort: 8080 }));
  await writeFile(file, doc.toString());
  if (opts.dockerfile !== undefined) await writeFile(path.join(root, 'Dockerfile'), opts.dockerfile);
  return {
    root,
    image,
    port,
    async dispose() {
      await rm(root, { recursive: true, force: true });
      // Local tags of this project's image (registry copies stay, as for every e2e test).
      const docker = new Docker();
      const images = await docker.listImages({ filters: JSON.stringify({ reference: [`${image}:*`] }) }).catch(() => []);
      // By tag: the dev image is a child of the deploy image, so removing by id would be refused.
      const tags = images.flatMap((img) => img.RepoTags ?? []).filter((t) => t.startsWith(`${image}:`));
      for (const tag of tags) await docker.getImage(tag).remove().catch(() => undefined);
    },
  };
}

/** The quickstart page on the forwarded port, or undefined while it does not answer. */
export async function page(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await res.text();
  } catch {
    return undefined;
  }
}
