import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/engine/config/index.js';

// The shipped examples are what new users copy first: they must always load.
describe('shipped example configs', () => {
  for (const file of ['devspace.yaml.example', 'examples/quickstart/devspace.yaml']) {
    it(`${file} loads and names the quickstart image`, async () => {
      const loaded = await parseConfigText(readFileSync(file, 'utf8'), file);
      expect(loaded.config.images?.default?.image).toBe('127.0.0.1:5000/quickstart');
      expect(loaded.config.dev?.ports?.[0]?.forward[0]?.port).toBe(8080);
      expect(loaded.config.dev?.sync?.[0]?.containerPath).toBe('/app/public');
    });
  }
});
