import { openExec } from './exec-session.js';
import { exitText, nulList, type RemoteTarget } from './remote.js';
import { FETCH_SCRIPT, shArgs } from './remote-scripts.js';
import { readTar, TarAbandoned, type TarHandlers, type TarLimits } from './tar-entries.js';

/**
 * One-shot fetches: the container's `tar c` of listed paths, read entry by
 * entry within limits, since that tar may lie (tar-entries.ts).
 */

/** What one fetch brought. */
export interface FetchResult {
  /** Bytes received. */
  bytes: number;
  /** The container's complaints (e.g. a file deleted since it was listed). */
  stderr: string;
  /** Why the tar was not read to its end (a lie or a malformed stream); entries before that point were handled. */
  cutShort?: string;
}

/**
 * Fetch paths as a tar and hand each validated entry to `handlers`, within `limits`. A tar that
 * breaks the limits or does not parse is given up and reported as `cutShort`; a lost connection
 * rejects instead, since a tar cut off between two entries would otherwise look complete.
 */
export async function fetchRemote(
  target: RemoteTarget,
  rels: readonly string[],
  handlers: TarHandlers,
  signal?: AbortSignal,
  limits?: Omit<TarLimits, 'maxEntries'>,
): Promise<FetchResult> {
  if (rels.length === 0) return { bytes: 0, stderr: '' };
  const session = await openExec(target.kc, target.ref, shArgs(FETCH_SCRIPT, target.root), signal);
  let bytes = 0;
  let stderr = '';
  session.stdout.on('data', (c: Buffer) => (bytes += c.length));
  session.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const list = nulList(rels);
  const sent = session.write(Buffer.concat([Buffer.from(`${list.length}\n`), list]));
  sent.catch(() => undefined); // awaited below, after the tar
  let cutShort: string | undefined;
  try {
    // A real `tar c` sends one entry per path; the slack covers nothing legitimate, only liars.
    await readTar(session.stdout, handlers, new Set(rels), limits && { ...limits, maxEntries: 2 * rels.length + 64 }).catch(async (err: unknown) => {
      if (err instanceof TarAbandoned) return void (cutShort = err.message);
      if (signal?.aborted) throw err;
      // A lost connection also cuts a tar short; only a container that is still there sent a bad one.
      const exit = await Promise.race([session.exit, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref())]);
      if (exit?.lost) throw new Error(`fetching from the container failed: ${exitText(exit)}`);
      cutShort = `the container sent a malformed tar (${(err as Error).message.split('\n')[0]})`;
    });
    await sent;
  } finally {
    session.close();
  }
  const exit = await session.exit;
  if (exit.lost && !cutShort) throw new Error(`fetching from the container failed: ${exitText(exit)}`);
  return { bytes, stderr: exit.code === 0 || cutShort ? '' : stderr, ...(cutShort ? { cutShort } : {}) };
}
