import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** Names DevSpace v3.5 fills in itself. */
export const PREDEFINED_VARS = ['DEVSPACE_RANDOM', 'DEVSPACE_TIMESTAMP', 'DEVSPACE_GIT_COMMIT'] as const;

/** A predefined variable that cannot be filled in here, e.g. DEVSPACE_GIT_COMMIT outside a git repository. */
export class PredefinedVarError extends Error {
  override name = 'PredefinedVarError';
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A predefined variable's value, or undefined when `name` is not predefined; rejects with a user-facing reason. */
export async function predefinedVar(name: string, root: string): Promise<string | undefined> {
  switch (name) {
    case 'DEVSPACE_RANDOM':
      return Array.from({ length: 6 }, () => LETTERS[randomInt(LETTERS.length)]).join('');
    case 'DEVSPACE_TIMESTAMP':
      return String(Math.floor(Date.now() / 1000));
    case 'DEVSPACE_GIT_COMMIT':
      return (await gitHead(root)).slice(0, 8);
    default:
      return undefined;
  }
}

function gitHead(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 10_000, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout.trim());
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const detail = missing ? 'git is not installed' : firstLine(stderr) || err.message;
      reject(new PredefinedVarError(`cannot read the git commit for DEVSPACE_GIT_COMMIT in ${cwd}: ${detail}`));
    });
  });
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}
