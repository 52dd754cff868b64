import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, UserError, type ConfigIssue } from '../errors.js';
import { decodeConfig } from './decode.js';
import { Locator } from './locate.js';
import { MAX_CONFIG_BYTES, parseYaml, tooLargeIssue } from './parse-yaml.js';
import { boundLine, quoted } from './quote.js';
import { checkReferences } from './references.js';
import { isLegacyVersion, LEGACY_VERSIONS } from './legacy/upgrade.js';
import { loadLegacy } from './legacy/load-legacy.js';
import { configFileIn, findProjectRoot, rootOfConfigFile } from './root.js';
import { CONFIG_VERSION } from './schema.js';
import type { LoadedConfig, LoadOptions } from './types.js';
import { describe, validateSchema } from './validate.js';
import { substituteVariables } from './variables.js';

const READS = `DevSpace v3.5 configs, ${LEGACY_VERSIONS[0]} to ${CONFIG_VERSION}`;

/** Finds, reads and validates devspace.yaml; throws UserError when there is none and ConfigError when it is invalid. */
export async function loadConfig(opts: LoadOptions): Promise<LoadedConfig> {
  const cwd = path.resolve(opts.cwd);
  let file: string;
  if (opts.file) {
    file = path.resolve(cwd, opts.file);
  } else {
    const root = await findProjectRoot(cwd);
    const found = root && (await configFileIn(root));
    if (!found) throw new UserError(`no devspace.yaml found in ${cwd} or any parent directory; run \`devspace init\``, 2);
    file = found;
  }
  const shown = displayName(cwd, file);

  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`${shown} is not a file`, 2);
    size = info.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`config file ${shown} does not exist`, 2);
    throw new UserError(`cannot read ${shown}: ${code ?? (err as Error).message}`, 2);
  }
  // Checked before reading so a huge file costs nothing.
  if (size > MAX_CONFIG_BYTES) throw new ConfigError([tooLargeIssue(shown, size)]);
  const decoded = decodeConfig(await readFile(file));
  if (!decoded.ok) throw new ConfigError([{ file: shown, line: decoded.line, column: decoded.column, path: '', message: decoded.message }]);
  return parseInternal(decoded.text, shown, file, opts);
}

/** The same checks as loadConfig on text already in memory; `file` is used in messages and for the root. */
export async function parseConfigText(
  text: string,
  file: string,
  opts: Omit<LoadOptions, 'cwd' | 'file'> = {},
): Promise<LoadedConfig> {
  return parseInternal(text, file, path.resolve(file), opts);
}

async function parseInternal(
  text: string,
  shown: string,
  absFile: string,
  opts: Omit<LoadOptions, 'cwd' | 'file'>,
): Promise<LoadedConfig> {
  const parsed = parseYaml(text, shown);
  if (!parsed.ok) throw configError(parsed.issues);
  const locator = new Locator(parsed.doc, parsed.lines);
  const root = rootOfConfigFile(absFile);

  let substituted;
  try {
    substituted = await substituteVariables(
      parsed.value,
      { vars: opts.vars, env: opts.env, interactive: opts.interactive, prompt: opts.prompt, root },
      shown,
      (p, needle) => locator.within(p, needle, parsed.text),
    );
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw configError([{ file: shown, line: 1, column: 1, path: '', message: 'YAML is nested too deeply' }]);
  }
  const data = substituted.value as Record<string, unknown>;
  const issues: ConfigIssue[] = substituted.issues;

  const versionIssue = substituted.unresolved.has('version') ? undefined : checkVersion(data, shown, locator);
  // Other errors would be judged against the wrong schema.
  if (versionIssue) throw configError([...issues, versionIssue]);
  if (isLegacyVersion(data.version)) {
    const legacy = loadLegacy(data.version, data, { file: shown, locator, unresolved: substituted.unresolved, issues });
    if (!legacy.ok) throw configError(legacy.issues);
    return { root, file: absFile, config: legacy.config, locate: legacy.locate };
  }
  const validated = validateSchema(data, shown, locator, substituted.unresolved);
  // concat, not push(...): a list of 100 000 wrong items gives as many issues, too many for spread arguments.
  const all = issues.concat(validated.ok ? [] : validated.issues, checkReferences(data, shown, locator));
  if (all.length > 0 || !validated.ok) throw configError(all);

  return {
    root,
    file: absFile,
    config: validated.config,
    locate: (p) => locator.value(p),
  };
}

function checkVersion(data: Record<string, unknown>, file: string, locator: Locator): ConfigIssue | undefined {
  const version = data.version;
  if (version === undefined || version === null || version === CONFIG_VERSION) return undefined;
  const at = { file, ...locator.value(['version']), path: 'version' };
  if (typeof version !== 'string') return { ...at, message: `expected string "${CONFIG_VERSION}", found ${describe(version)}` };
  if (isLegacyVersion(version)) return undefined;
  if (/^v1beta([3-9]|\d{2,})$/.test(version) || /^v[2-9]/.test(version)) {
    return { ...at, message: `config version ${quoted(version, 20)} is newer than ${CONFIG_VERSION} (it comes from DevSpace v4 or later); this devspace reads ${READS}` };
  }
  return { ...at, message: `unknown config version ${quoted(version, 20)}; this devspace reads ${READS}` };
}

function displayName(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Orders issues by position so they read top to bottom. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Issues shown at most; a file with thousands of wrong entries gets the first ones and a count. */
const MAX_SHOWN_ISSUES = 20;
const MAX_PATH = 120;
const MAX_MESSAGE = 240;

/**
 * The one ConfigError for a list of issues: sorted, one per place (a huge number breaks two rules at once,
 * the first is enough), at most MAX_SHOWN_ISSUES plus a line counting the rest, each line bounded.
 */
function configError(issues: ConfigIssue[]): ConfigError {
  const seen = new Set<string>();
  const unique = sortIssues(issues).filter((i) => {
    const key = i.path ? `${i.path}@${i.line}:${i.column}` : `${i.line}:${i.column}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const shown = unique.slice(0, MAX_SHOWN_ISSUES).map((i) => ({ ...i, path: boundLine(i.path, MAX_PATH), message: boundLine(i.message, MAX_MESSAGE) }));
  const rest = unique.length - shown.length;
  if (rest > 0) {
    const next = unique[MAX_SHOWN_ISSUES]!;
    shown.push({ ...next, path: '', message: `and ${rest} more problem${rest === 1 ? '' : 's'} from here on; fix the ones above first` });
  }
  return new ConfigError(shown);
}
