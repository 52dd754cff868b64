import { describe, expect, it } from 'vitest';
import { generateSchema } from '../../../src/engine/config/write-schema.js';
import { parseConfigText, type DevspaceConfig } from '../../../src/engine/config/index.js';
import { fixture } from './helpers.js';

const load = (name: string, vars: Record<string, string> = {}) => parseConfigText(fixture(name), name, { env: {}, vars });

describe('valid devspace.yaml files', () => {
  it('loads the research example (§1.4) with its values intact', async () => {
    const { config, locate } = await load('research-example.yaml');
    expect(config.version).toBe('v1beta2');
    expect(config.images?.default?.image).toBe('registry.example.com/team/api');
    expect(config.images?.default?.build?.docker?.options?.buildArgs).toEqual({ NODE_ENV: 'production' });
    expect(config.deployments?.[0]?.component?.containers?.[0]?.env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
    expect(config.dev?.ports?.[0]?.forward).toEqual([{ port: 3000 }, { port: 9229, remotePort: 9229 }]);
    expect(config.dev?.selectors?.[0]?.labelSelector).toEqual({ 'app.kubernetes.io/component': 'api' });
    expect(config.dev?.sync?.[0]?.waitInitialSync).toBe(true);
    expect(config.dev?.terminal?.command).toEqual(['bash']);
    expect(config.cluster?.namespace).toBe('my-dev-ns');
    expect(locate(['dev', 'ports', 0, 'forward', 1, 'remotePort'])).toEqual({ line: 39, column: 19 });
    expect(locate(['cluster', 'namespace'])).toEqual({ line: 55, column: 14 });
  });

  it('loads a file with only a version', async () => {
    const { config } = await load('minimal.yaml');
    expect(config).toEqual({ version: 'v1beta2' });
  });

  it('treats a missing version as v1beta2', async () => {
    const { config } = await parseConfigText('cluster:\n  namespace: x\n', 'devspace.yaml', { env: {} });
    expect(config).toEqual({ cluster: { namespace: 'x' } });
  });

  it('loads the file that uses every key, and that file really covers every key of the schema', async () => {
    const { config } = await load('every-key.yaml');
    expect(config.images?.['custom-built']?.build?.custom?.command).toBe('./build.sh');
    expect(config.deployments?.map((d) => d.name)).toEqual(['component', 'chart', 'manifests']);
    expect(config.deployments?.[0]?.component?.rollingUpdate?.maxUnavailable).toBe('1');
    expect(config.dev?.sync?.[0]?.bandwidthLimits).toEqual({ download: 100, upload: 50 });
    expect(config.hooks?.[0]?.when?.after?.deployments).toBe('component');

    const missing = [...schemaKeyPaths(generateSchema())].filter((p) => !configKeyPaths(config).has(p));
    expect(missing).toEqual([]);
  });

  it('accepts what the Go loader (YAML 1.1) accepted: yes/no/on/off, merge keys, numbers in strings, 0x ints', async () => {
    const { config } = await load('go-quirks.yaml');
    const api = config.images?.api;
    expect(api?.tag).toBe('1.1');
    expect(api?.build?.docker?.skipPush).toBe(true);
    expect(api?.build?.docker?.options?.buildArgs).toEqual({ NODE_VERSION: '12', DEBUG: 'true' });
    // `<<: *base` copies the anchored image, then the worker's own keys win.
    expect(config.images?.worker).toMatchObject({ image: 'registry.example.com/worker', dockerfile: './Dockerfile' });
    expect(config.images?.worker?.tag).toBe('2019-08-23');
    expect(config.images?.worker && 'createPullSecret' in config.images.worker).toBe(false);
    expect(config.deployments?.[1]?.helm?.wait).toBe(false);
    expect(config.deployments?.[1]?.helm?.timeout).toBe(60);
    expect(config.deployments?.[1]?.helm?.values).toEqual({ replicas: 2, nested: { deep: [1, 2, { x: null }] } });
    expect(config.dev?.ports?.[0]?.labelSelector).toEqual({ app: 'api', tier: '1' });
    expect(config.dev?.sync?.[0]?.waitInitialSync).toBe(false);
    expect(config.dev?.terminal?.disabled).toBe(true);
    // yaml.v2 has no sexagesimal numbers or timestamps, but it does read 0755 as octal.
    expect(config.hooks?.[0]?.args).toEqual(['1:20', '2019-08-23T10:00:00Z', '493']);
  });

  it('loads what `devspace init` generated, with its ${DEVSPACE_USERNAME} given as a var', async () => {
    const { config } = await load('init-style.yaml', { DEVSPACE_USERNAME: 'alice' });
    expect(config.images?.default?.image).toBe('dscr.io/alice/devspace');
    expect(config.deployments?.[0]?.component?.containers?.[0]?.image).toBe('dscr.io/alice/devspace');
    // A whole-string number in a string list stays a string.
    expect(config.dev?.overrideImages?.[0]?.entrypoint).toEqual(['sleep', '999999999999']);
  });

  it('reports the config file path and project root', async () => {
    const loaded = await parseConfigText('version: v1beta2\n', '/tmp/project/devspace.yaml', { env: {} });
    expect(loaded.file).toBe('/tmp/project/devspace.yaml');
    expect(loaded.root).toBe('/tmp/project');
  });
});

type Json = Record<string, unknown>;

/** Dotted key paths the JSON Schema defines (`*` for map entries, `[]` for list items). */
function schemaKeyPaths(schema: Json, prefix = '', out = new Set<string>()): Set<string> {
  const props = schema.properties as Record<string, Json> | undefined;
  for (const [key, sub] of Object.entries(props ?? {})) {
    const p = prefix ? `${prefix}.${key}` : key;
    out.add(p);
    walkSchema(sub, p, out);
  }
  return out;
}

function walkSchema(schema: Json, p: string, out: Set<string>): void {
  if (schema.type === 'array' && schema.items) walkSchema(schema.items as Json, `${p}[]`, out);
  else if (schema.properties) schemaKeyPaths(schema, p, out);
  else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const inner = schema.additionalProperties as Json;
    if (inner.properties) schemaKeyPaths(inner, `${p}.*`, out);
  }
}

/** The same paths as they occur in a config; free-form maps are not descended into. */
function configKeyPaths(config: DevspaceConfig): Set<string> {
  const schemaPaths = schemaKeyPaths(generateSchema());
  const out = new Set<string>();
  const walk = (v: unknown, p: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, `${p}[]`));
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const direct = p ? `${p}.${k}` : k;
      if (schemaPaths.has(direct)) {
        out.add(direct);
        walk(x, direct);
      } else if ([...schemaPaths].some((s) => s.startsWith(`${p}.*.`))) {
        walk(x, `${p}.*`);
      }
    }
  };
  walk(config, '');
  return out;
}
