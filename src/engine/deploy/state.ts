import { cachePath, readRaw, writeAtomic } from '../build/cache.js';
import type { DeployRecord } from './types.js';

/**
 * What was deployed where, kept under the `deployments` key of
 * `.devspace/cache.json` (the build cache owns `images`; every other key is
 * left as it is). Records are per deployment, kube context and namespace,
 * so deploying to a second namespace does not forget the first.
 */

/** The record for one deployment in one cluster and namespace. */
export function findRecord(records: readonly DeployRecord[], name: string, context: string, namespace: string): DeployRecord | undefined {
  return records.find((r) => r.name === name && r.context === context && r.namespace === namespace);
}

function isRecord(v: unknown): v is DeployRecord {
  const r = v as DeployRecord;
  return !!r && typeof r.name === 'string' && typeof r.context === 'string' && typeof r.namespace === 'string' && typeof r.hash === 'string' && Array.isArray(r.objects);
}

/** Every deploy record of the project; a missing or unreadable cache has none. */
export async function readDeployRecords(projectRoot: string): Promise<DeployRecord[]> {
  const raw = await readRaw(cachePath(projectRoot));
  return Array.isArray(raw.deployments) ? raw.deployments.filter(isRecord) : [];
}

// Updates within this process are chained so two deployments finishing together do not lose one.
const chains = new Map<string, Promise<void>>();

/**
 * Replace (or, with `next` undefined, remove) the record of one deployment
 * in one context and namespace. Re-reads the file first, so keys other
 * stages wrote in the meantime survive; writes atomically.
 */
export function updateDeployRecord(
  projectRoot: string,
  key: { name: string; context: string; namespace: string },
  next: DeployRecord | undefined,
): Promise<void> {
  const file = cachePath(projectRoot);
  const run = (chains.get(file) ?? Promise.resolve()).then(async () => {
    const raw = await readRaw(file);
    const records = (Array.isArray(raw.deployments) ? raw.deployments.filter(isRecord) : []).filter(
      (r) => !(r.name === key.name && r.context === key.context && r.namespace === key.namespace),
    );
    if (next) records.push(next);
    await writeAtomic(file, `${JSON.stringify({ ...raw, deployments: records }, null, 2)}\n`);
  });
  const settled = run.catch(() => undefined);
  chains.set(file, settled);
  void settled.then(() => chains.get(file) === settled && chains.delete(file));
  return run;
}
