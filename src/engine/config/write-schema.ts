/**
 * Writes devspace.schema.json, the JSON Schema of devspace.yaml, from the same zod definitions that
 * validate it, so editors and the CLI never disagree. Run `npm run schema` after changing a schema module
 * (a unit test fails while the committed file is stale).
 *
 * Editor support: put this first line in devspace.yaml to get completion and checks from
 * yaml-language-server (VS Code YAML extension, and others):
 *
 *   # yaml-language-server: $schema=./node_modules/devspace/devspace.schema.json
 *
 * or point `$schema=` at a checkout's devspace.schema.json. Set the extension's YAML version to 1.1 to
 * match how devspace reads `yes`/`no`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DevspaceConfigSchema } from './schema.js';
import { stringishDefs } from './schema-common.js';

/** Where the schema lives in the package: the repository root, three levels above this module in src/ or dist/. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../devspace.schema.json', import.meta.url));

/** The JSON Schema (draft-07, which yaml-language-server reads) describing devspace.yaml. */
export function generateSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(DevspaceConfigSchema, {
    target: 'draft-07',
    io: 'input',
    override: (ctx) => {
      // String fields also take numbers and booleans (their text is used), as DevSpace v3.5 did.
      if (stringishDefs.has(ctx.zodSchema._zod.def)) ctx.jsonSchema.type = ['string', 'number', 'boolean'];
    },
  });
  return { ...schema, title: 'devspace.yaml (v1beta2)' };
}

/** The exact text of devspace.schema.json. */
export function schemaText(): string {
  return `${JSON.stringify(generateSchema(), null, 2)}\n`;
}

/** Writes the schema file and returns its path. */
export async function writeSchema(file: string = SCHEMA_PATH): Promise<string> {
  await writeFile(file, schemaText());
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeSchema(process.argv[2]).then(
    (file) => process.stdout.write(`wrote ${file}\n`),
    (err: unknown) => {
      process.stderr.write(`write-schema: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
