import { describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { UserError } from '../../../src/engine/errors.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { KubeTarget } from '../../../src/engine/kube/context.js';
import { buildDevStages, planDevStages } from '../../../src/engine/pipeline/dev-stages.js';
import { createEngine } from '../../../src/engine/pipeline/engine.js';

const kube = { context: 'kind-devspace', namespace: 'default' } as KubeTarget;
const config = (c: object): DevspaceConfig => c as DevspaceConfig;

describe('planDevStages', () => {
  it('follows the v3.5 order and skips what the config does not use', () => {
    const full = {
      images: { default: {} },
      deployments: [{ name: 'api' }],
      dev: { ports: [{}], sync: [{}], autoReload: { paths: ['x'] } },
    };
    expect(planDevStages(full)).toEqual(['build', 'push', 'deploy', 'ports', 'sync', 'terminal']);
    expect(planDevStages(full, { skipPush: true })).not.toContain('push');
    expect(planDevStages({ dev: { terminal: { disabled: true } } })).toEqual(['logs']);
  });
});

describe('createEngine', () => {
  it('fails honestly at the first stage that is not implemented', async () => {
    const engine = createEngine({ root: '/p', config: config({ images: { default: {} } }), kube });
    const seen: EngineEvent[] = [];
    engine.events.subscribe((e) => seen.push(e));
    const err = await engine.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('not supported yet: building images (coming with the workflow engine)');
    expect(seen.find((e) => e.type === 'engine:error')?.payload).toMatchObject({ scope: 'build' });
    expect(engine.state).toBe('failed');
  });

  it('runs plugged-in implementations with the engine context', async () => {
    const got: string[] = [];
    const stages = buildDevStages({ dev: { terminal: { disabled: true } } }, {}, {
      logs: { name: 'logs', run: async (ctx) => void got.push(`${ctx.kube.context}/${ctx.root}`) },
    });
    const engine = createEngine({ root: '/p', config: config({}), kube, stages });
    const ctl = new AbortController();
    await engine.start(ctl.signal);
    expect(got).toEqual(['kind-devspace//p']);
    expect(engine.state).toBe('running');
    ctl.abort();
    await engine.stop();
    expect(engine.state).toBe('stopped');
  });
});
