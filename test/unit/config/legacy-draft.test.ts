import { describe, expect, it } from 'vitest';
import { Draft } from '../../../src/engine/config/legacy/draft.js';

/** The path bookkeeping that lets errors in an upgraded config point at the user's old file. */
describe('Draft', () => {
  it('leaves the input untouched', () => {
    const input = { a: { b: [1, { c: 2 }] } };
    const d = new Draft(input);
    d.move(['a', 'b'], ['x']);
    expect(input).toEqual({ a: { b: [1, { c: 2 }] } });
    expect(d.data).toEqual({ x: [1, { c: 2 }] });
  });

  it('maps moved values and everything under them back, and unmoved paths to themselves', () => {
    const d = new Draft({ devSpace: { ports: [{ service: 'web', portMappings: [{ localPort: 80 }] }] }, images: {} });
    d.move(['devSpace', 'ports'], ['dev', 'ports']);
    d.move(['dev', 'ports', 0, 'service'], ['dev', 'ports', 0, 'selector']);
    expect(d.data).toEqual({ dev: { ports: [{ selector: 'web', portMappings: [{ localPort: 80 }] }] }, images: {} });
    expect(d.origin(['dev', 'ports', 0, 'selector'])).toEqual(['devSpace', 'ports', 0, 'service']);
    expect(d.origin(['dev', 'ports', 0, 'portMappings', 0, 'localPort'])).toEqual(['devSpace', 'ports', 0, 'portMappings', 0, 'localPort']);
    expect(d.origin(['images'])).toEqual(['images']);
  });

  it('removes maps that a move or removal leaves empty, but not lists or the top level', () => {
    const d = new Draft({ img: { build: { dockerfile: 'D' } }, list: [{ only: 1 }], cluster: { apiServer: 'x' } });
    d.move(['img', 'build', 'dockerfile'], ['img', 'dockerfile']);
    d.remove(['list', 0, 'only']);
    d.remove(['cluster', 'apiServer']);
    d.remove(['not', 'there']);
    expect(d.data).toEqual({ img: { dockerfile: 'D' }, list: [{}] });
  });

  it('links created values, and pushes list items that each remember their source', () => {
    const d = new Draft({ images: { a: {}, b: { autoReload: { disabled: false } } } });
    d.push(['dev', 'autoReload', 'images'], 'a', ['images', 'a']);
    d.push(['dev', 'autoReload', 'images'], 'b', ['images', 'b', 'autoReload']);
    d.put(['version'], 'v2', ['version']);
    expect(d.get(['dev', 'autoReload', 'images'])).toEqual(['a', 'b']);
    expect(d.origin(['dev', 'autoReload', 'images', 1])).toEqual(['images', 'b', 'autoReload']);
    expect(d.origin(['dev', 'autoReload', 'images', 0])).toEqual(['images', 'a']);
  });

  it('keeps `__proto__` keys as data', () => {
    const input = JSON.parse('{"labels": {"__proto__": "x"}}') as Record<string, unknown>;
    const d = new Draft(input);
    d.move(['labels'], ['moved']);
    expect(Object.keys(d.map(['moved'])!)).toEqual(['__proto__']);
  });
});
