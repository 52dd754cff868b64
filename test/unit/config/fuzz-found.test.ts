import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/engine/config/index.js';
import { ConfigError } from '../../../src/engine/errors.js';
import { problems } from './helpers.js';

// Each case here is a bug the fuzz tests (fuzz-*.test.ts) or the probes around them found, pinned to the
// exact message it gets now. Before the fix, the comment says what happened.

describe('bugs found by fuzzing devspace.yaml', () => {
  it('an unknown key with an empty value is reported (was: silently accepted, so `prots:` hid a typo)', async () => {
    expect(await problems('dev:\n  prots:\n')).toEqual(['2:3 dev.prots: unknown key `prots`; did you mean `ports`?']);
    expect(await problems('versoin:\n')).toEqual(['1:1 versoin: unknown key `versoin`; did you mean `version`?']);
    // A known key left empty still means "unset".
    await expect(parseConfigText('images:\n  a:\n    image: x\n    tag:\n', 'devspace.yaml', { env: {} })).resolves.toBeDefined();
  });

  it('a `__proto__` key in a free map is refused at the key (was: the entry vanished)', async () => {
    expect(await problems('images:\n  __proto__: {image: x}\n')).toEqual(['2:3 images.__proto__: the key `__proto__` is not allowed here']);
    expect(await problems('dev:\n  selectors:\n  - name: s\n    labelSelector:\n      __proto__: x\n')).toEqual([
      '5:7 dev.selectors[0].labelSelector.__proto__: the key `__proto__` is not allowed here',
    ]);
    expect(await problems('deployments:\n- name: d\n  helm:\n    chart: {name: c}\n    values:\n      __proto__: {a: 1}\n')).toEqual([
      '6:7 deployments[0].helm.values.__proto__: the key `__proto__` is not allowed here',
    ]);
  });

  it('a `<<` merge of something that is not a map is a located error (was: internal error "Merge sources must be maps")', async () => {
    expect(await problems('cluster:\n  <<: 5\n')).toEqual(['2:3 : the merge key `<<` needs a map, an alias of a map, or a list of those']);
    expect(await problems('s: &s [1]\ncluster:\n  <<: [*s]\n')).toEqual(['3:3 : the merge key `<<` needs a map, an alias of a map, or a list of those']);
  });

  it('an alias without an anchor says so (was: "this looks like an alias bomb")', async () => {
    expect(await problems('cluster: *nope\n')).toEqual(['1:10 : alias `*nope` has no anchor `&nope` before it']);
  });

  it('an alias inside its own anchor is named at the alias (was: "nested too deeply" at 1:1)', async () => {
    expect(await problems('a: &a [*a]\n')).toEqual(['1:8 : alias `*a` is inside the node anchored `&a`, so it would repeat forever']);
  });

  it('a list or map used as a key is refused (was: a warning printed on stderr, and accepted in Helm values)', async () => {
    expect(await problems('? [a, b]\n: c\n')).toEqual(['1:3 : a map key must be a plain value like a name, found a list']);
    expect(await problems('deployments:\n- name: d\n  helm:\n    chart: {name: c}\n    values: {[a]: 1}\n')).toEqual([
      '5:14 : a map key must be a plain value like a name, found a list',
    ]);
  });

  it('control characters and NUL are refused where they are (was: loaded into values)', async () => {
    expect(await problems('version: v1beta2\ncluster:\n  namespace: ab\0c\n')).toEqual(['3:16 : character U+0000 (NUL) is not allowed in YAML; is this a binary file?']);
    expect(await problems('cluster:\n  namespace: a\x07\n')).toEqual([
      '2:15 : control character U+0007 is not allowed in YAML; to put it in a value, write "\\u0007" inside double quotes',
    ]);
  });

  it('user text in messages is short and visible (was: a 5 000-character version or name echoed in full)', async () => {
    expect(await problems(`version: v${'9'.repeat(5000)}\n`)).toEqual([
      '1:10 version: config version "v9999999999999999..." is newer than v1beta2 (it comes from DevSpace v4 or later); this devspace reads DevSpace v3.5 configs, v1alpha1 to v1beta2',
    ]);
    expect(await problems(`dev:\n  terminal:\n    selector: ${'s'.repeat(5000)}\n`)).toEqual([
      `3:15 dev.terminal.selector: selector \`${'s'.repeat(57)}...\` is not defined in \`dev.selectors\` (\`dev.selectors\` is empty)`,
    ]);
    expect(await problems('cluster: {names\u200bpace: x}\n')).toEqual(['1:11 cluster["names\\u200bpace"]: unknown key `names\\u200bpace`; did you mean `namespace`?']);
    expect(await problems('"ver\\nsion": 1\n')).toEqual(['1:1 ["ver\\nsion"]: unknown key `ver\\u000asion`; did you mean `version`?']);
  });

  it('thousands of problems give 20 lines and a count (was: one line each, 3 000 lines)', async () => {
    const found = await problems(`dev:\n  ports:\n  - labelSelector: {a: b}\n    forward:\n${'    - port: 0\n'.repeat(3000)}`);
    expect(found).toHaveLength(21);
    expect(found[0]).toBe('5:13 dev.ports[0].forward[0].port: expected a port number from 1 to 65535, found number 0');
    expect(found[20]).toBe('25:13 : and 2980 more problems from here on; fix the ones above first');
  });

  it('one value breaking two rules is one problem (was: "at most 9007199254740991" and the port range)', async () => {
    expect(await problems('dev:\n  ports:\n  - labelSelector: {a: b}\n    forward: [{port: 99999999999999999999999999}]\n')).toEqual([
      '4:22 dev.ports[0].forward[0].port: expected at most 9007199254740991, found number 1e+26',
    ]);
  });

  it('huge lists and maps end quickly in a located error (was: a stack overflow crash, or minutes for a 60 000-key map)', async () => {
    expect(await problems(`hooks: [${Array(60_000).fill('1').join(',')}]\n`)).toEqual([
      '1:100010 : YAML has more than 50000 lines and list items; devspace.yaml is limited to that many',
    ]);
    const map = await problems(`cluster: {${Array.from({ length: 40_000 }, (_, i) => `u${i}: 1`).join(', ')}}\n`);
    expect(map).toHaveLength(21);
    expect(map[20]).toMatch(/: and 39980 more problems from here on/);
    const dupText = `cluster: {${Array.from({ length: 40_000 }, (_, i) => `u${i}: 1`).join(', ')}, u7: 2}\n`;
    expect(await problems(dupText)).toEqual([
      `1:${dupText.lastIndexOf('u7') + 1} : YAML syntax error: Map keys must be unique (a key appears twice in the same map)`,
    ]);
  }, 120_000);

  it('positions after a broken token stay on the right line (was: one line too high, columns past the line end)', async () => {
    const found = await problems('cluster:\n  namespace: a\n},\ncluster2:\n  kubeContext: x\n');
    expect(found.slice(0, 3)).toEqual([
      '3:1 : YAML syntax error: Unexpected flow-map-end token in YAML stream: "}"',
      '3:2 : YAML syntax error: Unexpected scalar token in YAML stream: ",\\ncluster2"',
      '4:9 : YAML syntax error: Unexpected map-value-ind token in YAML stream: ":"',
    ]);
  });

  it('old Mac line ends (CR) count as lines, as yaml.v2 read them (was: the whole file was line 1)', async () => {
    expect(await problems('version: v1beta2\rcluster:\r  namespace: [x]\r')).toEqual(['3:14 cluster.namespace: expected string, found list']);
  });

  describe('files that are not UTF-8', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'devspace-fuzz-found-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const load = async (bytes: Buffer) => {
      await writeFile(path.join(dir, 'devspace.yaml'), bytes);
      return loadConfig({ cwd: dir, env: {} });
    };

    it('invalid UTF-8 is an error at the bad byte (was: silently turned into U+FFFD)', async () => {
      const err = await load(Buffer.concat([Buffer.from('version: v1beta2\ncluster:\n  namespace: a'), Buffer.from([0xff]), Buffer.from('\n')])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toBe('devspace.yaml:3:15: the file is not valid UTF-8 (byte 0xff); save it as UTF-8');
    });

    it('a file cut inside a character, or a lead byte before plain text, is located at that byte (was: a crash)', async () => {
      // Found by CI's run of fuzz-hostile (seed -2057210127): NUL then 0xEF crashed the decoder.
      const cases: [Buffer, string][] = [
        [Buffer.from([0x00, 0xef]), 'devspace.yaml:1:2: the file is not valid UTF-8 (it ends in half a character, byte 0xef); save it as UTF-8'],
        [Buffer.from([0x61, 0x0a, 0xef, 0x41]), 'devspace.yaml:2:1: the file is not valid UTF-8 (byte 0xef); save it as UTF-8'],
        [Buffer.from('version: v1beta2\n# caf\xc3', 'latin1'), 'devspace.yaml:2:6: the file is not valid UTF-8 (it ends in half a character, byte 0xc3); save it as UTF-8'],
      ];
      for (const [bytes, message] of cases) {
        const err = await load(bytes).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).message).toBe(message);
      }
    });

    it('UTF-16 with a byte order mark (PowerShell 5 `>` output) loads (was: unreadable)', async () => {
      const text = '\ufeffversion: v1beta2\ncluster:\n  namespace: ns\n';
      const le = Buffer.from(text, 'utf16le');
      expect((await load(le)).config).toEqual({ version: 'v1beta2', cluster: { namespace: 'ns' } });
      expect((await load(Buffer.from(le).swap16())).config).toEqual({ version: 'v1beta2', cluster: { namespace: 'ns' } });
    });
  });
});
