import { describe, expect, it } from 'vitest';
import { inCi } from '../../../src/cli/commands/dev.js';

// Ink 6.8 writes no frames when it thinks it runs in CI, so `dev` must pick plain lines by the same test.
describe('inCi', () => {
  it('is true for CI or CONTINUOUS_INTEGRATION set to anything but 0/false', () => {
    expect(inCi({ CI: 'true' })).toBe(true);
    expect(inCi({ CI: '' })).toBe(true);
    expect(inCi({ CONTINUOUS_INTEGRATION: '1' })).toBe(true);
  });
  it('is false when unset or set to 0/false', () => {
    expect(inCi({})).toBe(false);
    expect(inCi({ CI: 'false' })).toBe(false);
    expect(inCi({ CI: '0', CONTINUOUS_INTEGRATION: 'false' })).toBe(false);
  });
});
