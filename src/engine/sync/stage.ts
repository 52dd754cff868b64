import path from 'node:path';
import { syncContainerPath, syncLocalSubPath } from '../config/defaults.js';
import type { DevspaceConfig, SyncConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { EngineContext } from '../pipeline/dev-stages.js';
import type { Stage } from '../stage.js';
import { startSync } from './session.js';
import type { SyncHandle, SyncSpec } from './types.js';

/**
 * Turn `dev.sync[index]` into a SyncSpec: the target follows research §2.1
 * (entry → named selector → the only selector), paths resolve against the
 * project root. `devspace dev` cannot ask which pod, so a label selector is
 * required.
 */
export function syncSpecFromConfig(entry: SyncConfig, index: number, config: DevspaceConfig, root: string, defaultNamespace: string): SyncSpec {
  const where = `dev.sync[${index}]`;
  const selectors = config.dev?.selectors ?? [];
  let selector: (typeof selectors)[number] | undefined;
  if (entry.selector) {
    selector = selectors.find((s) => s.name === entry.selector);
    if (!selector) throw new UserError(`${where}.selector: no dev.selectors entry named "${entry.selector}"`, 2);
  }
  const labelSelector = entry.labelSelector ?? selector?.labelSelector ?? (selectors.length === 1 ? selectors[0]!.labelSelector : undefined);
  if (!labelSelector || Object.keys(labelSelector).length === 0) {
    throw new UserError(`${where}: say which pod to sync with: set labelSelector, or selector naming a dev.selectors entry`, 2);
  }
  const container = entry.containerName ?? selector?.containerName;
  return {
    id: `sync:${index}`,
    localPath: path.resolve(root, syncLocalSubPath(entry)),
    containerPath: syncContainerPath(entry),
    target: {
      namespace: entry.namespace ?? selector?.namespace ?? defaultNamespace,
      labelSelector,
      ...(container ? { container } : {}),
    },
    ...(entry.excludePaths ? { excludePaths: [...entry.excludePaths] } : {}),
    ...(entry.uploadExcludePaths ? { uploadExcludePaths: [...entry.uploadExcludePaths] } : {}),
    ...(entry.downloadExcludePaths ? { downloadExcludePaths: [...entry.downloadExcludePaths] } : {}),
  };
}

/**
 * The `sync` stage of `devspace dev`: one sync per `dev.sync` entry,
 * started in order. The stage resolves right after starting them, or after
 * their initial sync for entries with `waitInitialSync: true`; sync keeps
 * running (and reconnecting) until the pipeline stops it.
 */
export function createSyncStage(): Stage<EngineContext> {
  return {
    name: 'sync',
    async run(ctx, signal) {
      const entries = ctx.config.dev?.sync ?? [];
      const specs = entries.map((entry, i) => syncSpecFromConfig(entry, i, ctx.config, ctx.root, ctx.kube.namespace));
      const handles: SyncHandle[] = [];
      const stop = async (): Promise<void> => {
        await Promise.all(handles.map((h) => h.stop()));
      };
      try {
        for (const spec of specs) handles.push(await startSync(ctx.kube.kubeConfig, spec, { events: ctx.events, signal }));
        for (const [i, entry] of entries.entries()) {
          if (!entry.waitInitialSync) continue;
          await handles[i]!.initialSync.catch((err: Error) => {
            throw new UserError(`dev.sync[${i}] (${specs[i]!.localPath} → ${specs[i]!.containerPath}): ${err.message}`, 1);
          });
        }
      } catch (err) {
        await stop();
        throw err;
      }
      return { stop };
    },
  };
}
