import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAbortError, UserError } from '../errors.js';
import { scrubSecrets } from '../secrets.js';

/** Where checkouts live and how git runs. */
export interface GitCheckoutOptions {
  /** Folder for checkouts (default `~/.devspace/dependencies`, as v3.5). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

interface GitSource {
  git?: string;
  branch?: string;
  tag?: string;
  revision?: string;
}

/**
 * A checkout of a git dependency at the asked revision, tag or branch (else
 * the remote's default branch), kept between runs and fetched again each
 * time. One folder per URL and ref, so two refs of one repository coexist.
 */
export async function checkoutGit(source: GitSource, where: string, opts: GitCheckoutOptions): Promise<string> {
  const url = source.git!;
  const ref = source.revision ?? source.tag ?? source.branch;
  const home = opts.cacheDir ?? path.join(opts.env?.HOME ?? os.homedir(), '.devspace', 'dependencies');
  const dir = path.join(home, createHash('sha256').update(`${url}\n${ref ?? ''}`).digest('hex').slice(0, 16));
  const git = (args: string[], cwd?: string) => runGit(args, cwd, where, url, opts);
  if (await stat(path.join(dir, '.git')).then(() => true, () => false)) {
    await git(['fetch', '--quiet', '--tags', '--force', 'origin'], dir);
  } else {
    await mkdir(home, { recursive: true });
    // Cloned beside the final folder and moved in: an interrupted clone never looks like a checkout.
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await git(['clone', '--quiet', '--no-checkout', url, tmp]);
    await rename(tmp, dir);
  }
  const target = source.revision ?? (source.tag ? `refs/tags/${source.tag}` : source.branch ? `origin/${source.branch}` : 'origin/HEAD');
  await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', target], dir);
  return dir;
}

function runGit(args: string[], cwd: string | undefined, where: string, url: string, opts: GitCheckoutOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...(opts.env ?? process.env), GIT_TERMINAL_PROMPT: '0' };
    execFile('git', args, { cwd, env, maxBuffer: 4 << 20, ...(opts.signal ? { signal: opts.signal } : {}) }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if (isAbortError(err)) return reject(err);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new UserError(`${where}: the git dependency ${url} needs \`git\`, and it is not on PATH`, 1, 'install git'));
      }
      const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? err.message.split('\n')[0] ?? 'unknown error';
      // A URL may carry a token (https://user:token@host/…): never print it.
      const verb = ['clone', 'fetch', 'checkout'].find((v) => args.includes(v));
      reject(new UserError(scrubSecrets(`${where}: git ${verb} of ${redactUrl(url)} failed: ${last.replace(/^(fatal|error): /, '')}`), 1));
    });
  });
}

/** The URL without a user or token in it. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]+@/i, '$1***@');
}
