import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { resolveKubeTarget } from '../../../src/engine/kube/context.js';

let dir: string;
let main: string;
let extra: string;

const kubeconfig = (current: string, contexts: { name: string; namespace?: string }[]): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: "${current}"`,
    'clusters:',
    ...contexts.flatMap((c) => [`- name: ${c.name}`, '  cluster:', `    server: https://${c.name}.example:6443`]),
    'users:',
    '- name: me',
    '  user:',
    '    token: abc',
    'contexts:',
    ...contexts.flatMap((c) => [
      `- name: ${c.name}`,
      '  context:',
      `    cluster: ${c.name}`,
      '    user: me',
      ...(c.namespace ? [`    namespace: ${c.namespace}`] : []),
    ]),
    '',
  ].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'devspace-kube-'));
  main = path.join(dir, 'config');
  extra = path.join(dir, 'extra');
  await writeFile(main, kubeconfig('kind-a', [{ name: 'kind-a', namespace: 'team-a' }, { name: 'kind-b' }]));
  await writeFile(extra, kubeconfig('kind-c', [{ name: 'kind-c', namespace: 'cee' }, { name: 'kind-a', namespace: 'ignored' }]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveKubeTarget', () => {
  const env = (): NodeJS.ProcessEnv => ({ KUBECONFIG: main, HOME: dir });

  it('uses current-context and its namespace by default', async () => {
    const t = await resolveKubeTarget({ env: env() });
    expect(t).toMatchObject({ context: 'kind-a', namespace: 'team-a', contextSource: 'current-context', namespaceSource: 'context' });
    expect(t.server).toBe('https://kind-a.example:6443');
    expect(t.kubeConfig.getCurrentContext()).toBe('kind-a');
  });

  it('flag beats config beats current-context, for context and namespace', async () => {
    const fromConfig = await resolveKubeTarget({ env: env(), cluster: { kubeContext: 'kind-b', namespace: 'cfg-ns' } });
    expect(fromConfig).toMatchObject({ context: 'kind-b', namespace: 'cfg-ns', contextSource: 'config', namespaceSource: 'config' });
    const fromFlags = await resolveKubeTarget({
      env: env(),
      kubeContext: 'kind-a',
      namespace: 'flag-ns',
      cluster: { kubeContext: 'kind-b', namespace: 'cfg-ns' },
    });
    expect(fromFlags).toMatchObject({ context: 'kind-a', namespace: 'flag-ns', contextSource: 'flag', namespaceSource: 'flag' });
    // The namespace is injected into the in-memory context for API clients.
    expect(fromFlags.kubeConfig.getContextObject('kind-a')?.namespace).toBe('flag-ns');
  });

  it("falls back to 'default' when the context has no namespace", async () => {
    const t = await resolveKubeTarget({ env: env(), kubeContext: 'kind-b' });
    expect(t).toMatchObject({ namespace: 'default', namespaceSource: 'default' });
  });

  it('merges KUBECONFIG files the kubectl way: first one wins', async () => {
    const t = await resolveKubeTarget({ env: { KUBECONFIG: [main, path.join(dir, 'missing'), extra].join(path.delimiter) } });
    expect(t.context).toBe('kind-a');
    expect(t.namespace).toBe('team-a');
    expect(t.files).toEqual([main, extra]);
    expect((await resolveKubeTarget({ env: { KUBECONFIG: `${main}${path.delimiter}${extra}` }, kubeContext: 'kind-c' })).namespace).toBe('cee');
  });

  it('an unknown context lists the available ones', async () => {
    const err = await resolveKubeTarget({ env: env(), kubeContext: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      exitCode: 2,
      message: 'kube context "nope" (from --kube-context) does not exist in the kubeconfig',
      hint: 'available contexts: kind-a, kind-b',
    });
    await expect(resolveKubeTarget({ env: env(), cluster: { kubeContext: 'gone' } })).rejects.toThrow('from cluster.kubeContext in devspace.yaml');
  });

  it('no kubeconfig at all points at the test bed', async () => {
    const err = await resolveKubeTarget({ env: { HOME: dir + '/nowhere' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 1, message: 'no kubeconfig found: no ~/.kube/config and KUBECONFIG is not set' });
    expect((err as UserError).hint).toContain('npm run testbed:up');
    await expect(resolveKubeTarget({ env: { KUBECONFIG: path.join(dir, 'missing') } })).rejects.toThrow('names no existing file');
  });

  it('a broken kubeconfig or namespace is a clear error', async () => {
    const broken = path.join(dir, 'broken');
    await writeFile(broken, 'clusters: [ {');
    await expect(resolveKubeTarget({ env: { KUBECONFIG: broken } })).rejects.toThrow(`cannot read kubeconfig ${broken}`);
    await expect(resolveKubeTarget({ env: env(), namespace: 'Bad_NS' })).rejects.toMatchObject({ exitCode: 2 });
  });
});
