import { describe, expect, it } from 'vitest';
import type { DevspaceConfig } from '../../../src/engine/config/types.js';
import { UserError } from '../../../src/engine/errors.js';
import { syncSpecFromConfig } from '../../../src/engine/sync/stage.js';

describe('dev.sync entries as sync specs', () => {
  it('resolves paths against the project root and applies the defaults', () => {
    const config: DevspaceConfig = { dev: { sync: [{ labelSelector: { app: 'api' }, excludePaths: ['node_modules/'] }] } };
    expect(syncSpecFromConfig(config.dev!.sync![0]!, 0, config, '/proj', 'dev-ns')).toEqual({
      id: 'sync:0',
      localPath: '/proj',
      containerPath: '.',
      target: { namespace: 'dev-ns', labelSelector: { app: 'api' } },
      excludePaths: ['node_modules/'],
    });
  });

  it('takes namespace, labels and container from a named selector (entry values win)', () => {
    const config: DevspaceConfig = {
      dev: {
        selectors: [
          { name: 'api', namespace: 'team', labelSelector: { app: 'api' }, containerName: 'main' },
          { name: 'web', labelSelector: { app: 'web' } },
        ],
        sync: [{ selector: 'api', localSubPath: './src', containerPath: '/app/src', namespace: 'other', uploadExcludePaths: ['*.log'] }],
      },
    };
    expect(syncSpecFromConfig(config.dev!.sync![0]!, 0, config, '/proj', 'dev-ns')).toEqual({
      id: 'sync:0',
      localPath: '/proj/src',
      containerPath: '/app/src',
      target: { namespace: 'other', labelSelector: { app: 'api' }, container: 'main' },
      uploadExcludePaths: ['*.log'],
    });
  });

  it('falls back to the only selector, as v3.5 does', () => {
    const config: DevspaceConfig = { dev: { selectors: [{ name: 'only', labelSelector: { app: 'x' } }], sync: [{}] } };
    expect(syncSpecFromConfig(config.dev!.sync![0]!, 0, config, '/p', 'ns').target).toEqual({ namespace: 'ns', labelSelector: { app: 'x' } });
  });

  it('fails with a usage error when no pod can be chosen or the selector is unknown', () => {
    const none: DevspaceConfig = { dev: { sync: [{}] } };
    expect(() => syncSpecFromConfig(none.dev!.sync![0]!, 0, none, '/p', 'ns')).toThrow(UserError);
    expect(() => syncSpecFromConfig(none.dev!.sync![0]!, 0, none, '/p', 'ns')).toThrow(/dev\.sync\[0\]/);
    const unknown: DevspaceConfig = { dev: { sync: [{ selector: 'nope' }] } };
    try {
      syncSpecFromConfig(unknown.dev!.sync![0]!, 0, unknown, '/p', 'ns');
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(/no dev.selectors entry named "nope"/);
    }
  });
});
