import { describe, expect, it } from 'vitest';
import { apiError, call, deadline, mapLimit, pulledRegistries, sleep } from '../../../src/engine/analyze/kube-io.js';
import { isAbortError, UserError } from '../../../src/engine/errors.js';
import { pod } from './helpers.js';

describe('API failures become one-line UserErrors', () => {
  it('maps statuses and network errors, without response bodies', () => {
    const body = Object.assign(new Error('HTTP-Code: 403\nMessage: Forbidden\nBody: {"token":"s3cret"}'), { code: 403 });
    const forbidden = apiError(body, 'list pods in namespace dev', 'https://k8s:6443');
    expect(forbidden.message).toBe('not allowed to list pods in namespace dev (403 Forbidden)');
    expect(forbidden.message).not.toContain('s3cret');
    expect(apiError(Object.assign(new Error('x'), { code: 401 }), 'list pods', undefined).message).toContain('401 Unauthorized');
    const refused = apiError(Object.assign(new Error('request failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'list pods', 'https://127.0.0.1:1');
    expect(refused.message).toBe('cannot reach the cluster at https://127.0.0.1:1 (ECONNREFUSED) while trying to list pods');
    expect(refused.hint).toBeDefined();
    expect(apiError(new Error('first\nsecond'), 'list pods', undefined).message).toBe('could not list pods: first');
  });

  it('call() turns a rejected request into a UserError and passes results through', async () => {
    await expect(call('list pods', undefined, async () => 42)).resolves.toBe(42);
    await expect(call('list pods', undefined, () => Promise.reject(Object.assign(new Error('x'), { code: 500 })))).rejects.toBeInstanceOf(UserError);
  });

  it('deadline() and sleep() give up with an AbortError as soon as the signal aborts', async () => {
    const ctl = new AbortController();
    const never = deadline('list pods', undefined, () => new Promise<never>(() => {}), ctl.signal);
    const nap = sleep(60_000, ctl.signal);
    ctl.abort('SIGINT');
    const errors = await Promise.all([never.catch((e: unknown) => e), nap.catch((e: unknown) => e)]);
    for (const e of errors) expect(isAbortError(e)).toBe(true);
  });
});

describe('helpers', () => {
  it('pulledRegistries lists registries of images that were pulled (imageID set) only', () => {
    expect(pulledRegistries([pod('healthy'), pod('pull'), pod('pullhub')])).toEqual(['127.0.0.1:5000']);
  });

  it('mapLimit keeps order and never runs more than `limit` at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
