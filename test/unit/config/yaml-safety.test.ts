import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/engine/errors.js';
import { loadConfig, parseConfigText } from '../../../src/engine/config/index.js';
import { problems } from './helpers.js';

describe('YAML that is broken or hostile', () => {
  it('reports syntax errors with their position', async () => {
    expect(await problems('cluster:\n  namespace: a\n kubeContext: b\n')).toEqual([
      '3:1 : YAML syntax error: All mapping items must start at the same column',
    ]);
    expect(await problems('images:\n\tdefault: {}\n')).toEqual(['2:1 : YAML syntax error: Tabs are not allowed as indentation']);
    // yaml reports an unclosed quote where the text ends.
    expect(await problems('cluster:\n  namespace: "abc\n')).toEqual(['3:1 : YAML syntax error: Missing closing "quote']);
  });

  it('rejects duplicate keys at the second one', async () => {
    expect(await problems('cluster:\n  namespace: a\n  namespace: b\n')).toEqual([
      '3:3 : YAML syntax error: Map keys must be unique (a key appears twice in the same map)',
    ]);
  });

  it('rejects an alias bomb quickly instead of expanding it', async () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let prev = 'a';
    for (const n of 'bcdefghi') {
      text += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = n;
    }
    // Expanded, this would be 9^9 strings; the test timeout would catch a hang, the assertion a wrong answer.
    expect(await problems(text)).toEqual([
      '2:8 : YAML aliases expand too much (more than 100 expansions); this looks like an alias bomb',
    ]);
  });

  it('allows ordinary anchors and aliases', async () => {
    const text = 'dev:\n  selectors:\n  - name: api\n    labelSelector: &sel {app: api}\n  ports:\n  - labelSelector: *sel\n    forward: [{port: 1}]\n';
    const { config } = await parseConfigText(text, 'devspace.yaml', { env: {} });
    expect(config.dev?.ports?.[0]?.labelSelector).toEqual({ app: 'api' });
  });

  it('rejects deeply nested flow collections without parsing them', async () => {
    expect(await problems(`cluster: ${'['.repeat(200_000)}`)).toEqual(['1:266 : YAML is nested more than 256 levels deep']);
  });

  it('rejects deeply nested block maps without a stack trace', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    const found = await problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\d+:\d+ : YAML is nested too deeply$/);
  });

  it('rejects several documents', async () => {
    expect(await problems('version: v1beta2\n---\ncluster: {}\n')).toEqual([
      '2:1 : devspace.yaml must contain a single YAML document; found another one here (after `---`)',
    ]);
    // A trailing `---` with nothing after it is harmless.
    await expect(parseConfigText('version: v1beta2\n---\n', 'devspace.yaml', { env: {} })).resolves.toBeDefined();
  });

  it('rejects an empty file and a file of only comments', async () => {
    expect(await problems('')).toEqual(['1:1 : devspace.yaml is empty; it needs at least `version: v1beta2`']);
    expect(await problems('# nothing yet\n\n')).toEqual(['1:1 : devspace.yaml is empty; it needs at least `version: v1beta2`']);
  });

  it('rejects a top level that is not a map', async () => {
    expect(await problems('- a\n- b\n')).toEqual([
      '1:1 : expected a map of settings (like `version: v1beta2`) at the top level, found list',
    ]);
    expect(await problems('\n\nhello\n')).toEqual([
      '3:1 : expected a map of settings (like `version: v1beta2`) at the top level, found string "hello"',
    ]);
  });

  it('rejects text over the size limit before parsing it', async () => {
    const text = `version: v1beta2\n#${'x'.repeat(11 * 1024 * 1024)}\n`;
    expect(await problems(text)).toEqual(['1:1 : file is 11.0 MB; devspace.yaml is limited to 10 MB']);
  });

  describe('a 50 MB file on disk', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'devspace-config-big-'));
      const file = path.join(dir, 'devspace.yaml');
      await writeFile(file, 'version: v1beta2\n');
      // A sparse file: 50 MB long, instant to create, never read.
      await truncate(file, 50 * 1024 * 1024);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('is refused from its size alone', async () => {
      const err = await loadConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toEqual([
        { file: 'devspace.yaml', line: 1, column: 1, path: '', message: 'file is 50.0 MB; devspace.yaml is limited to 10 MB' },
      ]);
    });
  });
});
