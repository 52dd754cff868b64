import fs from 'node:fs/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { isAbortError, UserError } from '../errors.js';
import type { ContainerRef, DevEngineEmitter, SyncState } from '../events.js';
import { apiErrorMessage, apiStatus } from '../kube/api-error.js';
import { selectContainer, sleep, type Picker, type TargetSpec } from '../kube/target.js';
import { createBatcher, SerialQueue } from './batcher.js';
import { matchersFor, reporters, type Connection, type SyncContext } from './context.js';
import { processRemoteReport } from './downstream.js';
import { initialSync } from './initial-sync.js';
import { listLocal, sameMeta, type ParsedListing } from './listing.js';
import { watchLocal, type LocalWatcher } from './local-watcher.js';
import { toLocal } from './paths.js';
import { watchPod } from './pod-watch.js';
import { FatalSyncError, RemoteWatcher, UpstreamServer } from './remote.js';
import { lstatMeta } from './safe-fs.js';
import type { SyncedState } from './state.js';
import type { InitialSyncSummary, SyncHandle, SyncSpec } from './types.js';
import { assertLocalRoot, localRootId, processLocalBatch } from './upstream.js';

/** Options for `startSync`. */
export interface StartSyncOptions {
  events: DevEngineEmitter;
  signal?: AbortSignal;
  /** Asks which pod or container when several match (first connection only; `devspace sync`). */
  pick?: Picker;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Start syncing one local folder with one container folder. Resolves once
 * the local side is watched; the connection, initial sync and every
 * reconnect happen in the background and are reported as `sync:*` events.
 * When the pod or container goes away, sync selects the target again (the
 * replacement pod), reconciles with the initial-sync rules and carries on;
 * local edits made meanwhile are picked up by that reconciliation.
 */
export async function startSync(kc: KubeConfig, spec: SyncSpec, opts: StartSyncOptions): Promise<SyncHandle> {
  const { events } = opts;
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) controller.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = controller.signal;

  const root = await prepareLocalRoot(spec.localPath);
  const rootId = await localRootId(root);
  const report = reporters(spec.id, events);
  const state: SyncedState = new Map();
  const queue = new SerialQueue();
  const match = matchersFor(spec);
  let conn: Connection | undefined;
  let dropConnection: ((err: Error) => void) | undefined;
  const pendingLocal = new Set<string>();
  let pod: string | undefined;

  const sendState = (s: SyncState, error?: string): void =>
    events.send('sync:state', { id: spec.id, localPath: spec.localPath, containerPath: spec.containerPath, ...(pod ? { pod } : {}), state: s, ...(error ? { error } : {}) });

  const batcher = createBatcher<string>({ quietMs: spec.debounceMs ?? 10, maxWaitMs: 300 }, (rels) => {
    const active = conn;
    if (!active) {
      for (const r of rels) pendingLocal.add(r);
      return;
    }
    queue.run(() => processLocalBatch(ctx, active, rels, rootId)).catch((err: Error) => {
      for (const r of rels) pendingLocal.add(r);
      dropConnection?.(err);
    });
  });
  const ctx: SyncContext = {
    spec,
    id: spec.id,
    root,
    events,
    state,
    match,
    signal,
    requeueLocal: (rel) => batcher.add(rel),
    refuse: report.refuse,
    warn: report.warn,
  };
  // The local watcher starts after the first initial sync (its own scan and the events for
  // thousands of downloaded files would slow that sync down); a rescan against the synced
  // state then catches whatever changed locally in between.
  let local: LocalWatcher | undefined;
  const startLocalWatcher = async (): Promise<void> => {
    local = await watchLocal(root, (rel, isDir) => match.up.excludes(rel, isDir), (rel) => batcher.add(rel), (err) =>
      report.warn(`watching ${spec.localPath} failed: ${err.message}`),
    );
    for (const rel of await changedSinceSync(root, state, (r, d) => match.up.excludes(r, d))) batcher.add(rel);
  };

  let resolveInitial!: (s: InitialSyncSummary) => void;
  let rejectInitial!: (e: Error) => void;
  const initial = new Promise<InitialSyncSummary>((res, rej) => ((resolveInitial = res), (rejectInitial = rej)));
  initial.catch(() => undefined); // callers that do not wait for it must not see an unhandled rejection

  /** One connection's life: select, connect, reconcile, then watch until something breaks. */
  let target: TargetSpec = spec.target;
  const connectOnce = async (first: boolean): Promise<Error> => {
    const ref = await selectContainer(kc, target, { signal, timeoutMs: first ? 120_000 : 30_000, ...(first && opts.pick ? { pick: opts.pick } : {}) });
    if (first && !target.pod && !target.labelSelector) target = await stableTarget(kc, ref);
    pod = ref.pod;
    sendState(first ? 'initial' : 'reconnecting');
    const server = await UpstreamServer.open(kc, ref, spec.containerPath, signal);
    const active: Connection = { target: { kc, ref, root: server.root }, server };
    const broken = new Promise<Error>((resolve) => (dropConnection = resolve));
    let watcher: RemoteWatcher | undefined;
    let podWatch: { close(): void } | undefined;
    try {
      // The watcher starts before the listing, so changes made during the initial sync are reported
      // after it; reports that arrive before it finished wait, since they are judged against its result.
      let early: ParsedListing[] | undefined = [];
      const apply = (r: ParsedListing): void => {
        queue.run(() => processRemoteReport(ctx, active, r)).catch((err: Error) => dropConnection?.(err));
      };
      watcher = await RemoteWatcher.open(active.target, spec.pollIntervalMs ?? 500, match.prune, (r) => (early ? early.push(r) : apply(r)), signal);
      podWatch = await watchPod(kc, ref, (reason) => dropConnection?.(new Error(reason)));
      await assertLocalRoot(root, rootId);
      const pendingDeletes = await takePendingDeletes(pendingLocal, root, state);
      const summary = await queue.run(() => initialSync(ctx, active, pendingDeletes));
      events.send('sync:initial-done', { id: spec.id, uploaded: summary.uploaded, downloaded: summary.downloaded, conflicts: summary.conflicts, ms: summary.ms });
      conn = active;
      for (const r of early) apply(r);
      early = undefined;
      // Local changes seen while the initial sync ran go out now.
      for (const rel of pendingLocal) batcher.add(rel);
      pendingLocal.clear();
      if (!local) await startLocalWatcher();
      resolveInitial(summary);
      sendState('watching');
      const ended = watcher.exit.then((e) =>
        e.fatal ? new FatalSyncError(e.fatal) : e.gone ? new FatalSyncError(`the container folder ${server.root} was deleted or replaced; sync stopped and the local files were kept`) : new Error('the change watcher in the container stopped'),
      );
      const serverEnded = server.exit.then(() => new Error('the connection to the container was lost'));
      return await Promise.race([broken, ended, serverEnded]);
    } finally {
      conn = undefined;
      dropConnection = undefined;
      podWatch?.close();
      watcher?.close();
      server.close();
      report.reset();
      // Jobs fail fast once the sessions are closed; the bound only guards against a stuck local write.
      await Promise.race([queue.idle(), new Promise((r) => setTimeout(r, 3000).unref())]);
    }
  };

  const loop = async (): Promise<{ error?: string }> => {
    let attempt = 0;
    let connected = false;
    sendState('initial');
    while (!signal.aborted) {
      let err: Error;
      try {
        err = await connectOnce(!connected);
        connected = true;
        attempt = 0;
      } catch (e) {
        err = e as Error;
      }
      if (signal.aborted || isAbortError(err)) break;
      // Refused credentials or rights before the first sync will not fix themselves: say so and stop.
      const status = apiStatus(err);
      const refused = !connected && (status === 401 || status === 403);
      if (refused) err = new UserError(`the API server refused sync (${status}): ${apiErrorMessage(err)}`, 1, 'check the kube context\'s credentials and its rights to list pods and exec into them');
      const fatal = err instanceof FatalSyncError || (!connected && err instanceof UserError);
      if (fatal) {
        sendState('error', err.message);
        rejectInitial(err);
        return { error: err.message };
      }
      sendState('reconnecting', status !== undefined ? apiErrorMessage(err) : err.message);
      await sleep(BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]!, signal).catch(() => undefined);
    }
    rejectInitial(new Error('sync stopped before the initial sync finished'));
    return {};
  };

  const done = loop().then(async (result) => {
    batcher.close();
    await local?.close();
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (!result.error) sendState('stopped');
    return result;
  });

  return {
    id: spec.id,
    initialSync: initial,
    done,
    async stop() {
      controller.abort(new DOMException('sync stopped', 'AbortError'));
      await done;
    },
  };
}

// Labels that differ between a pod and its replacement.
const VOLATILE_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'pod-template-generation']);

/**
 * A pod chosen without a selector (`devspace sync --pick` or the only pod)
 * is found again after a restart by its stable labels, or else by name.
 */
async function stableTarget(kc: KubeConfig, ref: ContainerRef): Promise<TargetSpec> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: ref.pod, namespace: ref.namespace }).catch(() => undefined);
  const labels = Object.fromEntries(Object.entries(pod?.metadata?.labels ?? {}).filter(([k]) => !VOLATILE_LABELS.has(k)));
  return Object.keys(labels).length
    ? { namespace: ref.namespace, labelSelector: labels, container: ref.container }
    : { namespace: ref.namespace, pod: ref.pod, container: ref.container };
}

/** The local folder, created when missing, with symlinks resolved so every later check compares real paths. */
async function prepareLocalRoot(localPath: string): Promise<string> {
  const st = await fs.stat(localPath).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`sync local path ${localPath} is a file, not a folder`, 2);
  if (!st) await fs.mkdir(localPath, { recursive: true });
  return fs.realpath(localPath);
}

/** Local paths that differ from the synced state (new, changed or gone). */
async function changedSinceSync(root: string, state: SyncedState, excluded: (rel: string, isDir: boolean) => boolean): Promise<string[]> {
  const now = await listLocal(root, excluded);
  const out: string[] = [];
  for (const [rel, meta] of now) {
    const known = state.get(rel);
    if (!known || known.type !== meta.type || !sameMeta(meta, known.local)) out.push(rel);
  }
  for (const rel of state.keys()) if (!now.has(rel) && !excluded(rel, state.get(rel)!.type === 'dir')) out.push(rel);
  return out;
}

/** Local deletes seen while disconnected: paths the watcher reported that are gone now and were synced. */
async function takePendingDeletes(pending: Set<string>, root: string, state: SyncedState): Promise<Set<string>> {
  const deletes = new Set<string>();
  for (const rel of pending) {
    if (state.has(rel) && !(await lstatMeta(toLocal(root, rel)).catch(() => undefined))) deletes.add(rel);
  }
  pending.clear();
  return deletes;
}

