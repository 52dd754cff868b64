import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ContainerRef } from '../events.js';
import { SerialQueue } from './batcher.js';
import { openExec, type ExecExit, type ExecSession } from './exec-session.js';
import { parseStatLines, type ParsedListing } from './listing.js';
import { normalizeRel } from './paths.js';
import { LIST_SCRIPT, SERVER_SCRIPT, shArgs, WATCH_SCRIPT } from './remote-scripts.js';
import type { FileMeta } from './types.js';

/**
 * The client half of the container scripts: a persistent upstream server
 * (one exec for the whole connection), a persistent change watcher, and
 * one-shot listing execs whose stdout is a whole listing (fetches: fetch.ts).
 */

/** A problem retrying cannot fix (missing tools, a folder that cannot be created). */
export class FatalSyncError extends Error {
  override name = 'FatalSyncError';
}

/** Where sync talks to: the container and the absolute folder in it. */
export interface RemoteTarget {
  kc: KubeConfig;
  ref: ContainerRef;
  /** Absolute container folder (the server's `pwd`). */
  root: string;
}

/** Split a byte stream into text lines. */
export function onLines(stream: Readable, fn: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) fn(p);
  });
  stream.on('end', () => {
    if (rest) fn(rest);
    rest = '';
  });
}

/** Where sync runs, as a person names it. */
function where(ref: ContainerRef): string {
  return `container ${ref.container} of pod ${ref.pod}`;
}

/** A failed exec of `sh` means the image has no shell: retrying cannot help. */
function fatalIfHopeless(ref: ContainerRef, message: string): Error {
  return /executable file not found|no such file or directory.*\bsh\b|not found in \$PATH/i.test(message)
    ? new FatalSyncError(`sync needs a shell (\`sh\`) in ${where(ref)}; the image has none`)
    : new Error(message);
}

/** The tools the server script found missing, as one line saying what the image needs. */
function missingTools(ref: ContainerRef, tools: string[]): FatalSyncError {
  const names = tools.map((t) => `\`${t}\``);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return new FatalSyncError(`sync needs ${list} in ${where(ref)}; the image has no ${tools.join(', no ')}`);
}

/** How an exec ended, in words. */
export function exitText(e: ExecExit): string {
  return e.lost ? `connection to the container lost (${e.message ?? 'closed'})` : `exited with code ${e.code}${e.message ? `: ${e.message}` : ''}`;
}

/** The container's answer to one request. */
export interface Reply {
  /** Exit code of the request's command. */
  rc: number;
  /** Output lines printed before the acknowledgement. */
  lines: string[];
  /** stderr printed since the previous acknowledgement, for error messages. */
  stderr: string;
}

interface Pending {
  id: string;
  lines: string[];
  resolve: (r: Reply) => void;
  reject: (err: Error) => void;
}

/** The long-lived upstream shell: applies tars, deletes, renames and hashes in order. */
export class UpstreamServer {
  private readonly pending: Pending[] = [];
  private readonly writes = new SerialQueue();
  private nextId = 1;
  private stderr: string[] = [];
  private ended?: Error;
  /** Absolute container folder. */
  root = '';
  readonly exit: Promise<ExecExit>;

  private constructor(
    private readonly session: ExecSession,
    ref: ContainerRef,
    ready: (root: string) => void,
    failed: (err: Error) => void,
  ) {
    let started = false;
    onLines(session.stderr, (l) => {
      this.stderr.push(l);
      if (this.stderr.length > 20) this.stderr.shift();
    });
    onLines(session.stdout, (line) => {
      if (line.startsWith('!READY ')) {
        started = true;
        ready(line.slice(7));
      } else if (line.startsWith('!MISSING ')) {
        this.ended = missingTools(ref, line.slice(9).trim().split(/\s+/));
        failed(this.ended);
      } else if (line.startsWith('!FATAL ')) {
        this.ended = new FatalSyncError(`${line.slice(7)} (${where(ref)})`);
        failed(this.ended);
      } else if (line.startsWith('!OK ')) {
        const [, id, rc] = line.split(' ');
        const head = this.pending.shift();
        if (!head || head.id !== id) return void this.fail(new Error('sync protocol out of step with the container'));
        const stderr = this.stderr.join('\n');
        this.stderr = [];
        head.resolve({ rc: Number(rc), lines: head.lines, stderr });
      } else {
        this.pending[0]?.lines.push(line);
      }
    });
    this.exit = session.exit.then((e) => {
      const err = this.ended ?? (e.code === 0 && !e.lost ? new Error('the sync shell stopped') : fatalIfHopeless(ref, exitText(e)));
      if (!started) failed(err);
      this.fail(err);
      return e;
    });
  }

  /** Start the server in `containerPath` (created when missing); resolves once it is ready. */
  static async open(kc: KubeConfig, ref: ContainerRef, containerPath: string, signal?: AbortSignal): Promise<UpstreamServer> {
    const session = await openExec(kc, ref, shArgs(SERVER_SCRIPT, containerPath), signal);
    let server!: UpstreamServer;
    const root = await new Promise<string>((resolve, reject) => {
      server = new UpstreamServer(session, ref, resolve, reject);
    });
    server.root = root;
    return server;
  }

  private fail(err: Error): void {
    this.ended ??= err;
    for (const p of this.pending.splice(0)) p.reject(this.ended);
    this.session.close();
  }

  /** Send one request; resolves with its exit code, output lines and stderr. */
  request(op: 'T' | 'R' | 'M' | 'H' | 'S' | 'L' | 'P', payload: Buffer = Buffer.alloc(0)): Promise<Reply> {
    return this.send(op, payload.length, async (head) => {
      await this.session.write(payload.length < 65536 ? Buffer.concat([head, payload]) : head);
      if (payload.length >= 65536) await this.session.write(payload);
    });
  }

  /** Send a request whose payload is streamed; it must yield exactly `length` bytes or the session is closed. */
  requestStream(op: 'T', length: number, data: AsyncIterable<Buffer>): Promise<Reply> {
    return this.send(op, length, async (head) => {
      await this.session.write(head);
      let sent = 0;
      for await (const chunk of data) {
        sent += chunk.length;
        await this.session.write(chunk);
      }
      if (sent !== length) throw new Error(`streamed ${sent} of ${length} bytes`);
    });
  }

  // Writes are queued so two requests never interleave on stdin; replies come back in the same order.
  private send(op: string, length: number, write: (head: Buffer) => Promise<void>): Promise<Reply> {
    if (this.ended) return Promise.reject(this.ended);
    const id = String(this.nextId++);
    const done = new Promise<Reply>((resolve, reject) => {
      this.pending.push({ id, lines: [], resolve, reject });
    });
    void this.writes
      .run(() => write(Buffer.from(`${op} ${length} ${id}\n`)))
      .catch((err: Error) => this.fail(new Error(`cannot send to the container: ${err.message}`)));
    return done;
  }

  /** sha256 of container files (relative paths); missing files are left out. */
  async hash(rels: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (rels.length === 0) return out;
    const { lines } = await this.request('H', nulList(rels));
    for (const line of lines) {
      const m = /^([0-9a-f]{64}) {2}(.*)$/.exec(line);
      if (m) out.set(normalizeRel(m[2]!), m[1]!);
    }
    return out;
  }

  /** Current container metadata of paths (relative); missing paths are absent from the result. */
  async stat(rels: readonly string[]): Promise<Map<string, FileMeta>> {
    const out = new Map<string, FileMeta>();
    if (rels.length === 0) return out;
    const { lines } = await this.request('S', nulList(rels));
    for (const r of parseStatLines(lines).records) out.set(r.rel, r.meta);
    return out;
  }

  /** Everything inside the given folders (they included), for folders that appeared whole (moved in). */
  async listTrees(rels: readonly string[]): Promise<ParsedListing> {
    if (rels.length === 0) return { records: [], dirs: new Map(), refused: [] };
    const { lines } = await this.request('L', nulList(rels));
    return parseStatLines(lines);
  }

  close(): void {
    this.fail(new Error('sync stopped'));
  }
}

/** `./a\0./b\0` for xargs -0. */
export function nulList(rels: readonly string[]): Buffer {
  return Buffer.from(rels.map((r) => `./${r}\0`).join(''));
}

/** The persistent change watcher; `onReport` gets each batch of changed paths. */
export class RemoteWatcher {
  private constructor(
    private readonly session: ExecSession,
    readonly exit: Promise<{ gone: boolean; fatal?: string; exit: ExecExit }>,
  ) {}

  static async open(
    target: RemoteTarget,
    intervalMs: number,
    prune: readonly string[],
    onReport: (report: ParsedListing) => void,
    signal?: AbortSignal,
  ): Promise<RemoteWatcher> {
    const fast = Math.max(100, intervalMs);
    const seconds = (ms: number): string => (ms / 1000).toFixed(2);
    const session = await openExec(target.kc, target.ref, shArgs(WATCH_SCRIPT, target.root, seconds(fast), seconds(Math.max(fast, 1000)), ...prune), signal);
    let gone = false;
    let fatal: string | undefined;
    let block: string[] | undefined;
    let readyResolve!: () => void;
    const ready = new Promise<void>((resolve) => (readyResolve = resolve));
    onLines(session.stdout, (line) => {
      if (block) {
        if (line === '!E') {
          onReport(parseStatLines(block));
          block = undefined;
        } else block.push(line);
      } else if (line === '!B') block = [];
      else if (line === '!READY') readyResolve();
      else if (line === '!GONE') gone = true;
      else if (line.startsWith('!FATAL ')) fatal = line.slice(7);
    });
    session.stderr.resume();
    const exit = session.exit.then((e) => ({ gone, exit: e, ...(fatal ? { fatal } : {}) }));
    await Promise.race([ready, exit]);
    const early = await Promise.race([exit, Promise.resolve(undefined)]);
    if (early) {
      if (early.fatal) throw new FatalSyncError(`${early.fatal} (${where(target.ref)})`);
      if (early.gone) throw new FatalSyncError(`the container folder ${target.root} disappeared`);
      throw fatalIfHopeless(target.ref, `change watcher ${exitText(early.exit)}`);
    }
    return new RemoteWatcher(session, exit);
  }

  close(): void {
    this.session.close();
  }
}

/** Full listing of the container folder (excluded folders pruned in the container when possible). */
export async function listRemote(target: RemoteTarget, prune: readonly string[], signal?: AbortSignal): Promise<ParsedListing & { bytes: number }> {
  const session = await openExec(target.kc, target.ref, shArgs(LIST_SCRIPT, target.root, ...prune), signal);
  const chunks: Buffer[] = [];
  session.stdout.on('data', (c: Buffer) => chunks.push(c));
  session.stderr.resume();
  const exit = await session.exit;
  if (exit.lost) throw new Error(`listing the container folder failed: ${exitText(exit)}`);
  let raw = Buffer.concat(chunks);
  const bytes = raw.length;
  if (exit.code === 3) return { records: [], dirs: new Map(), refused: [], bytes };
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  const lines = raw.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // A listing cut short would make container files look missing; only a complete one is used.
  if (lines.pop() !== '!END') throw new Error('the container listing arrived incomplete');
  return { ...parseStatLines(lines), bytes };
}
