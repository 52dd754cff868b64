import { describe, expect, it } from 'vitest';
import { parseTimeout } from '../../../src/cli/commands/analyze.js';
import { registryOf } from '../../../src/engine/analyze/explain-start.js';
import { matchesSelector } from '../../../src/engine/analyze/selector.js';
import { formatAge, logTail, sanitize, toMs } from '../../../src/engine/analyze/text.js';
import { UserError } from '../../../src/engine/errors.js';

describe('matchesSelector', () => {
  const labels = { app: 'api', tier: 'web' };
  it.each([
    ['', true],
    ['app=api', true],
    ['app==api,tier=web', true],
    ['app=db', false],
    ['app!=db', true],
    ['tier', true],
    ['!tier', false],
    ['!canary', true],
    ['app in (api, db)', true],
    ['app notin (api)', false],
    ['app in (db),tier=web', false],
  ])('%s → %s', (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
  });
});

describe('text helpers', () => {
  it('formatAge speaks like a person', () => {
    expect([5_000, 89_000, 150_000, 2 * 3_600_000, 3 * 86_400_000].map(formatAge)).toEqual(['5 s', '89 s', '3 min', '2 h', '3 d']);
  });

  it('toMs accepts Dates and strings, and treats the zero time of never-started containers as absent', () => {
    expect(toMs(new Date(1000))).toBe(1000);
    expect(toMs('2026-11-26T05:58:24Z')).toBe(Date.parse('2026-11-26T05:58:24Z'));
    expect(toMs(new Date('1970-01-01T00:00:00Z'))).toBeUndefined();
    expect(toMs(null)).toBeUndefined();
  });

  it('sanitize and logTail remove escapes and control characters but keep the text', () => {
    expect(sanitize('\u001b[1;31mred\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007 bell\u0007')).toBe('red link bell');
    expect(logTail('a\r\nb\tc\n\n\u001b[2Jd\n', 3)).toEqual(['b  c', '', 'd']);
    expect(logTail('', 5)).toEqual([]);
  });

  it('registryOf resolves like containerd', () => {
    expect(registryOf('nginx:1.27')).toBe('docker.io');
    expect(registryOf('bitnami/redis')).toBe('docker.io');
    expect(registryOf('127.0.0.1:5000/app:1')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/app')).toBe('localhost');
    expect(registryOf('ghcr.io/org/app@sha256:abc')).toBe('ghcr.io');
  });
});

describe('parseTimeout (--timeout)', () => {
  it('takes seconds by default and ms/s/m/h suffixes', () => {
    expect(parseTimeout(undefined)).toBe(120_000);
    expect(parseTimeout('90')).toBe(90_000);
    expect(parseTimeout('90s')).toBe(90_000);
    expect(parseTimeout('1.5m')).toBe(90_000);
    expect(parseTimeout('500ms')).toBe(500);
    expect(parseTimeout('0')).toBe(0);
  });

  it('rejects anything else as a usage error (exit 2)', () => {
    for (const bad of ['', 'abc', '-5', '10x', '25h']) {
      let err: unknown;
      try {
        parseTimeout(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(2);
    }
  });
});
