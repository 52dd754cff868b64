import { describe, expect, it } from 'vitest';
import { logTargets } from '../../../src/engine/logs/stage.js';
import { makePrefixer } from '../../../src/cli/commands/logs.js';

describe('logTargets', () => {
  it('follows the terminal, every selector and every ports/sync entry once', () => {
    const specs = logTargets(
      {
        dev: {
          selectors: [
            { name: 'api', labelSelector: { app: 'api' } },
            { name: 'db', labelSelector: { app: 'db' }, namespace: 'data' },
          ],
          terminal: { selector: 'api' },
          ports: [{ selector: 'api', forward: [{ port: 80 }] }, { labelSelector: { app: 'web' }, forward: [{ port: 81 }] }],
          sync: [{ selector: 'api', containerName: 'main' }],
        },
      },
      'dev',
    );
    expect(specs).toEqual([
      { namespace: 'dev', labelSelector: { app: 'api' } },
      { namespace: 'data', labelSelector: { app: 'db' } },
      { namespace: 'dev', labelSelector: { app: 'web' } },
      { namespace: 'dev', labelSelector: { app: 'api' }, container: 'main' },
    ]);
  });

  it('falls back to every pod of the namespace when nothing selects pods', () => {
    expect(logTargets({}, 'dev')).toEqual([{ namespace: 'dev' }]);
  });
});

describe('makePrefixer (devspace logs)', () => {
  const ref = (pod: string) => ({ namespace: 'n', pod, container: 'app' });

  it('prefixes kubectl-style and colours each container differently on a terminal', () => {
    const p = makePrefixer({ stdout: { isTTY: true } as NodeJS.WriteStream, env: {} });
    const one = p(ref('a'));
    const two = p(ref('b'));
    expect(one).toBe('\u001b[36m[pod/a/app]\u001b[0m ');
    expect(two).toBe('\u001b[35m[pod/b/app]\u001b[0m ');
    expect(p(ref('a'))).toBe(one);
  });

  it('prints no colour with NO_COLOR or when not a terminal', () => {
    expect(makePrefixer({ stdout: { isTTY: true } as NodeJS.WriteStream, env: { NO_COLOR: '1' } })(ref('a'))).toBe('[pod/a/app] ');
    expect(makePrefixer({ stdout: { isTTY: false } as NodeJS.WriteStream, env: {} })(ref('a'))).toBe('[pod/a/app] ');
  });
});
