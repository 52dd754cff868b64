import type { EngineEvent } from '../../engine/events.js';
import { sanitizeLine } from '../text.js';
import { IMAGE_TAIL, type ImageView, type PushView, upsert } from './engine-view.js';

type BuildEvent = Extract<EngineEvent, { type: `build:${string}` | `push:${string}` }>;

/** Apply one build or push event to the image rows. */
export function reduceImages(images: readonly ImageView[], event: BuildEvent, now = 0): readonly ImageView[] {
  const p = event.payload;
  const update = (fn: (img: ImageView) => ImageView) =>
    upsert(images, (i) => i.name === p.image, (i) => fn(i ?? { name: p.image, state: 'building', lastLines: [] }));
  switch (event.type) {
    case 'build:start':
      return update(() => ({ name: p.image, ref: event.payload.ref, state: 'building', elapsedMs: 0, startedAt: now, lastLines: [] }));
    case 'build:skipped':
      return update((i) => ({ ...i, ref: event.payload.ref, state: 'skipped', reason: event.payload.reason, error: undefined }));
    case 'build:step': {
      const { step, total, instruction, elapsedMs } = event.payload;
      return update((i) => ({ ...i, state: 'building', step, total, instruction, elapsedMs }));
    }
    case 'build:log':
      return update((i) => ({ ...i, lastLines: tail(i.lastLines, event.payload.lines) }));
    case 'build:done':
      return update((i) => ({ ...i, ref: event.payload.ref, state: 'built', elapsedMs: event.payload.ms, error: undefined }));
    case 'build:failed': {
      const f = event.payload;
      return update((i) => ({
        ...i,
        state: 'failed',
        error: f.message,
        step: f.step ?? i.step,
        instruction: f.instruction ?? i.instruction,
        lastLines: f.output.length > 0 ? tail([], f.output) : i.lastLines,
      }));
    }
    case 'push:start':
      return update((i) => ({ ...i, push: { state: 'pushing', registry: event.payload.registry, layers: {} } }));
    case 'push:progress': {
      const { layer, status, current, total } = event.payload;
      return update((i) => {
        const push: PushView = i.push ?? { state: 'pushing', layers: {} };
        return { ...i, push: { ...push, layers: { ...push.layers, [layer]: { status, current, total } } } };
      });
    }
    case 'push:done':
      return update((i) => ({ ...i, push: { ...(i.push ?? { layers: {} }), state: 'pushed', ms: event.payload.ms } }));
    case 'push:skipped':
      return update((i) => ({ ...i, push: { layers: {}, state: 'skipped', reason: event.payload.reason } }));
    case 'push:failed':
      return update((i) => ({
        ...i,
        push: { ...(i.push ?? { layers: {} }), state: 'failed', registry: event.payload.registry, error: event.payload.message },
      }));
  }
}

// Docker's bookkeeping lines, which say nothing about why a step failed.
const NOISE = /^\s*(---> |Removing intermediate container |Successfully (built|tagged) )/;

function tail(prev: readonly string[], lines: readonly string[]): string[] {
  const clean = lines.map((l) => sanitizeLine(l, 500)).filter((l) => l.trim() !== '' && !NOISE.test(l));
  return [...prev, ...clean].slice(-IMAGE_TAIL);
}

/** Layer statuses Docker prints once a layer needs no more work. */
const LAYER_DONE = /^(pushed|layer already exists|mounted from|already exists)/i;

/** Push progress per image: how many layers are done and how many bytes have moved. */
export function pushSummary(push: PushView): { layers: number; done: number; current: number; total: number } {
  let done = 0;
  let current = 0;
  let total = 0;
  const layers = Object.values(push.layers);
  for (const l of layers) {
    if (LAYER_DONE.test(l.status)) done++;
    current += l.current ?? (LAYER_DONE.test(l.status) ? (l.total ?? 0) : 0);
    total += l.total ?? 0;
  }
  return { layers: layers.length, done, current, total };
}
