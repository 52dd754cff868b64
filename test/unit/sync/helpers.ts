import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { DevEngineEmitter, type EngineEvents } from '../../../src/engine/events.js';
import { matchersFor, type SyncContext } from '../../../src/engine/sync/context.js';
import type { SyncSpec } from '../../../src/engine/sync/types.js';

/** A throwaway folder holding a `root` (the sync folder) so tests can check nothing lands beside it. */
export function tempTree(): { outer: string; root: string; dispose(): void } {
  const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-unit-'));
  const root = path.join(outer, 'root');
  fs.mkdirSync(root);
  return { outer, root: fs.realpathSync(root), dispose: () => fs.rmSync(outer, { recursive: true, force: true }) };
}

/** A SyncContext over a real folder with a real emitter; records refusals, warnings and requeues. */
export function fakeContext(root: string, spec: Partial<SyncSpec> = {}) {
  const events = new DevEngineEmitter();
  const refused: EngineEvents['sync:refused'][0][] = [];
  const warnings: string[] = [];
  const requeued: string[] = [];
  const full: SyncSpec = { id: 'sync:t', localPath: root, containerPath: '/app', target: { namespace: 'ns', pod: 'p' }, ...spec };
  const ctx: SyncContext = {
    spec: full,
    id: full.id,
    root,
    events,
    state: new Map(),
    match: matchersFor(full),
    signal: new AbortController().signal,
    requeueLocal: (rel) => requeued.push(rel),
    refuse: (rel, reason) => refused.push({ id: full.id, path: rel, reason }),
    warn: (m) => warnings.push(m),
  };
  return { ctx, refused, warnings, requeued, events };
}

/** Entries for a crafted tar. */
export type CraftedEntry = { header: Partial<tarStream.Header> & { name: string }; body?: string };

/** A tar stream built from raw headers (nothing sanitised: this is how a hostile container would send it). */
export function craftTar(entries: CraftedEntry[]): Readable {
  const pack = tarStream.pack();
  for (const e of entries) pack.entry({ mtime: new Date(1_700_000_000_000), mode: 0o644, ...e.header }, e.body ?? '');
  pack.finalize();
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}

/** Every path under `dir`, relative, sorted (symlinks not followed). */
export function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
}
