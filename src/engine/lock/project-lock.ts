import { readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';

/** What the lock file records about the `devspace dev` holding it. */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** ISO 8601 time the lock was taken. */
  startedAt: string;
  /** The command line, e.g. `devspace dev -b`. */
  command: string;
}

/** A held project lock; release it on every way out. */
export interface ProjectLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Remove the lock file if it is still ours; idempotent, never throws. */
  release(): Promise<void>;
  /** Same as `release`, for `process.on('exit')` where only sync work runs. */
  releaseSync(): void;
}

export interface AcquireOptions {
  /** Recorded in the lock so a refused run can say what holds it. */
  command: string;
  /** Receives the `engine:warning` when a stale lock is taken over. */
  events?: DevEngineEmitter;
  /** For tests: the identity to record (default: this process). */
  pid?: number;
  hostname?: string;
}

/** Where the lock of a project lives. */
export function lockPath(root: string): string {
  return path.join(root, '.devspace', 'dev.lock');
}

/**
 * Take `.devspace/dev.lock` so two `devspace dev` never fight over the same
 * ports and sync. Creation is atomic (`wx`); a lock left by a dead process on
 * this host, or one that cannot be read, is taken over with a warning. A live
 * holder makes this throw a UserError naming it.
 */
export async function acquireProjectLock(root: string, opts: AcquireOptions): Promise<ProjectLock> {
  const file = lockPath(root);
  // A run that fails early (a config error) should leave the project as it found it.
  const madeFolder = (await mkdir(path.dirname(file), { recursive: true })) !== undefined;
  const info: LockInfo = {
    pid: opts.pid ?? process.pid,
    hostname: opts.hostname ?? osHostname(),
    startedAt: new Date().toISOString(),
    command: opts.command,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(file, info)) return held(file, info, madeFolder);
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    const why = staleReason(holder, info.hostname);
    if (!why) throw refusal(holder as LockInfo);
    if (await takeOver(file, holder)) {
      opts.events?.send('engine:warning', { scope: 'lock', message: `took over ${path.relative(root, file)}: ${why}` });
    }
  }
  throw new UserError(`could not take ${file}: other devspace processes keep changing it`, 1);
}

async function tryCreate(file: string, info: LockInfo): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify(info) + '\n');
  } finally {
    await fh.close();
  }
  return true;
}

type Holder = LockInfo | 'corrupt' | 'gone';

async function readHolder(file: string): Promise<Holder> {
  // A lock created a moment ago may still be empty: give its writer a little time.
  for (let i = 0; i < 5; i++) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw err;
    }
    const parsed = parseLock(text);
    if (parsed) return parsed;
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
    if (age > 1000) return 'corrupt';
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'corrupt';
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string') {
      return { pid: v.pid, hostname: v.hostname, startedAt: String(v.startedAt ?? ''), command: String(v.command ?? 'devspace dev') };
    }
  } catch {
    // Not JSON: reported as corrupt by the caller.
  }
  return undefined;
}

/** Why a lock may be taken over, or undefined when its holder may still run. */
function staleReason(holder: Holder, host: string): string | undefined {
  if (holder === 'corrupt') return 'the lock file was unreadable';
  if (holder === 'gone') return undefined;
  // On another host (shared folder) we cannot see its processes: assume it runs.
  if (holder.hostname !== host) return undefined;
  return isAlive(holder.pid) ? undefined : `its process ${holder.pid} is no longer running`;
}

/** True if a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Move the stale lock aside, which only one contender can do. If what we
 * moved is not the lock we judged stale (someone took over in between), put
 * it back and let the next attempt see it.
 */
async function takeOver(file: string, judged: Holder): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = parseLock(await readFile(aside, 'utf8').catch(() => ''));
  const same = judged === 'corrupt' ? !moved || staleReason(moved, osHostname()) !== undefined : moved?.pid === (judged as LockInfo).pid;
  if (!same) {
    await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

function refusal(holder: LockInfo): UserError {
  return new UserError(
    `another \`devspace dev\` is running in this project (pid ${holder.pid}, started ${when(holder.startedAt)} on host ${holder.hostname}); ` +
      'stop it first or use `devspace enter` for another shell',
    1,
  );
}

/** Local clock time, with the date when it was not today. */
function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'at an unknown time';
  const time = d.toTimeString().slice(0, 8);
  if (d.toDateString() === new Date().toDateString()) return time;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

function held(file: string, info: LockInfo, madeFolder: boolean): ProjectLock {
  let released = false;
  const ours = (text: string): boolean => {
    const now = parseLock(text);
    return now?.pid === info.pid && now.hostname === info.hostname;
  };
  return {
    path: file,
    info,
    async release() {
      if (released) return;
      released = true;
      try {
        if (ours(await readFile(file, 'utf8'))) await unlink(file);
      } catch {
        // Already gone, or the folder was removed: nothing left to release.
      }
      // Only if still empty: once a run has written its cache, the folder stays.
      if (madeFolder) await rmdir(path.dirname(file)).catch(() => undefined);
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (ours(readFileSync(file, 'utf8'))) unlinkSync(file);
      } catch {
        // As above.
      }
      if (madeFolder) {
        try {
          rmdirSync(path.dirname(file));
        } catch {
          // Not empty, or gone.
        }
      }
    },
  };
}

