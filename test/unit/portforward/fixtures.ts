import type { V1Pod } from '@kubernetes/client-node';

/** A pod as the API would report it, with what selection looks at. */
export function pod(name: string, opts: { created?: number; running?: boolean; deleting?: boolean; waiting?: string; containers?: string[] } = {}): V1Pod {
  const containers = opts.containers ?? ['app'];
  const running = opts.running ?? true;
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: new Date(opts.created ?? 0) as unknown as Date,
      ...(opts.deleting ? { deletionTimestamp: new Date() as unknown as Date } : {}),
    },
    spec: { containers: containers.map((c) => ({ name: c })) },
    status: {
      phase: 'Running',
      containerStatuses: containers.map((c) => ({
        name: c,
        image: 'i',
        imageID: '',
        ready: running,
        restartCount: 0,
        state: running ? { running: {} } : { waiting: { reason: opts.waiting ?? 'CrashLoopBackOff' } },
      })),
    },
  };
}
