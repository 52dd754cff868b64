import { describe, expect, it } from 'vitest';
import { describeTarget, hasSelector, resolveTargetSpec } from '../../../src/engine/kube/target-spec.js';

const selectors = [
  { name: 'api', labelSelector: { app: 'api' }, namespace: 'api-ns', containerName: 'main' },
  { name: 'db', labelSelector: { app: 'db' } },
];

describe('resolveTargetSpec (research §2.1 precedence)', () => {
  it('takes flags over the block over the named selector over the default', () => {
    expect(resolveTargetSpec({ selector: 'api' }, selectors, 'dflt')).toEqual({ namespace: 'api-ns', labelSelector: { app: 'api' }, container: 'main' });
    expect(resolveTargetSpec({ selector: 'api', namespace: 'blk', containerName: 'side', labelSelector: { x: 'y' } }, selectors, 'dflt')).toEqual({
      namespace: 'blk',
      labelSelector: { x: 'y' },
      container: 'side',
    });
    expect(
      resolveTargetSpec({ selector: 'api' }, selectors, 'dflt', { namespace: 'flag', labelSelector: 'a=b', container: 'c', pod: 'p-1' }),
    ).toEqual({ namespace: 'flag', labelSelector: 'a=b', container: 'c', pod: 'p-1' });
  });

  it('uses the only dev.selectors entry when the block names none, and nothing when there are several', () => {
    expect(resolveTargetSpec(undefined, [selectors[1]!], 'dflt')).toEqual({ namespace: 'dflt', labelSelector: { app: 'db' } });
    expect(resolveTargetSpec(undefined, selectors, 'dflt')).toEqual({ namespace: 'dflt' });
    expect(resolveTargetSpec(undefined, undefined, 'dflt')).toEqual({ namespace: 'dflt' });
  });

  it('says whether anything selects a pod, and describes the target', () => {
    expect(hasSelector({ namespace: 'n' })).toBe(false);
    expect(hasSelector({ namespace: 'n', labelSelector: {} })).toBe(false);
    expect(hasSelector({ namespace: 'n', pod: 'p' })).toBe(true);
    expect(describeTarget({ namespace: 'n', labelSelector: { a: 'b', c: 'd' } })).toBe('pods with a=b,c=d in n');
    expect(describeTarget({ namespace: 'n', pod: 'p' })).toBe('pod p in n');
    expect(describeTarget({ namespace: 'n' })).toBe('any pod in n');
  });
});
