import { EventEmitter } from 'node:events';
import { scrubPayload } from './secrets.js';

/**
 * The one contract between the engine and anything that shows its progress
 * (the Ink dashboard, the plain line reporter, tests, scripts). Payloads are
 * plain serialisable data: no streams, class instances or Error objects.
 */

/** The stages of `devspace dev`, in the order they run. */
export type Phase = 'config' | 'build' | 'push' | 'deploy' | 'dev' | 'stopping' | 'stopped';

/** A problem reduced to what a person needs: what happened and what to try. */
export interface Problem {
  /** Which part of the engine reports it, e.g. `build:api` or `portforward:0`. */
  scope: string;
  /** One line, no stack trace. */
  message: string;
  /** What the user can do about it, when we know. */
  hint?: string;
}

/** A pod and container that logs, terminals and sync refer to. */
export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface LogLine {
  /** Milliseconds since the epoch when devspace received the line. */
  ts: number;
  text: string;
  stream: 'stdout' | 'stderr';
}

export type ForwardState = 'starting' | 'ready' | 'reconnecting' | 'failed' | 'stopped';
export type SyncState = 'initial' | 'watching' | 'reconnecting' | 'error' | 'stopped';

/** One Kubernetes object touched by a deployment. */
export interface AppliedObject {
  kind: string;
  name: string;
  namespace?: string;
  action: 'created' | 'configured' | 'unchanged' | 'deleted';
}

/** The state of one pod during a rollout, as `kubectl get pods` would summarise it. */
export interface PodSummary {
  name: string;
  /** kubectl-style status: Running, Pending, CrashLoopBackOff, ImagePullBackOff, ... */
  status: string;
  ready: boolean;
  restarts: number;
  /** Why it is not ready, when the API says. */
  reason?: string;
}

/** One thing `analyze` found wrong, with a plain-language explanation. */
export interface Finding {
  severity: 'error' | 'warning';
  /** Short machine-stable kind, e.g. `crash-loop`, `image-pull`, `unschedulable`, `event`. */
  kind: string;
  /** The object it is about, e.g. `pod/api-6d4f-xz` or `pod/api-6d4f-xz/container-0`. */
  object: string;
  message: string;
  hint?: string;
  /** The last log lines of a failed container, when relevant. */
  logTail?: string[];
}

/** Every event the engine emits, mapped to its payload. */
export interface EngineEvents {
  'engine:phase': [{ phase: Phase; at: number }];
  'engine:info': [{ scope: string; message: string }];
  'engine:warning': [Problem];
  'engine:error': [Problem];
  /**
   * `dev.autoReload` saw `changed` and is tearing the run down to start a new
   * one from a fresh config: what the old run reported (images, deployments,
   * forwards, syncs, problems) no longer holds. Logs stay.
   */
  'engine:reload': [{ changed: string[] }];

  'build:start': [{ image: string; ref: string; dockerfile: string; context: string }];
  /** The inputs hash matched the cache, so no build ran. */
  'build:skipped': [{ image: string; ref: string; reason: string }];
  'build:step': [{ image: string; step: number; total: number; instruction: string; elapsedMs: number }];
  /** Build output, already split into whole lines and batched. */
  'build:log': [{ image: string; lines: string[] }];
  'build:done': [{ image: string; ref: string; imageId?: string; ms: number }];
  'build:failed': [{ image: string; step?: number; instruction?: string; message: string; output: string[] }];

  'push:start': [{ image: string; ref: string; registry: string }];
  'push:progress': [{ image: string; layer: string; status: string; current?: number; total?: number }];
  'push:done': [{ image: string; ref: string; digest?: string; ms: number }];
  'push:skipped': [{ image: string; ref: string; reason: string }];
  'push:failed': [{ image: string; registry: string; message: string }];

  'deploy:start': [{ deployment: string; type: 'kubectl' | 'helm' | 'component'; namespace: string }];
  'deploy:skipped': [{ deployment: string; reason: string }];
  'deploy:applied': [{ deployment: string; objects: AppliedObject[] }];
  'deploy:rollout': [{ deployment: string; workload: string; ready: number; desired: number; pods: PodSummary[] }];
  'deploy:done': [{ deployment: string; ms: number }];
  'deploy:failed': [{ deployment: string; message: string; hint?: string }];
  'purge:done': [{ deployment: string; objects: AppliedObject[] }];

  'portforward:state': [
    {
      id: string;
      bindAddress: string;
      localPort: number;
      remotePort: number;
      pod?: string;
      state: ForwardState;
      error?: string;
      connections: number;
    },
  ];

  'sync:state': [{ id: string; localPath: string; containerPath: string; pod?: string; state: SyncState; error?: string }];
  /** One batch of files moved in one direction. */
  'sync:batch': [{ id: string; direction: 'up' | 'down'; changed: string[]; deleted: string[]; bytes: number; ms: number }];
  'sync:initial-done': [{ id: string; uploaded: number; downloaded: number; conflicts: number; ms: number }];
  /** A file sync refused to write, e.g. a tar entry escaping the sync root. */
  'sync:refused': [{ id: string; path: string; reason: string }];

  'terminal:state': [{ target: ContainerRef; state: 'opening' | 'open' | 'closed'; exitCode?: number }];

  /** Container log lines, batched per source. */
  'logs:lines': [{ source: ContainerRef; lines: LogLine[] }];
  'logs:state': [{ source: ContainerRef; state: 'streaming' | 'waiting' | 'ended'; reason?: string }];

  'analyze:report': [{ namespace: string; findings: Finding[] }];
}

export type EngineEventName = keyof EngineEvents;

/** One event as a discriminated union member, for stores and reporters that handle them all. */
export type EngineEvent = {
  [K in EngineEventName]: { type: K; payload: EngineEvents[K][0] };
}[EngineEventName];

/** The most events kept for a subscriber that has not attached yet. */
export const BACKLOG_LIMIT = 10_000;

/**
 * A typed emitter that never loses early events: until the first `subscribe`
 * call, events are kept in a capped backlog and replayed to that subscriber.
 */
export class DevEngineEmitter extends EventEmitter<EngineEvents> {
  private backlog: EngineEvent[] = [];
  private dropped = 0;
  private readonly subscribers = new Set<(event: EngineEvent) => void>();
  private attached = false;

  /**
   * Emit one event to typed listeners and to union subscribers (or the
   * backlog). Credentials this process read never leave in a payload: the
   * secrets net replaces them, whoever put them there (an echoing registry,
   * a library's error text).
   */
  send<K extends EngineEventName>(type: K, sent: EngineEvents[K][0]): void {
    const payload = scrubPayload(sent);
    (this.emit as (name: K, p: EngineEvents[K][0]) => boolean)(type, payload);
    const event = { type, payload } as EngineEvent;
    if (!this.attached) {
      if (this.backlog.length >= BACKLOG_LIMIT) {
        this.backlog.shift();
        this.dropped++;
      }
      this.backlog.push(event);
      return;
    }
    for (const fn of this.subscribers) fn(event);
  }

  /** Receive every event as a union; the first subscriber also receives the backlog. */
  subscribe(fn: (event: EngineEvent) => void): () => void {
    this.subscribers.add(fn);
    if (!this.attached) {
      this.attached = true;
      const pending = this.backlog;
      this.backlog = [];
      for (const event of pending) fn(event);
    }
    return () => {
      this.subscribers.delete(fn);
    };
  }

  /** How many backlog events were dropped because nobody subscribed in time. */
  get droppedBeforeSubscribe(): number {
    return this.dropped;
  }
}
