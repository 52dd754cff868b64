import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { acquireProjectLock, isAlive, lockPath } from '../../../src/engine/lock/project-lock.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'devspace-lock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has just been killed with SIGKILL. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  return pid;
}

describe('project lock', () => {
  it('acquires, records who holds it, and releases', async () => {
    const lock = await acquireProjectLock(root, { command: 'devspace dev -b' });
    const info = JSON.parse(await readFile(lockPath(root), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'devspace dev -b' });
    expect(Number.isNaN(Date.parse(info.startedAt))).toBe(false);
    await lock.release();
    await lock.release(); // idempotent
    expect(existsSync(lockPath(root))).toBe(false);
    const again = await acquireProjectLock(root, { command: 'devspace dev' });
    again.releaseSync();
    expect(existsSync(lockPath(root))).toBe(false);
  });

  it('removes the .devspace folder it made when nothing else was put there, and never one it found', async () => {
    const early = await acquireProjectLock(root, { command: 'devspace dev' });
    await early.release();
    expect(existsSync(path.join(root, '.devspace'))).toBe(false);

    const sync = await acquireProjectLock(root, { command: 'devspace dev' });
    sync.releaseSync();
    expect(existsSync(path.join(root, '.devspace'))).toBe(false);

    const used = await acquireProjectLock(root, { command: 'devspace dev' });
    await writeFile(path.join(root, '.devspace', 'cache.json'), '{}');
    await used.release();
    expect(existsSync(path.join(root, '.devspace', 'cache.json'))).toBe(true);

    await rm(path.join(root, '.devspace'), { recursive: true });
    await mkdir(path.join(root, '.devspace'));
    const found = await acquireProjectLock(root, { command: 'devspace dev' });
    await found.release();
    expect(existsSync(path.join(root, '.devspace'))).toBe(true);
  });

  it('refuses a second run and names the holder', async () => {
    const first = await acquireProjectLock(root, { command: 'devspace dev' });
    const err = await acquireProjectLock(root, { command: 'devspace dev' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(
      new RegExp(`^another \`devspace dev\` is running in this project \\(pid ${process.pid}, started \\d\\d:\\d\\d:\\d\\d on host ${hostname()}\\); stop it first or use \`devspace enter\` for another shell$`),
    );
    await first.release();
  });

  it('takes over the lock of a dead process with a warning', async () => {
    const pid = await deadPid();
    expect(isAlive(pid)).toBe(false);
    await mkdir(path.join(root, '.devspace'), { recursive: true });
    await writeFile(lockPath(root), JSON.stringify({ pid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'devspace dev' }));
    const events = new DevEngineEmitter();
    const warnings: string[] = [];
    events.on('engine:warning', (w) => warnings.push(w.message));
    const lock = await acquireProjectLock(root, { command: 'devspace dev', events });
    expect(lock.info.pid).toBe(process.pid);
    expect(warnings).toEqual([`took over .devspace/dev.lock: its process ${pid} is no longer running`]);
    await lock.release();
  });

  it('treats a corrupt lock file as stale', async () => {
    await mkdir(path.join(root, '.devspace'), { recursive: true });
    await writeFile(lockPath(root), '{"pid": not json');
    const past = new Date(Date.now() - 60_000);
    await utimes(lockPath(root), past, past);
    const events = new DevEngineEmitter();
    const warnings: string[] = [];
    events.on('engine:warning', (w) => warnings.push(w.message));
    const lock = await acquireProjectLock(root, { command: 'devspace dev', events });
    expect(warnings).toEqual(['took over .devspace/dev.lock: the lock file was unreadable']);
    expect(JSON.parse(await readFile(lockPath(root), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('does not judge a lock held on another host', async () => {
    const pid = await deadPid();
    await mkdir(path.join(root, '.devspace'), { recursive: true });
    await writeFile(lockPath(root), JSON.stringify({ pid, hostname: 'other-vm', startedAt: new Date().toISOString(), command: 'devspace dev' }));
    await expect(acquireProjectLock(root, { command: 'devspace dev' })).rejects.toThrow(`pid ${pid}, started`);
  });

  it('release leaves a lock that someone else took over', async () => {
    const lock = await acquireProjectLock(root, { command: 'devspace dev' });
    await writeFile(lockPath(root), JSON.stringify({ pid: 1, hostname: hostname(), startedAt: '', command: 'x' }));
    await lock.release();
    expect(existsSync(lockPath(root))).toBe(true);
  });
});
