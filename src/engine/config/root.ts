import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** The config file name that marks a project root. */
export const CONFIG_FILE = 'devspace.yaml';

/**
 * The nearest directory at or above `cwd` holding devspace.yaml, or undefined. The home directory is
 * skipped, as DevSpace v3.5 did, so a stray ~/devspace.yaml does not capture every project below it.
 */
export async function findProjectRoot(cwd: string): Promise<string | undefined> {
  const home = path.resolve(homedir());
  let dir = path.resolve(cwd);
  for (;;) {
    if (dir !== home && (await isFile(path.join(dir, CONFIG_FILE)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
