import { describe, expect, it } from 'vitest';
import { builtRefFor, replaceImageRefs } from '../../../src/engine/deploy/image-refs.js';

const refs = new Map([
  ['127.0.0.1:5000/team/api', '127.0.0.1:5000/team/api:ds-abc'],
  ['docker.io/library/web', 'web:ds-123'],
]);

describe('builtRefFor', () => {
  it('matches any tag, digest or Docker Hub spelling of a built image', () => {
    expect(builtRefFor('127.0.0.1:5000/team/api', refs)).toBe('127.0.0.1:5000/team/api:ds-abc');
    expect(builtRefFor('127.0.0.1:5000/team/api:latest', refs)).toBe('127.0.0.1:5000/team/api:ds-abc');
    expect(builtRefFor('127.0.0.1:5000/team/api@sha256:0123', refs)).toBe('127.0.0.1:5000/team/api:ds-abc');
    expect(builtRefFor('docker.io/library/web:1', refs)).toBe('web:ds-123');
    expect(builtRefFor('library/web', refs)).toBe('web:ds-123');
  });

  it('leaves other images and non-references alone', () => {
    expect(builtRefFor('127.0.0.1:5000/team/api-worker', refs)).toBeUndefined();
    expect(builtRefFor('127.0.0.1:5001/team/api', refs)).toBeUndefined();
    expect(builtRefFor('hello web', refs)).toBeUndefined();
    expect(builtRefFor('', refs)).toBeUndefined();
  });
});

describe('replaceImageRefs', () => {
  const manifest = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'api', image: '127.0.0.1:5000/team/api:dev', env: [{ name: 'IMAGE', value: 'web' }] },
            { name: 'side', image: 'busybox' },
          ],
          initContainers: [{ name: 'init', image: 'web' }],
        },
      },
    },
  };

  it('kubectl mode replaces only values under `image` keys and reports what it used', () => {
    const { value, used } = replaceImageRefs(manifest, refs, 'image-keys');
    const spec = value.spec.template.spec;
    expect(spec.containers[0]!.image).toBe('127.0.0.1:5000/team/api:ds-abc');
    expect(spec.containers[0]!.env?.[0]?.value).toBe('web');
    expect(spec.containers[1]!.image).toBe('busybox');
    expect(spec.initContainers[0]!.image).toBe('web:ds-123');
    expect(used).toEqual(['127.0.0.1:5000/team/api:ds-abc', 'web:ds-123']);
    expect(manifest.spec.template.spec.containers[0]!.image).toBe('127.0.0.1:5000/team/api:dev');
  });

  it('values mode replaces any string naming a built image', () => {
    const { value } = replaceImageRefs({ app: { repo: 'web', tag: 'x' }, list: ['127.0.0.1:5000/team/api'] }, refs, 'any-string');
    expect(value).toEqual({ app: { repo: 'web:ds-123', tag: 'x' }, list: ['127.0.0.1:5000/team/api:ds-abc'] });
  });
});
