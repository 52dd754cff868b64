import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigIssue } from '../../../src/engine/errors.js';
import { parseConfigText } from '../../../src/engine/config/index.js';
import type { LoadOptions } from '../../../src/engine/config/index.js';

/** Absolute path of a file in test/fixtures/config. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
}

/** Text of a file in test/fixtures/config. */
export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** Parses text that must be invalid and returns the reported issues (fails the test if it loads). */
export async function issuesOf(text: string, opts: Omit<LoadOptions, 'cwd' | 'file'> = {}): Promise<ConfigIssue[]> {
  try {
    await parseConfigText(text, 'devspace.yaml', { env: {}, ...opts });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

/** The issues as `line:column path: message` strings, the easiest form to compare exactly. */
export async function problems(text: string, opts: Omit<LoadOptions, 'cwd' | 'file'> = {}): Promise<string[]> {
  return (await issuesOf(text, opts)).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}
