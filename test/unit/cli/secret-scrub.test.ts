import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reportError } from '../../../src/cli/report-error.js';
import { rememberPemData, rememberSecrets, scrubPayload, scrubSecrets } from '../../../src/engine/secrets.js';
import { readDockerConfig } from '../../../src/engine/build/registry-auth.js';
import { UserError } from '../../../src/engine/errors.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';
import { authenticationError, guardAuthentication, withoutUrlCredentials } from '../../../src/engine/kube/credentials.js';
import { SecretBook } from '../../e2e/secrets/support/secret-book.js';

// The secrets net (remembered credentials scrubbed from error reports and
// events) and the kubeconfig fixes at the source: URL credentials, plugin
// failures, a Docker config that is not JSON.

const secret = (): string => randomBytes(18).toString('base64url');

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'secret-scrub-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the secrets net', () => {
  it('scrubs remembered values, their Basic form and the lines of a remembered key', () => {
    const token = secret();
    const password = secret();
    const pem = `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    rememberSecrets(token, `robot:${password}`);
    rememberPemData(Buffer.from(pem).toString('base64'));
    const basic = Buffer.from(`robot:${password}`).toString('base64');
    const keyLine = pem.split('\n')[1]!;
    const out = scrubSecrets(`token ${token}; Basic ${basic}; key line ${keyLine}; user robot`);
    expect(out).toBe('token ***; Basic ***; key line ***; user robot');
  });

  it('ignores very short values, which would shred ordinary words', () => {
    rememberSecrets('abc', '', undefined, null);
    expect(scrubSecrets('abc is not a secret')).toBe('abc is not a secret');
  });

  it('scrubs Authorization headers however they are quoted', () => {
    expect(scrubSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***');
    expect(scrubSecrets('{"Authorization":"Bearer abc.def","x":1}')).toBe('{"Authorization":"Bearer ***","x":1}');
    expect(scrubSecrets("{ authorization: 'Basic dXNlcjpwdw==' }")).toBe("{ authorization: 'Basic ***' }");
  });

  it('scrubs every string of an event payload and leaves untouched payloads as they are', () => {
    const token = secret();
    rememberSecrets(token);
    const clean = { scope: 'deploy', message: 'all good', list: ['a', 'b'] };
    expect(scrubPayload(clean)).toBe(clean);
    const dirty = { source: { pod: 'p' }, lines: [{ text: `got ${token}`, ts: 1 }, { text: 'fine', ts: 2 }] };
    expect(scrubPayload(dirty)).toEqual({ source: { pod: 'p' }, lines: [{ text: 'got ***', ts: 1 }, { text: 'fine', ts: 2 }] });
    expect(dirty.lines[0]!.text).toContain(token); // the caller's object is not mutated
  });

  it('the event bus delivers scrubbed payloads to typed listeners and subscribers', () => {
    const token = secret();
    rememberSecrets(token);
    const events = new DevEngineEmitter();
    const seen: EngineEvent[] = [];
    let typed = '';
    events.on('engine:error', (p) => (typed = p.message));
    events.subscribe((e) => seen.push(e));
    events.send('engine:error', { scope: 'push', message: `registry said: bad credentials ${token}` });
    expect(typed).toBe('registry said: bad credentials ***');
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  it('reportError scrubs messages, hints and the --debug stack', () => {
    const token = secret();
    rememberSecrets(token);
    const s = sink();
    expect(reportError(new UserError(`refused ${token}`, 1, `retry without ${token}`), s.stream, {}, false)).toBe(1);
    expect(s.text()).toBe('error: refused ***\nhint: retry without ***\n');
    const internal = sink();
    const err = new Error(`request failed with headers {"Authorization":"Bearer ${secret()}"} and ${token}`);
    expect(reportError(err, internal.stream, {}, true)).toBe(1);
    expect(internal.text()).toContain('internal error: request failed with headers {"Authorization":"Bearer ***"} and ***');
    expect(internal.text()).toMatch(/\n\s+at /); // the stack is still there, scrubbed
    expect(internal.text()).not.toContain(token);
  });
});

describe('kubeconfig credentials at the source', () => {
  const cluster = (server: string, name = 'c'): never => ({ name, server, skipTLSVerify: false }) as never;

  it('moves user:password out of server URLs into Basic auth for a user without credentials', () => {
    const password = `p@ss/${secret()}`;
    const server = `https://admin:${encodeURIComponent(password)}@api.example.com:6443`;
    const { clusters, users } = withoutUrlCredentials([cluster(server)], [{ name: 'u' }, { name: 'other' }], { cluster: 'c', user: 'u' });
    expect(clusters[0]!.server).toBe('https://api.example.com:6443');
    expect(users[0]).toEqual({ name: 'u', username: 'admin', password });
    expect(users[1]).toEqual({ name: 'other' });
    expect(scrubSecrets(`the proxy said ${password}`)).toBe('the proxy said ***');
  });

  it('keeps a user token (which wins over URL credentials) and paths in the URL', () => {
    const { clusters, users } = withoutUrlCredentials([cluster(`https://a:${secret()}@h/prefix/`)], [{ name: 'u', token: 't0ken-value' }], { cluster: 'c', user: 'u' });
    expect(clusters[0]!.server).toBe('https://h/prefix/');
    expect(users[0]).toEqual({ name: 'u', token: 't0ken-value' });
  });

  it('a plugin failure is one line without what the plugin printed on stdout', () => {
    let parse: unknown;
    const printed = secret();
    try {
      JSON.parse(printed);
    } catch (err) {
      parse = err;
    }
    const user = { name: 'dev', exec: { command: '/usr/local/bin/get-token' } } as never;
    const e = authenticationError(user, 'prod', parse) as UserError;
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('cannot authenticate to the cluster of kube context "prod" as user "dev": its exec credential plugin get-token printed something that is not an ExecCredential (JSON)');
    expect(e.message + e.hint).not.toContain(printed.slice(0, 6));
    const failed = authenticationError(user, 'prod', new Error('\nerror: session expired\nmore')) as UserError;
    expect(failed.message).toMatch(/get-token failed: error: session expired$/);
    const missing = Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT', syscall: 'spawn /usr/local/bin/get-token' });
    expect((authenticationError(user, 'prod', missing) as UserError).message).toMatch(/cannot be run \(\/usr\/local\/bin\/get-token not found\)$/);
  });

  it('errors of token and certificate users pass through, except unreadable files', () => {
    const other = new Error('Unsupported proxy type');
    expect(authenticationError({ name: 'u', token: 'x' } as never, 'c', other)).toBe(other);
    const file = Object.assign(new Error("ENOENT: no such file or directory, open '/k/key.pem'"), { code: 'ENOENT', path: '/k/key.pem' });
    expect((authenticationError({ name: 'u' } as never, 'c', file) as UserError).message).toBe('kube context "c": cannot read /k/key.pem of user "u" (ENOENT)');
  });

  it('guarded kubeconfigs fail cleanly on a plugin printing a bare token, and remember tokens they send', async () => {
    const bare = secret();
    const plugin = path.join(dir, 'bare.mjs');
    await writeFile(plugin, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(bare)});\n`);
    await chmod(plugin, 0o700);
    const kc = new KubeConfig();
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: plugin };
    kc.loadFromOptions({ clusters: [cluster('https://127.0.0.1:1')], users: [{ name: 'u', exec }], contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }], currentContext: 'ctx' });
    guardAuthentication(kc, 'ctx');
    const err = (await kc.applyToHTTPSOptions({}).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(`${err.message}\n${err.stack}`).not.toContain(bare.slice(0, 8));

    const token = secret();
    const ok = new KubeConfig();
    ok.loadFromOptions({ clusters: [cluster('https://127.0.0.1:1')], users: [{ name: 'u', token }], contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }], currentContext: 'ctx' });
    guardAuthentication(ok, 'ctx');
    const init = await ok.applyToFetchOptions({});
    expect(String((init.headers as unknown as Headers).get('Authorization'))).toBe(`Bearer ${token}`);
    expect(scrubSecrets(`echoed ${token}`)).toBe('echoed ***');
  });

  it('resolveKubeTarget shows the server without credentials and still authenticates with them', async () => {
    const password = secret();
    const file = path.join(dir, 'url.kubeconfig');
    await writeFile(file, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `https://admin:${password}@127.0.0.1:6443` } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }));
    const kube = await resolveKubeTarget({ env: { KUBECONFIG: file } });
    expect(kube.server).toBe('https://127.0.0.1:6443');
    expect(kube.kubeConfig.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    const init = await kube.kubeConfig.applyToFetchOptions({});
    expect((init.headers as unknown as Headers).get('Authorization')).toBe(`Basic ${Buffer.from(`admin:${password}`).toString('base64')}`);
  });
});

describe('Docker config', () => {
  it('a file that is not JSON is a UserError that does not quote it', async () => {
    const token = secret();
    const file = path.join(dir, 'config.json');
    await writeFile(file, `${token}\n`);
    const err = (await readDockerConfig(file).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(new RegExp(`^cannot read Docker config ${file}: it is not valid JSON( at position \\d+)?$`));
    expect(err.message).not.toContain(token.slice(0, 4));
  });
});

describe('the e2e scanner (so a leak cannot slip past the secrets tests)', () => {
  it('finds a planted value raw, encoded, cut short, and a private key line by line', () => {
    const book = new SecretBook();
    const token = book.secret('token');
    const key = Buffer.from(`-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`).toString('base64');
    book.addBlob('key', key, { slices: true });
    const pemLine = Buffer.from(key, 'base64').toString().split('\n')[2]!;
    const forms = (text: string): string[] => book.scan(text, 't').map((l) => `${l.kind}/${l.form}`);
    expect(forms(`x ${token} y`)).toContain('token/raw');
    expect(forms(Buffer.from(token).toString('base64'))).toContain('token/base64');
    expect(forms(`cut: "${token.slice(3, 14)}"...`)).toEqual(['token/slice']);
    expect(forms(`line ${pemLine}`)).toContain('key/pem-line');
    expect(forms(`part ${pemLine.slice(5, 50)}`)).toEqual(['key/pem-slice']);
    expect(forms('nothing secret here: robot, 127.0.0.1:5000, sha256:0123456789abcdef')).toEqual([]);
  });
});
