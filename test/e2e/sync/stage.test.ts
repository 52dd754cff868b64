import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/types.js';
import type { ContainerRef } from '../../../src/engine/events.js';
import type { KubeTarget } from '../../../src/engine/kube/context.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { createSyncStage } from '../../../src/engine/sync/index.js';
import { tempNamespace, testKubeConfig } from '../support/testbed.js';
import { createSleeper, recorder, runningPod, sh, tempDir, waitFor } from './support.js';

// The `sync` stage of `devspace dev`: dev.sync entries from the config, waitInitialSync honoured.

const kc = testKubeConfig();
let ns: { name: string; dispose(): Promise<void> };
let ref: ContainerRef;
let root: string;

function context(config: DevspaceConfig, events: EngineContext['events']): EngineContext {
  const kube = { kubeConfig: kc, namespace: ns.name, context: 'test', contextSource: 'flag', namespaceSource: 'flag', files: [] } as unknown as KubeTarget;
  return { events, root, config, kube, options: {} };
}

beforeAll(async () => {
  ns = await tempNamespace(kc, 'sync-stage');
  await createSleeper(kc, ns.name, 'stage');
  ref = await runningPod(kc, ns.name, 'stage');
  root = tempDir();
  fs.mkdirSync(path.join(root, 'waited'));
  fs.writeFileSync(path.join(root, 'waited/a.txt'), 'waited for\n');
  fs.mkdirSync(path.join(root, 'background'));
  fs.writeFileSync(path.join(root, 'background/b.txt'), 'in the background\n');
});

afterAll(async () => {
  await ns?.dispose();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('the dev sync stage', () => {
  it('waits for the initial sync of entries that ask for it, and only those', async () => {
    const config: DevspaceConfig = {
      dev: {
        selectors: [{ name: 'stage', labelSelector: { app: 'stage' } }],
        sync: [
          { selector: 'stage', localSubPath: './background', containerPath: '/app/background' },
          { selector: 'stage', localSubPath: './waited', containerPath: '/app/waited', waitInitialSync: true },
        ],
      },
    };
    const rec = recorder();
    const controller = new AbortController();
    const stage = createSyncStage();
    const result = await stage.run(context(config, rec.events), controller.signal);
    try {
      // Resolved only after entry 1's initial sync: its file is already in the container.
      const done = rec.of('sync:initial-done').map((d) => d.id);
      expect(done).toContain('sync:1');
      expect((await sh(kc, ref, 'cat /app/waited/a.txt')).out).toBe('waited for\n');
      // Entry 0 keeps going in the background and gets there too.
      await waitFor(async () => (await sh(kc, ref, 'cat /app/background/b.txt')).out === 'in the background\n', 30_000, 'background entry');
      expect(rec.of('sync:state').filter((s) => s.state === 'watching').map((s) => s.id).sort()).toEqual(['sync:0', 'sync:1']);
    } finally {
      await result?.stop?.();
      controller.abort();
    }
    expect(rec.of('sync:state').filter((s) => s.state === 'stopped').map((s) => s.id).sort()).toEqual(['sync:0', 'sync:1']);
  });

  it('resolves right after starting when no entry waits', async () => {
    const config: DevspaceConfig = { dev: { sync: [{ labelSelector: { app: 'stage' }, localSubPath: './background', containerPath: '/app/bg2' }] } };
    const rec = recorder();
    const result = await createSyncStage().run(context(config, rec.events), new AbortController().signal);
    try {
      expect(rec.of('sync:initial-done')).toEqual([]);
      await waitFor(async () => rec.of('sync:initial-done').length === 1, 60_000, 'the initial sync');
      expect((await sh(kc, ref, 'cat /app/bg2/b.txt')).out).toBe('in the background\n');
    } finally {
      await result?.stop?.();
    }
  });

  it('fails the stage with the reason when an entry that is waited for cannot start', async () => {
    const config: DevspaceConfig = {
      dev: { sync: [{ labelSelector: { app: 'stage' }, containerName: 'no-such-container', containerPath: '/app', waitInitialSync: true }] },
    };
    const rec = recorder();
    const err = await createSyncStage()
      .run(context(config, rec.events), new AbortController().signal)
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/dev\.sync\[0\].*no container "no-such-container"/);
    expect(rec.of('sync:state').at(-1)).toMatchObject({ state: 'error' });
  });
});
