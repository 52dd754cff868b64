import { describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { KubeTarget } from '../../../src/engine/kube/context.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import { createEngine } from '../../../src/engine/pipeline/engine.js';
import type { Stage } from '../../../src/engine/stage.js';

// A failed start keeps the engine usable: `rerun` runs the whole start again
// (the dashboard's rebuild key), while a running engine keeps the old rerun.

const kube = { context: 'kind-devspace', namespace: 'default' } as KubeTarget;
const config = {} as DevspaceConfig;

/** Stages that log what they do; `build` fails while `broken.value` is true; `ports` leaves something running. */
function fakeStages(broken: { value: boolean }) {
  const log: string[] = [];
  const plain = (name: string): Stage<EngineContext> => ({
    name,
    run: async (ctx) => {
      log.push(`${name}${ctx.options.forceBuild ? '!' : ''}`);
      if (name === 'build' && broken.value) throw new Error('RUN false: exit code 1');
    },
  });
  const ports: Stage<EngineContext> = {
    name: 'ports',
    run: async (_ctx, signal) => {
      log.push('ports');
      return { stop: async () => void log.push(`ports stopped${signal.aborted ? '' : ' (not aborted)'}`) };
    },
  };
  return { log, stages: [plain('build'), plain('push'), plain('deploy'), ports, plain('logs')] };
}

function collect(engine: { events: { subscribe(f: (e: EngineEvent) => void): unknown } }) {
  const seen: EngineEvent[] = [];
  engine.events.subscribe((e) => seen.push(e));
  return seen;
}

describe('engine restart after a failed start', () => {
  it('runs the whole start again on rerun and ends up running, tearing down once at the end', async () => {
    const broken = { value: true };
    const { log, stages } = fakeStages(broken);
    const engine = createEngine({ root: '/p', config, kube, stages });
    const seen = collect(engine);
    const ctl = new AbortController();

    await expect(engine.start(ctl.signal)).rejects.toThrow('RUN false: exit code 1');
    expect(engine.state).toBe('failed');
    expect(log).toEqual(['build']);
    expect(seen.filter((e) => e.type === 'engine:error').map((e) => e.payload)).toEqual([{ scope: 'build', message: 'RUN false: exit code 1' }]);

    broken.value = false;
    await engine.rerun({ build: true });
    expect(engine.state).toBe('running');
    expect(log).toEqual(['build', 'build!', 'push!', 'deploy!', 'ports', 'logs!']);
    expect(seen.filter((e) => e.type === 'engine:phase').at(-1)?.payload.phase).toBe('dev');

    // The start's signal still stops the restarted pipeline, as it would the first one.
    ctl.abort();
    await engine.stop();
    expect(engine.state).toBe('stopped');
    expect(log.filter((l) => l.startsWith('ports stopped'))).toEqual(['ports stopped']);
  });

  it('stays failed and reports again when the retry fails too, then succeeds on the next', async () => {
    const broken = { value: true };
    const { log, stages } = fakeStages(broken);
    const engine = createEngine({ root: '/p', config, kube, stages });
    const seen = collect(engine);
    await expect(engine.start(new AbortController().signal)).rejects.toThrow();

    await engine.rerun({ deploy: true });
    expect(engine.state).toBe('failed');
    expect(seen.filter((e) => e.type === 'engine:error')).toHaveLength(2);

    broken.value = false;
    await engine.rerun({ deploy: true });
    expect(engine.state).toBe('running');
    // A redeploy does not force the build; the build runs anyway because the image never got built.
    expect(log).toEqual(['build', 'build', 'build', 'push', 'deploy', 'ports', 'logs']);
    await engine.stop();
  });

  it('waits for a start in flight before deciding between a restart and a rerun', async () => {
    const broken = { value: true };
    const { log, stages } = fakeStages(broken);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = stages.map((s) => (s.name === 'build' ? { ...s, run: async (ctx: EngineContext, signal: AbortSignal) => (await gate, s.run(ctx, signal)) } : s));
    const engine = createEngine({ root: '/p', config, kube, stages: slow });
    const started = engine.start(new AbortController().signal).catch((e: unknown) => e);
    // Pressed while the first build runs: queued, not a second build beside it.
    const retried = engine.rerun({ build: true });
    await Promise.resolve();
    expect(log).toEqual([]);
    broken.value = false;
    release();
    await started;
    await retried;
    expect(engine.state).toBe('running');
    // Start succeeded, so the queued request is a plain rerun of build, push and deploy.
    expect(log).toEqual(['build', 'push', 'deploy', 'ports', 'logs', 'build!', 'push!', 'deploy!']);
    await engine.stop();
  });

  it('does not restart once the engine is stopped or the start signal aborted', async () => {
    const broken = { value: true };
    const { log, stages } = fakeStages(broken);
    const engine = createEngine({ root: '/p', config, kube, stages });
    const ctl = new AbortController();
    await expect(engine.start(ctl.signal)).rejects.toThrow();
    broken.value = false;
    ctl.abort();
    await engine.rerun({ build: true });
    expect(log).toEqual(['build']);
    await engine.stop();
    await engine.rerun({ build: true });
    expect(log).toEqual(['build']);
    expect(engine.state).toBe('failed');
  });

  it('keeps the running rerun: build, push and deploy only, services left running, failures as events', async () => {
    const broken = { value: false };
    const { log, stages } = fakeStages(broken);
    const engine = createEngine({ root: '/p', config, kube, stages });
    const seen = collect(engine);
    await engine.start(new AbortController().signal);
    broken.value = true;
    await engine.rerun({ build: true });
    expect(engine.state).toBe('running');
    expect(log).toEqual(['build', 'push', 'deploy', 'ports', 'logs', 'build!']);
    expect(seen.filter((e) => e.type === 'engine:error').map((e) => e.payload)).toEqual([{ scope: 'build', message: 'RUN false: exit code 1' }]);
    await engine.stop();
    expect(log.at(-1)).toBe('ports stopped');
  });
});
