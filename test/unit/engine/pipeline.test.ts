import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { createDevPipeline, runPipeline } from '../../../src/engine/pipeline/pipeline.js';
import type { Stage } from '../../../src/engine/stage.js';

type Log = string[];

/** A stage that records run/stop, optionally failing or hanging. */
function fake(name: string, log: Log, opts: { fail?: Error; hangRun?: boolean; hangStop?: boolean; noStop?: boolean } = {}): Stage<unknown> {
  return {
    name,
    async run(_ctx, signal) {
      log.push(`run ${name}`);
      if (opts.fail) throw opts.fail;
      if (opts.hangRun) {
        await new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => {
            log.push(`aborted ${name}`);
            reject(new DOMException('aborted', 'AbortError'));
          }),
        );
      }
      if (opts.noStop) return;
      return {
        stop: async () => {
          log.push(`stop ${name}`);
          if (opts.hangStop) await new Promise(() => {});
        },
      };
    },
  };
}

function record(events: DevEngineEmitter): EngineEvent[] {
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return seen;
}

const phases = (seen: EngineEvent[]): string[] =>
  seen.filter((e) => e.type === 'engine:phase').map((e) => (e.payload as { phase: string }).phase);

describe('createDevPipeline', () => {
  it('runs stages in order and tears them down in reverse', async () => {
    const log: Log = [];
    const events = new DevEngineEmitter();
    const seen = record(events);
    const p = createDevPipeline([fake('build', log), fake('deploy', log), fake('ports', log), fake('sync', log)], events);
    await p.start({});
    expect(p.state).toBe('running');
    expect(log).toEqual(['run build', 'run deploy', 'run ports', 'run sync']);
    await p.stop();
    await p.stop(); // idempotent
    expect(log.slice(4)).toEqual(['stop sync', 'stop ports', 'stop deploy', 'stop build']);
    expect(phases(seen)).toEqual(['build', 'deploy', 'dev', 'stopping', 'stopped']);
    expect(p.state).toBe('stopped');
  });

  it('abort mid-stage aborts the running stage and tears down started ones in reverse', async () => {
    const log: Log = [];
    const events = new DevEngineEmitter();
    const ctl = new AbortController();
    const p = createDevPipeline([fake('build', log), fake('deploy', log), fake('ports', log, { hangRun: true }), fake('sync', log)], events);
    const started = p.start({}, ctl.signal);
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    await expect(started).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['run build', 'run deploy', 'run ports', 'aborted ports', 'stop deploy', 'stop build']);
  });

  it('a failing stage emits one engine:error, stops the earlier stages and rejects with the error', async () => {
    const log: Log = [];
    const events = new DevEngineEmitter();
    const seen = record(events);
    const boom = new UserError('image build failed\nstep 3/7: RUN npm ci', 1, 'check the Dockerfile');
    const p = createDevPipeline([fake('a', log), fake('b', log), fake('c', log, { fail: boom }), fake('d', log)], events);
    await expect(p.start({})).rejects.toBe(boom);
    expect(log).toEqual(['run a', 'run b', 'run c', 'stop b', 'stop a']);
    const errors = seen.filter((e) => e.type === 'engine:error').map((e) => e.payload);
    expect(errors).toEqual([{ scope: 'c', message: 'image build failed (+1 more lines)', hint: 'check the Dockerfile' }]);
    expect(phases(seen).slice(-2)).toEqual(['stopping', 'stopped']);
    expect(p.state).toBe('failed');
  });

  it('bounds a hanging teardown and still stops the others', async () => {
    const log: Log = [];
    const events = new DevEngineEmitter();
    const seen = record(events);
    const p = createDevPipeline([fake('a', log), fake('b', log, { hangStop: true }), fake('c', log, { noStop: true })], events, {
      teardownTimeoutMs: 100,
      teardownBudgetMs: 1000,
    });
    await p.start({});
    const t0 = Date.now();
    await p.stop();
    expect(Date.now() - t0).toBeLessThan(800);
    expect(log.slice(3)).toEqual(['stop b', 'stop a']);
    const warnings = seen.filter((e) => e.type === 'engine:warning').map((e) => (e.payload as { message: string }).message);
    expect(warnings).toEqual(['stopping b did not finish within 100ms; moving on']);
  });

  it('a teardown that throws becomes a warning, not an exception', async () => {
    const events = new DevEngineEmitter();
    const seen = record(events);
    const bad: Stage<unknown> = { name: 'x', run: async () => ({ stop: () => Promise.reject(new Error('socket gone')) }) };
    const p = createDevPipeline([bad], events);
    await p.start({});
    await expect(p.stop()).resolves.toBeUndefined();
    expect(seen.some((e) => e.type === 'engine:warning' && e.payload.message === 'stopping x failed: socket gone')).toBe(true);
  });

  it('an already-aborted signal runs nothing', async () => {
    const log: Log = [];
    const ctl = new AbortController();
    ctl.abort();
    const p = createDevPipeline([fake('a', log)], new DevEngineEmitter());
    await expect(p.start({}, ctl.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual([]);
  });
});

describe('runPipeline', () => {
  it('keeps stages running until aborted, then tears down', async () => {
    const log: Log = [];
    const ctl = new AbortController();
    const done = runPipeline([fake('ports', log), fake('sync', log)], {}, { events: new DevEngineEmitter(), signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['run ports', 'run sync']);
    ctl.abort();
    await expect(done).resolves.toBe('aborted');
    expect(log).toEqual(['run ports', 'run sync', 'stop sync', 'stop ports']);
  });

  it('one-shot mode tears down right after the last stage', async () => {
    const log: Log = [];
    const outcome = await runPipeline([fake('build', log)], {}, {
      events: new DevEngineEmitter(),
      signal: new AbortController().signal,
      untilAborted: false,
    });
    expect(outcome).toBe('completed');
    expect(log).toEqual(['run build', 'stop build']);
  });
});
