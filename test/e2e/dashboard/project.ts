import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { bin, repo } from '../../unit/cli/helpers.js';
import { freePort, testKubeConfig, uid } from '../support/testbed.js';

export { freePort };
import { shellQuote } from './tmux.js';

/**
 * A throwaway copy of examples/quickstart for one dashboard test file: its
 * own local port, namespace and optional tweaks (a slow build step so the
 * spinner is on screen, an entrypoint that crashes).
 */
export interface DashboardProject {
  dir: string;
  namespace: string;
  port: number;
  /** Whether the copy keeps the example's `dev.sync` (only once `devspace dev` runs the sync stage). */
  sync: boolean;
  /** The shell command for tmux: `devspace dev`, then its exit code and a shell prompt. */
  command: string;
  dispose(): Promise<void>;
}

/** `devspace dev` runs file sync once the pipeline registers a sync stage; until then the example's sync block is dropped. */
export function devRunsSync(): boolean {
  const file = path.join(repo, 'src/engine/pipeline/dev-implementations.ts');
  return existsSync(file) && /\bsync\s*:\s*lazyStage\(|\bsync\s*:\s*\{/.test(readFileSync(file, 'utf8'));
}

export async function quickstartCopy(opts: { prefix: string; entrypoint?: string[]; extraStep?: string }): Promise<DashboardProject> {
  const dir = await mkdtemp(path.join(tmpdir(), `devspace-${opts.prefix}-`));
  await cp(path.join(repo, 'examples', 'quickstart'), dir, { recursive: true, filter: (src) => !src.includes('.devspace') });
  const port = await freePort();
  const namespace = `${opts.prefix}-${uid()}`;
  const sync = devRunsSync();
  const configPath = path.join(dir, 'devspace.yaml');
  let config = await readFile(configPath, 'utf8');
  const forward = '    forward:\n    - port: 8080\n';
  if (!config.includes(forward)) throw new Error('examples/quickstart/devspace.yaml changed: no `forward: - port: 8080` to rewrite');
  config = config.replace(forward, `    forward:\n    - port: ${port}\n      remotePort: 8080\n`);
  if (!sync) config = config.replace(/\n {2}sync:\n(?: {2}- .*\n| {4}.*\n)*/, '\n');
  if (opts.entrypoint) config = config.replace(/entrypoint: \[.*\]/, `entrypoint: ${JSON.stringify(opts.entrypoint)}`);
  await writeFile(configPath, config);
  if (opts.extraStep) {
    const dockerfile = path.join(dir, 'Dockerfile');
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace(/^EXPOSE /m, `${opts.extraStep}\nEXPOSE `));
  }
  const kubeconfig = process.env.DEVSPACE_TEST_KUBECONFIG as string;
  const command = `KUBECONFIG=${shellQuote(kubeconfig)} ${shellQuote(process.execPath)} ${shellQuote(bin)} dev -n ${namespace}; echo EXITED:$?; exec sh`;
  return {
    dir,
    namespace,
    port,
    sync,
    command,
    async dispose() {
      await testKubeConfig()
        .makeApiClient(k8s.CoreV1Api)
        .deleteNamespace({ name: namespace })
        .catch((err: unknown) => {
          // Gone already is fine (devspace never deployed); anything else would leak it, so say so.
          if ((err as { code?: number }).code !== 404) console.warn(`could not delete namespace ${namespace}: ${String(err).slice(0, 200)}`);
        });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** GET a path of the forwarded app, so httpd -v writes a log line naming it. */
export async function request(port: number, urlPath: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}
