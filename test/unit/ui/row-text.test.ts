import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForwardView, ImageView, LogSourceView, SyncView } from '../../../src/ui/store/engine-view.js';
import { describeContainer, describeDeployment, describeForward, describeImage, describeSync, displayPath, syncFiles } from '../../../src/ui/panes/row-text.js';
import { wrapText } from '../../../src/ui/text.js';

const forward: ForwardView = { id: 'f', bindAddress: '127.0.0.1', localPort: 55615, remotePort: 8080, pod: 'quickstart-666499cfb4-h8x2k', state: 'ready', connections: 0 };

describe('row wording', () => {
  it('counts a running build step up between step events', () => {
    const img: ImageView = { name: 'api', state: 'building', step: 4, total: 8, instruction: 'RUN make', elapsedMs: 1200, startedAt: 10_000, lastLines: [] };
    expect(describeImage(img, 10_500).text).toBe('step 4/8 1s RUN make');
    expect(describeImage(img, 17_900).text).toBe('step 4/8 7s RUN make');
    expect(describeImage(img).glyph).toBe('busy');
  });

  it('says "up to date" for a cache hit and shows push progress while pushing', () => {
    expect(describeImage({ name: 'a', state: 'skipped', reason: 'nothing changed since the last build', lastLines: [], push: { state: 'skipped', reason: 'the image is already in registry r', layers: {} } }).text).toBe('up to date');
    expect(describeImage({ name: 'a', state: 'skipped', reason: 'build.disabled is set', lastLines: [] }).text).toBe('skipped (build.disabled is set)');
    const pushing: ImageView = { name: 'a', state: 'built', elapsedMs: 2100, lastLines: [], push: { state: 'pushing', layers: { l1: { status: 'Pushed', current: 5, total: 5 }, l2: { status: 'Pushing', current: 500_000, total: 1_000_000 } } } };
    expect(describeImage(pushing).text).toBe('pushing 1/2 layers 500.0 kB/1.0 MB · built 2.1s');
  });

  it('shows how long a rollout has been waiting', () => {
    const text = describeDeployment({ name: 'api', state: 'applied', objects: 2, ready: 0, desired: 1, pods: [], startedAt: 1000 }, 4500).text;
    expect(text).toBe('applied 2 objects · 0/1 ready · 3s');
  });

  it('describes a container: running, failing with its last exit, or running again after failures', () => {
    const src: LogSourceView = { key: 'k', label: 'l', ref: { namespace: 'n', pod: 'p', container: 'c' }, state: 'streaming' };
    expect(describeContainer(src, 'api-xk2p2')).toEqual({ glyph: 'ok', name: '└ api-xk2p2', text: 'running' });
    expect(describeContainer({ ...src, state: 'waiting', reason: 'CrashLoopBackOff', lastFailure: 'exited with 3 (Error)', restarts: 2 }, 'x')).toEqual({
      glyph: 'fail',
      name: '└ x',
      text: 'CrashLoopBackOff (last: exited with 3 (Error))',
    });
    expect(describeContainer({ ...src, restarts: 2, lastFailure: 'exited with 3 (Error)' }, 'x').text).toBe('running · failed 2× (last: exited with 3 (Error))');
    expect(describeContainer({ ...src, state: 'waiting', reason: 'ContainerCreating' }, 'x')).toMatchObject({ glyph: 'busy', text: 'waiting: ContainerCreating' });
  });

  it('cuts the pod name of a forward, never its ports', () => {
    expect(describeForward(forward).name).toBe('55615 → quickstart-h8x2k:8080');
    expect(describeForward(forward, 24).name).toBe('55615 → quickstart…:8080');
    expect([...describeForward(forward, 24).name]).toHaveLength(24);
    expect(describeForward({ ...forward, pod: undefined, state: 'reconnecting' })).toMatchObject({ glyph: 'warn', name: '55615 → …:8080' });
  });

  it('writes sync paths relative to where devspace runs, with the last batch and its files', () => {
    const root = path.resolve('/work/app');
    expect(displayPath(path.join(root, 'public'), root)).toBe('./public');
    expect(displayPath('/elsewhere/x', root)).toBe('/elsewhere/x');
    expect(displayPath('./src', root)).toBe('./src');
    const s: SyncView = {
      id: 's',
      localPath: path.join(root, 'public'),
      containerPath: '/app/public',
      state: 'watching',
      totals: { up: 3, down: 0, batches: 2 },
      refused: 0,
      lastBatch: { direction: 'up', files: ['index.html', 'app.css'], count: 2, bytes: 2048, ms: 12 },
    };
    expect(describeSync(s, root)).toEqual({ glyph: 'ok', name: './public → /app/public', text: 'watching · ↑2 files 2.0 kB 12ms' });
    expect(syncFiles(s)).toBe('↑ index.html, app.css · total ↑3 ↓0');
    expect(syncFiles({ ...s, lastBatch: undefined, initial: { uploaded: 4, downloaded: 1, conflicts: 0, ms: 300 } })).toBe('initial sync: ↑4 ↓1 in 300ms');
  });
});

describe('wrapText', () => {
  it('wraps at words, keeps the first line indent and indents the rest', () => {
    expect(wrapText('    → fix the cause and redeploy', 16, '      ')).toEqual(['    → fix the', '      cause and', '      redeploy']);
    expect(wrapText('short', 20)).toEqual(['short']);
    expect(wrapText('', 20)).toEqual(['']);
  });

  it('cuts a word longer than a line', () => {
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
