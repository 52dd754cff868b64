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
      // `repo update` says why on stdout, under "Unable to get an update", and only "Failed to update" on stderr.
      const why = /Unable to get an update from[^\n]*\n\s*([^\n]+)/.exec(redact(out))?.[1]?.trim();
      reject(new UserError(`${what}: ${why ?? last.replace(/^Error: /, '')}`, 1));
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
    const secretInv = { ...inv, secrets: [chart.password ?? ''] };
    const source = chartDir ? { ref: chartDir, flags: [] } : chart.repo ? await repoSource(chart, dir, secretInv) : { ref: chart.name, flags: [] };
    const args = ['upgrade', '--install', name, source.ref, '--namespace', namespace, '--values', file, ...source.flags];
    if (chart.version) args.push('--version', chart.version);
    if (helm.wait) args.push('--wait');
    if (helm.timeout) args.push('--timeout', `${helm.timeout}s`);
    if (helm.force) args.push('--force');
    // Helm 3's answer to v3.5's `rollback: true`: undo a failed upgrade.
    if (helm.rollback) args.push('--atomic');
    await runHelm(args, secretInv, `helm upgrade of release ${name} failed`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const manifest = await runHelm(['get', 'manifest', name, '--namespace', namespace], inv, `cannot read release ${name}`);
  return parseManifestText(manifest, `helm release ${name}`);
}

// The name the chart repository gets in the private repositories file.
const REPO_ALIAS = 'devspace-chart';

/**
 * How `helm upgrade` finds a chart in a repository. Without credentials,
 * `--repo`. With them, a private repositories file (0600, in `dir`, deleted
 * with it) and its own index cache: `--username`/`--password` would put the
 * password on the command line, where every user of the machine can read it.
 */
async function repoSource(chart: HelmConfig['chart'], dir: string, inv: HelmInvocation): Promise<{ ref: string; flags: string[] }> {
  if (!chart.username && !chart.password) return { ref: chart.name, flags: ['--repo', chart.repo!] };
  const config = path.join(dir, 'repositories.yaml');
  const entry = { name: REPO_ALIAS, url: chart.repo, username: chart.username ?? '', password: chart.password ?? '' };
  await writeFile(config, stringifyYaml({ apiVersion: '', generated: '0001-01-01T00:00:00Z', repositories: [entry] }), { mode: 0o600 });
  const flags = ['--repository-config', config, '--repository-cache', path.join(dir, 'cache')];
  await runHelm(['repo', 'update', REPO_ALIAS, '--fail-on-repo-update-fail', ...flags], inv, `cannot read the chart repository ${chart.repo}`);
  return { ref: `${REPO_ALIAS}/${chart.name}`, flags };
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
