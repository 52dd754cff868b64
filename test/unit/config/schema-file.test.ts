import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateSchema, SCHEMA_PATH, schemaText } from '../../../src/engine/config/write-schema.js';

describe('devspace.schema.json', () => {
  it('is committed exactly as generated from the zod schema (run `npm run schema` after schema changes)', async () => {
    expect(await readFile(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });

  it('is strict and says which keys are required', () => {
    const schema = generateSchema() as {
      $schema: string;
      additionalProperties: boolean;
      properties: { dev: { properties: { ports: { items: { required: string[]; additionalProperties: boolean } } } } };
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    const ports = schema.properties.dev.properties.ports.items;
    expect(ports.required).toEqual(['forward']);
    expect(ports.additionalProperties).toBe(false);
  });
});
