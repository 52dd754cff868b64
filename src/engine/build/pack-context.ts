import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ContextEntry, ContextPlan } from './context.js';

/** Files up to this size are read in one go; bigger ones are streamed into the tar. */
const INLINE_LIMIT = 1 << 20;

type Pack = ReturnType<typeof tar.pack>;
type Header = Parameters<Pack['entry']>[0];

/**
 * Stream the planned context as an uncompressed tar (the Engine sits on a
 * local socket, so gzip would only cost CPU). Owner is root as `COPY` sets
 * it anyway; mtimes are the real ones. Aborting `signal` destroys the stream.
 */
export function packContext(plan: ContextPlan, signal?: AbortSignal): Readable {
  const pack = tar.pack();
  const onAbort = (): void => void pack.destroy(signal?.reason ?? new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  (async () => {
    for (const e of plan.entries) {
      signal?.throwIfAborted();
      await addEntry(pack, e);
    }
    pack.finalize();
  })()
    .catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))))
    .finally(() => signal?.removeEventListener('abort', onAbort));
  return pack as unknown as Readable;
}

async function addEntry(pack: Pack, e: ContextEntry): Promise<void> {
  const header = { name: e.path, mode: e.mode, mtime: e.mtime, uid: 0, gid: 0 };
  if (e.type === 'directory') return write(pack, { ...header, type: 'directory' });
  if (e.type === 'symlink') return write(pack, { ...header, type: 'symlink', linkname: e.linkname ?? '' });
  if (e.content || !e.source) return write(pack, { ...header, type: 'file' }, e.content ?? Buffer.alloc(0));
  const { size } = await lstat(e.source);
  if (size <= INLINE_LIMIT) return write(pack, { ...header, type: 'file' }, await readFile(e.source));
  await streamFile(pack, { ...header, type: 'file', size }, e.source);
}

function write(pack: Pack, header: Header, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
  });
}

async function streamFile(pack: Pack, header: Header, source: string): Promise<void> {
  let sink!: ReturnType<Pack['entry']>;
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
  });
  const rs = createReadStream(source);
  try {
    for await (const chunk of rs) {
      if (!sink.write(chunk as Buffer)) await once(sink, 'drain');
    }
    // streamx's typings want an argument; an empty chunk adds no bytes.
    sink.end(Buffer.alloc(0));
    await done;
  } finally {
    rs.destroy();
  }
}
