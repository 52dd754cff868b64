import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fromLocal, isSyncTemp, toLocal } from './paths.js';

/**
 * Local change notifications via chokidar 5 (native fs.watch per folder, no
 * polling). Events only name paths; the upstream batch decides what to do
 * from each path's state, so editor save-by-rename, atomic writes and
 * bursts all end in the right final state without awaitWriteFinish delays.
 */
export interface LocalWatcher {
  close(): Promise<void>;
}

/** Watch `root`, calling `onPath` with the relative path of every add/change/unlink (never for ignored paths). */
export async function watchLocal(
  root: string,
  ignored: (rel: string, isDir: boolean) => boolean,
  onPath: (rel: string) => void,
  onError: (err: Error) => void,
): Promise<LocalWatcher> {
  const { watch } = await import('chokidar');
  const isIgnored = (abs: string, stats?: Stats): boolean => {
    const rel = fromLocal(root, abs);
    if (rel === undefined || rel === '') return false;
    if (isSyncTemp(rel)) return true;
    if (stats) return ignored(rel, stats.isDirectory());
    // chokidar often asks without stats; only folder-only patterns need the type, so lstat just then.
    const asFile = ignored(rel, false);
    if (asFile === ignored(rel, true)) return asFile;
    try {
      return ignored(rel, lstatSync(toLocal(root, rel)).isDirectory());
    } catch {
      return asFile;
    }
  };
  const watcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    atomic: false,
    awaitWriteFinish: false,
    ignorePermissionErrors: true,
    ignored: isIgnored,
  });
  const report = (abs: string): void => {
    const rel = fromLocal(root, abs);
    if (rel !== undefined && !isSyncTemp(rel)) onPath(rel);
  };
  watcher.on('all', (_event, abs) => report(abs));
  // chokidar drops attribute-only changes (chmod ±x); the raw fs.watch events still carry them.
  watcher.on('raw', (_event, evPath, details) => {
    const watched = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (!watched || typeof evPath !== 'string' || evPath === '') return;
    if (path.basename(watched) === evPath) report(watched);
    else report(path.join(watched, evPath));
  });
  watcher.on('error', (err) => onError(err instanceof Error ? err : new Error(String(err))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}
