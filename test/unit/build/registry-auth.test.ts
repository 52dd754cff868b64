import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRepository, parseImageRef } from '../../../src/engine/build/image-ref.js';
import { resolveCredentials, secretsOf, toAuthConfig } from '../../../src/engine/build/registry-auth.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

// A fake docker-credential-test: knows one server, records what it was asked on stdin.
const HELPER = `#!/bin/sh
read server
echo "$server" >> "$(dirname "$0")/asked.txt"
case "$server" in
  helper.example.com) echo '{"ServerURL":"helper.example.com","Username":"helper-user","Secret":"helper-pass-123"}' ;;
  token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"refresh-tok-456"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"hub-pass-789"}' ;;
  broken.example.com) echo 'secret-leak-000 oops' >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

async function writeConfig(config: unknown): Promise<void> {
  await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify(config));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ds-auth-'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'docker'));
  await writeFile(join(dir, 'bin', 'docker-credential-test'), HELPER);
  await chmod(join(dir, 'bin', 'docker-credential-test'), 0o755);
  env = { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, DOCKER_CONFIG: join(dir, 'docker') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveCredentials', () => {
  it('decodes auths[host].auth and matches keys written as URLs', async () => {
    await writeConfig({ auths: { 'https://127.0.0.1:5000/v1/': { auth: b64('alice:pa:ss') }, 'other:1': { auth: b64('x:y') } } });
    const creds = await resolveCredentials('127.0.0.1:5000', { env });
    expect(creds).toEqual({ registry: '127.0.0.1:5000', serveraddress: '127.0.0.1:5000', username: 'alice', password: 'pa:ss', source: 'config' });
    expect(toAuthConfig(creds!)).toEqual({ serveraddress: '127.0.0.1:5000', username: 'alice', password: 'pa:ss' });
    expect(await resolveCredentials('nothere:5000', { env })).toBeUndefined();
  });

  it('uses identitytoken instead of the password, and Docker Hub under its index URL', async () => {
    await writeConfig({ auths: { 'https://index.docker.io/v1/': { auth: b64('bob:'), identitytoken: 'id-token-abc' } } });
    const creds = await resolveCredentials('docker.io', { env });
    expect(creds).toMatchObject({ serveraddress: 'https://index.docker.io/v1/', username: 'bob', identitytoken: 'id-token-abc' });
    expect(creds?.password).toBeUndefined();
    expect(toAuthConfig(creds!)).toEqual({ serveraddress: 'https://index.docker.io/v1/', username: 'bob', identitytoken: 'id-token-abc' });
  });

  it('asks credHelpers[host] through docker-credential-<name> get, with the host on stdin', async () => {
    await writeConfig({ credHelpers: { 'helper.example.com': 'test', 'token.example.com': 'test' } });
    expect(await resolveCredentials('helper.example.com', { env })).toMatchObject({
      username: 'helper-user',
      password: 'helper-pass-123',
      source: 'helper:test',
    });
    const token = await resolveCredentials('token.example.com', { env });
    expect(token).toMatchObject({ identitytoken: 'refresh-tok-456', source: 'helper:test' });
    expect(token?.username).toBeUndefined();
  });

  it('uses credsStore for every registry and falls back to auths when the helper knows nothing', async () => {
    await writeConfig({ credsStore: 'test', auths: { 'local:5000': { auth: b64('u:p-from-file') } } });
    expect(await resolveCredentials('docker.io', { env })).toMatchObject({ username: 'hubuser', serveraddress: 'https://index.docker.io/v1/' });
    expect(await resolveCredentials('local:5000', { env })).toMatchObject({ password: 'p-from-file', source: 'config' });
    expect(await resolveCredentials('unknown:5000', { env })).toBeUndefined();
  });

  it('warns (without echoing helper output) when a helper is missing or fails, then falls back', async () => {
    const warnings: string[] = [];
    await writeConfig({ credHelpers: { 'broken.example.com': 'test', 'local:5000': 'absent' }, auths: { 'local:5000': { auth: b64('u:p') } } });
    expect(await resolveCredentials('broken.example.com', { env, onWarning: (m) => warnings.push(m) })).toBeUndefined();
    expect(await resolveCredentials('local:5000', { env, onWarning: (m) => warnings.push(m) })).toMatchObject({ username: 'u' });
    expect(warnings).toEqual([
      'credential helper docker-credential-test: exited with code 3',
      'credential helper docker-credential-absent: not installed (not found on PATH)',
    ]);
    expect(warnings.join()).not.toContain('secret-leak-000');
  });

  it('returns nothing without a config file', async () => {
    expect(await resolveCredentials('docker.io', { env: { ...env, DOCKER_CONFIG: join(dir, 'none') } })).toBeUndefined();
  });

  it('lists every secret for the redactor', () => {
    const s = secretsOf({ registry: 'r', serveraddress: 'r', username: 'u', password: 'pw1', identitytoken: 'tok', source: 'config' });
    expect(s).toEqual(['pw1', 'tok', 'u:pw1']);
  });
});

describe('parseImageRef', () => {
  it.each([
    ['127.0.0.1:5000/app', { registry: '127.0.0.1:5000', repository: 'app' }],
    ['127.0.0.1:5000/team/app:ds-1', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'ds-1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['app', { registry: 'docker.io', repository: 'library/app' }],
    ['user/app:1.0', { registry: 'docker.io', repository: 'user/app', tag: '1.0' }],
    ['index.docker.io/user/app', { registry: 'docker.io', repository: 'user/app' }],
    ['ghcr.io/o/a@sha256:abc', { registry: 'ghcr.io', repository: 'o/a', digest: 'sha256:abc' }],
    ['Registry/app', { registry: 'Registry', repository: 'app' }],
  ])('%s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected);
  });

  it('gives every spelling of a Hub image the same canonical repository', () => {
    expect(new Set(['nginx', 'library/nginx:1', 'docker.io/library/nginx', 'index.docker.io/library/nginx'].map(canonicalRepository))).toEqual(
      new Set(['docker.io/library/nginx']),
    );
  });
});
