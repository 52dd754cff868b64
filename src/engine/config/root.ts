import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** The config file name that marks a project root. */
export const CONFIG_FILE = 'devspace.yaml';

/**
 * Where DevSpace before v3 kept the config. v3.5 still found projects by it (and renamed it to
 * devspace.yaml); here it is read in place, so that nothing in the user's project moves.
 */
export const LEGACY_CONFIG_FILE = path.join('.devspace', 'config.yaml');

/**
 * The nearest directory at or above `cwd` holding devspace.yaml (or the legacy .devspace/config.yaml), or
 * undefined. The home directory is skipped, as DevSpace v3.5 did, so a stray ~/devspace.yaml does not
 * capture every project below it.
 */
export async function findProjectRoot(cwd: string): Promise<string | undefined> {
  const home = path.resolve(homedir());
  let dir = path.resolve(cwd);
  for (;;) {
    if (dir !== home && (await configFileIn(dir))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The config file of a project root: devspace.yaml, else the legacy .devspace/config.yaml, else undefined. */
export async function configFileIn(root: string): Promise<string | undefined> {
  for (const name of [CONFIG_FILE, LEGACY_CONFIG_FILE]) {
    const file = path.join(root, name);
    if (await isFile(file)) return file;
  }
  return undefined;
}

/** The project root a config file belongs to: its folder, or the folder above `.devspace/` for the legacy file. */
export function rootOfConfigFile(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === '.devspace' && path.basename(file) === 'config.yaml' ? path.dirname(dir) : dir;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
