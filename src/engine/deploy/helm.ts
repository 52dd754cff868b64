import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { hashEntries } from '../build/content-hash.js';
import { expandGlobs } from '../build/glob.js';
import type { HelmConfig } from '../config/index.js';
import { isAbortError, UserError } from '../errors.js';
import type { KubeTarget } from '../kube/context.js';
import { replaceImageRefs, type ImageRefs } from './image-refs.js';
import { parseManifestText } from './manifests.js';
import type { SourcedObject } from './types.js';

/** Where to get Helm, for the error when it is missing. */
export const HELM_INSTALL_HINT = 'install Helm 3 from https://helm.sh/docs/intro/install/ and put `helm` on PATH, or use a component or kubectl deployment';

// Cap on captured output, so a chatty chart cannot fill memory.
const MAX_OUTPUT = 1 << 20;

/** The `helm` executable on PATH, or undefined. */
export async function findHelm(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['helm.exe', 'helm.cmd', 'helm'] : ['helm'];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      const ok = await access(file, constants.X_OK).then(
        () => stat(file).then((s) => s.isFile()),
        () => false,
      );
      if (ok) return file;
    }
  }
  return undefined;
}

/** The Helm binary, or the UserError saying it is needed and where to get it. */
export async function requireHelm(deployment: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const bin = await findHelm(env);
  if (!bin) throw new UserError(`${deployment} is a Helm deployment, which needs the \`helm\` binary, and it is not on PATH`, 1, HELM_INSTALL_HINT);
  return bin;
}

/** A local chart directory (relative to the project root), or undefined for a chart name in a repository. */
export async function localChartDir(root: string, helm: HelmConfig): Promise<string | undefined> {
  if (helm.chart.repo) return undefined;
  const dir = path.resolve(root, helm.chart.name);
  const st = await stat(dir).catch(() => undefined);
  return st?.isDirectory() ? dir : undefined;
}

/** Maps are merged key by key; lists and scalars are replaced (Helm's and v3.5's rule). */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isMap(prev) && isMap(v) ? mergeValues(prev, v) : v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function readValuesFile(file: string, where: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`${where}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new UserError(`${where}: ${file}: ${(err as Error).message.split('\n')[0]}`, 2);
  }
  if (value === null || value === undefined) return {};
  if (!isMap(value)) throw new UserError(`${where}: ${file} must hold a map of values`, 2);
  return value;
}

/**
 * The values devspace hands to Helm: the local chart's values.yaml, then
 * each `valuesFiles` entry, then `values`, merged; then (unless
 * `devSpaceValues: false`) every string naming a built image replaced by
 * its fresh reference.
 */
export async function helmValues(root: string, helm: HelmConfig, refs: ImageRefs, where: string): Promise<{ values: Record<string, unknown>; used: string[] }> {
  let values: Record<string, unknown> = {};
  const chartDir = await localChartDir(root, helm);
  if (chartDir) {
    const own = path.join(chartDir, 'values.yaml');
    if (await stat(own).then(() => true, () => false)) values = await readValuesFile(own, `${where}.chart`);
  }
  for (const [i, f] of (helm.valuesFiles ?? []).entries()) {
    values = mergeValues(values, await readValuesFile(path.resolve(root, f), `${where}.valuesFiles[${i}]`));
  }
  if (helm.values) values = mergeValues(values, helm.values as Record<string, unknown>);
  if (helm.devSpaceValues === false) return { values, used: [] };
  const replaced = replaceImageRefs(values, refs, 'any-string');
  return { values: replaced.value, used: replaced.used };
}

/** Content digest of a local chart directory, so chart edits trigger a redeploy. */
export async function chartDigest(chartDir: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
  if (!chartDir) return undefined;
  return hashEntries(await expandGlobs(chartDir, ['**'], signal), signal);
}

/** Options for one Helm invocation. */
export interface HelmInvocation {
  bin: string;
  kube: KubeTarget;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Strings to blank out of any output we show (the chart repository password). */
  secrets?: string[];
}

/** `helm <args>` against the kube target; resolves to stdout, rejects with a one-line UserError. */
export async function runHelm(args: readonly string[], inv: HelmInvocation, what: string): Promise<string> {
  const env = { ...(inv.env ?? process.env) };
  // Same kubeconfig and context as the rest of the run; in-cluster Helm finds its own.
  const full = [...args];
  if (inv.kube.files.length) {
    env.KUBECONFIG = inv.kube.files.join(path.delimiter);
    full.push('--kube-context', inv.kube.context);
  }
  const redact = (s: string): string => (inv.secrets ?? []).filter(Boolean).reduce((t, secret) => t.split(secret).join('***'), s);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(inv.bin, full, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(inv.signal ? { signal: inv.signal } : {}) });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out.length < MAX_OUTPUT ? (out += c.toString()) : undefined));
    child.stderr.on('data', (c: Buffer) => (err.length < MAX_OUTPUT ? (err += c.toString()) : undefined));
    child.on('error', (e) => {
      if (isAbortError(e)) reject(e);
      else reject(new UserError(`${what}: cannot run ${inv.bin}: ${e.message}`, 1, HELM_INSTALL_HINT));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(out);
      const lines = redact(err || out).split('\n').map((l) => l.trim()).filter(Boolean);
      const last = lines.filter((l) => !/^(WARNING|walk\.go)/.test(l)).pop() ?? `exit code ${code}`;
      reject(new UserError(`${what}: ${last.replace(/^Error: /, '')}`, 1));
    });
  });
}

/**
 * `helm upgrade --install` the release with the values in a private temp
 * file (it may hold secrets), then read back what it created through
 * `helm get manifest` so rollout and purge know the objects.
 */
export async function installRelease(
  name: string,
  namespace: string,
  helm: HelmConfig,
  values: Record<string, unknown>,
  chartDir: string | undefined,
  inv: HelmInvocation,
): Promise<SourcedObject[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'devspace-helm-'));
  try {
    const file = path.join(dir, 'values.yaml');
    await writeFile(file, stringifyYaml(values), { mode: 0o600 });
    const chart = helm.chart;
    const args = ['upgrade', '--install', name, chartDir ?? chart.name, '--namespace', namespace, '--values', file];
    if (!chartDir && chart.repo) args.push('--repo', chart.repo);
    if (chart.version) args.push('--version', chart.version);
    if (chart.username) args.push('--username', chart.username);
    if (chart.password) args.push('--password', chart.password);
    if (helm.wait) args.push('--wait');
    if (helm.timeout) args.push('--timeout', `${helm.timeout}s`);
    if (helm.force) args.push('--force');
    // Helm 3's answer to v3.5's `rollback: true`: undo a failed upgrade.
    if (helm.rollback) args.push('--atomic');
    await runHelm(args, { ...inv, secrets: [chart.password ?? ''] }, `helm upgrade of release ${name} failed`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const manifest = await runHelm(['get', 'manifest', name, '--namespace', namespace], inv, `cannot read release ${name}`);
  return parseManifestText(manifest, `helm release ${name}`);
}

/** `helm uninstall`; a release that is already gone is fine. Returns false then. */
export async function uninstallRelease(name: string, namespace: string, inv: HelmInvocation): Promise<boolean> {
  try {
    await runHelm(['uninstall', name, '--namespace', namespace], inv, `helm uninstall of release ${name} failed`);
    return true;
  } catch (err) {
    if (err instanceof UserError && /not found/i.test(err.message)) return false;
    throw err;
  }
}
