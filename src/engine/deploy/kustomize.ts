import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { KubectlConfig } from '../config/index.js';
import { isAbortError, UserError } from '../errors.js';
import { parseManifestText } from './manifests.js';
import type { SourcedObject } from './types.js';

// Cap on rendered output, so a runaway kustomization cannot fill memory.
const MAX_OUTPUT = 32 << 20;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * `kubectl.kustomize: true`: each `manifests` entry is a kustomization
 * folder (v3.5: `*` stripped, a trailing `kustomization.yaml` trimmed),
 * rendered with `<cmdPath> kustomize <dir>` (kubectl's built-in kustomize)
 * and then applied through the API like plain manifests.
 */
export async function renderKustomizations(
  root: string,
  kubectl: KubectlConfig,
  where: string,
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<{ dirs: string[]; objects: SourcedObject[] }> {
  const bin = kubectl.cmdPath ?? 'kubectl';
  const dirs: string[] = [];
  const objects: SourcedObject[] = [];
  for (const [i, entry] of kubectl.manifests.entries()) {
    const at = `${where}.manifests[${i}]`;
    const dir = path.resolve(root, entry.replace(/\*/g, '').replace(/(^|\/)(kustomization\.ya?ml|Kustomization)$/, '$1') || '.');
    const rel = path.relative(root, dir).split(path.sep).join('/') || '.';
    if (!(await hasKustomization(dir))) throw new UserError(`${at}: ${rel} has no kustomization.yaml`, 2);
    const text = await kustomize(bin, dir, rel, at, opts);
    objects.push(...parseManifestText(text, `kustomize ${rel}`));
    dirs.push(dir);
  }
  return { dirs, objects };
}

async function hasKustomization(dir: string): Promise<boolean> {
  for (const name of KUSTOMIZATION_FILES) {
    if (await stat(path.join(dir, name)).then((s) => s.isFile(), () => false)) return true;
  }
  return false;
}

/** stdout of `<bin> kustomize <dir>`; a failure is one line with kustomize's own reason. */
function kustomize(bin: string, dir: string, rel: string, at: string, opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['kustomize', dir], { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_OUTPUT) out.push(c);
      else child.kill();
    });
    child.stderr.on('data', (c: Buffer) => (err.length < 64 << 10 ? (err += c.toString()) : undefined));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (isAbortError(e)) return reject(e);
      const why = e.code === 'ENOENT' ? `${bin} was not found` : e.message;
      reject(new UserError(`${at}: kustomize deployments are rendered with \`${bin} kustomize\`, and ${why}`, 1, 'install kubectl or set kubectl.cmdPath'));
    });
    child.on('close', (code) => {
      if (size > MAX_OUTPUT) return reject(new UserError(`${at}: kustomize ${rel} printed more than ${MAX_OUTPUT >> 20} MB`, 2));
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const last = err.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${code}`;
      reject(new UserError(`${at}: kustomize ${rel} failed: ${last.replace(/^error: /i, '')}`, 2));
    });
  });
}
