import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { createPullSecret, pullSecretName } from '../../../src/engine/build/pull-secret.js';
import { describePushError } from '../../../src/engine/build/push.js';
import { redact, Redactor } from '../../../src/engine/secrets.js';

describe('redact', () => {
  it('replaces known secrets, their base64 basic-auth form and credential-shaped text', () => {
    const r = new Redactor();
    r.add('alice:s3cret!', 's3cret!', undefined, '');
    const b64 = Buffer.from('alice:s3cret!').toString('base64');
    const text = `login s3cret! failed; header ${b64}; https://bob:hunter22@reg.example.com/v2/ {"password":"p\\"w","auth":"abc"} Authorization: Bearer eyJhbGciOi`;
    const out = r.redact(text);
    expect(out).not.toMatch(/s3cret|hunter22|eyJhbGciOi|p\\"w/);
    expect(out).not.toContain(b64);
    expect(out).toBe('login *** failed; header ***; https://***@reg.example.com/v2/ {"password":"***","auth":"***"} Authorization: Bearer ***');
  });

  it('leaves text alone when nothing matches, and does not shred it for tiny secrets', () => {
    expect(redact('push of 127.0.0.1:5000/app:1 failed', ['a', '1'])).toBe('push of 127.0.0.1:5000/app:1 failed');
    expect(redact('missing X-Registry-Auth: EOF')).toBe('missing X-Registry-Auth: EOF');
    expect(redact('X-Registry-Auth: eyJ1c2VybmFtZSI6ImEifQ')).toBe('X-Registry-Auth: ***');
  });
});

describe('pull secrets', () => {
  it('names the secret after the registry host', () => {
    expect(pullSecretName('127.0.0.1:5000')).toBe('devspace-auth-127-0-0-1-5000');
    expect(pullSecretName('Registry.Example.com')).toBe('devspace-auth-registry-example-com');
    expect(pullSecretName('https://index.docker.io/v1/')).toBe('devspace-auth-docker-io');
  });

  it('builds a kubernetes.io/dockerconfigjson Secret from resolved credentials', () => {
    const secret = createPullSecret(
      { registry: '127.0.0.1:5000', serveraddress: '127.0.0.1:5000', username: 'alice', password: 'pw', source: 'config' },
      'dev',
    );
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'devspace-auth-127-0-0-1-5000', namespace: 'dev', labels: { 'app.kubernetes.io/managed-by': 'devspace' } },
    });
    const decoded = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()) as unknown;
    expect(decoded).toEqual({ auths: { '127.0.0.1:5000': { username: 'alice', password: 'pw', auth: Buffer.from('alice:pw').toString('base64') } } });
  });

  it('refuses identity-token-only credentials, which the kubelet cannot use', () => {
    const make = (): unknown => createPullSecret({ registry: 'docker.io', serveraddress: 'x', identitytoken: 't', source: 'config' });
    expect(make).toThrow(UserError);
    expect(make).toThrow(/no user name and password/);
  });
});

describe('describePushError', () => {
  const refused = 'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused';
  it.each([
    [refused, false, 'registry 127.0.0.1:5999 is not reachable (connection refused)'],
    ['dial tcp: lookup nope.invalid: no such host', false, 'registry 127.0.0.1:5999 is not reachable (unknown host)'],
    ['net/http: TLS handshake timeout', false, 'registry 127.0.0.1:5999 is not reachable (timed out)'],
    ['unauthorized: authentication required', false, 'registry 127.0.0.1:5999 requires a login'],
    ['unauthorized: authentication required', true, 'registry 127.0.0.1:5999 refused the credentials'],
    ['denied: requested access to the resource is denied', true, 'registry 127.0.0.1:5999 denied access'],
    ['http: server gave HTTP response to HTTPS client', false, 'registry 127.0.0.1:5999 speaks plain HTTP'],
    ['something odd\nsecond line', false, 'something odd'],
  ])('%s', (message, creds, text) => {
    expect(describePushError(message, '127.0.0.1:5999', creds).text).toBe(text);
  });
});
