import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { DevEngineEmitter } from '../../../src/engine/events.js';
import { runHooks } from '../../../src/engine/hooks.js';

// `hooks`: local commands around building images and deploying, run for real (sh).

let root: string;
beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'devspace-hooks-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const log = (text: string) => ({ command: 'sh', args: ['-c', `echo ${text} >> hooks.log; echo ran ${text}`] });
const hooks: DevspaceConfig['hooks'] = [
  { ...log('before-images'), when: { before: { images: 'all' } } },
  { ...log('before-all'), when: { before: { deployments: 'all' } } },
  { ...log('before-api'), when: { before: { deployments: 'api' } } },
  { ...log('after-api'), when: { after: { deployments: 'api' } } },
  { ...log('after-images-named'), when: { after: { images: 'api' } } }, // image hooks fire only for `all`
];

function capture() {
  const events = new DevEngineEmitter();
  const infos: string[] = [];
  events.on('engine:info', (i) => infos.push(`${i.scope}: ${i.message}`));
  return { events, infos };
}

describe('runHooks', () => {
  it('runs only the hooks of the moment, in order, in the project root, with their output as events', async () => {
    const { events, infos } = capture();
    await runHooks(hooks, { when: 'before', stage: 'images' }, { root, events });
    await runHooks(hooks, { when: 'after', stage: 'images' }, { root, events });
    await runHooks(hooks, { when: 'before', stage: 'deployments' }, { root, events });
    await runHooks(hooks, { when: 'before', stage: 'deployments', deployment: 'api' }, { root, events });
    await runHooks(hooks, { when: 'before', stage: 'deployments', deployment: 'web' }, { root, events });
    await runHooks(hooks, { when: 'after', stage: 'deployments', deployment: 'api' }, { root, events });
    expect(readFileSync(path.join(root, 'hooks.log'), 'utf8')).toBe('before-images\nbefore-all\nbefore-api\nafter-api\n');
    expect(infos.slice(0, 2)).toEqual(['hook: before building images: sh -c echo before-images >> hooks.log; echo ran before-images', 'hook: ran before-images']);
    expect(infos).toContain('hook: before deploying api: sh -c echo before-api >> hooks.log; echo ran before-api');
  });

  it('stops with one line naming the hook, the moment and its last error line', async () => {
    const failing: DevspaceConfig['hooks'] = [{ command: 'sh', args: ['-c', 'echo migrating; echo "no database" >&2; exit 3'], when: { after: { deployments: 'all' } } }];
    await expect(runHooks(failing, { when: 'after', stage: 'deployments' }, { root, events: capture().events })).rejects.toMatchObject({
      exitCode: 1,
      message: 'hooks[0] (after deploying): `sh -c echo migrating; echo "no database" >&2; exit 3` exited with code 3: no database',
    });
    const missing: DevspaceConfig['hooks'] = [{ command: 'no-such-tool', when: { before: { images: 'all' } } }];
    await expect(runHooks(missing, { when: 'before', stage: 'images' }, { root, events: capture().events })).rejects.toMatchObject({
      exitCode: 1,
      message: 'hooks[0] (before building images): cannot run `no-such-tool`: no-such-tool was not found',
    });
  });
});
