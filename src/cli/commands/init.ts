import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../../engine/errors.js';
import { parseDockerfile, parseDockerignore } from '../init/dockerfile.js';
import {
  componentName,
  containerPath,
  DEFAULT_REGISTRY,
  forwardsFor,
  splitImage,
  type StarterPlan,
  starterConfig,
  validImageName,
} from '../init/starter-config.js';
import type { CliIO, CommandRun } from '../program.js';

interface InitFlags {
  image?: string;
  dockerfile?: string;
  force?: boolean;
}

const HEADER = [
  '# devspace.yaml written by `devspace init` (config version v1beta2).',
  '# `devspace dev` builds the image, deploys it, forwards the ports below,',
  '# syncs this folder into the container and opens a terminal in it.',
  '',
].join('\n');

/**
 * `devspace init`: write a starter devspace.yaml from the Dockerfile in the
 * current folder, without questions. Never overwrites one unless `--force`.
 */
export const runInit: CommandRun = async (opts, _args, io) => {
  const flags = opts as InitFlags;
  const dir = io.cwd;
  const target = path.join(dir, 'devspace.yaml');
  if (existsSync(target) && !flags.force) {
    throw new UserError('devspace.yaml already exists here', 1, 'pass --force to overwrite it, or edit it by hand');
  }
  const dockerfileAbs = path.resolve(dir, flags.dockerfile ?? './Dockerfile');
  const dockerfile = await readFile(dockerfileAbs, 'utf8').catch(() => {
    throw new UserError(
      `no Dockerfile at ${path.relative(dir, dockerfileAbs) || dockerfileAbs}; devspace init builds on one`,
      1,
      'write a Dockerfile first, or point --dockerfile at yours',
    );
  });
  const plan = makePlan(dir, flags, dockerfile, dockerfileAbs, await readOptional(path.join(dir, '.dockerignore')));

  const yaml = HEADER + stringify(starterConfig(plan), { lineWidth: 0, aliasDuplicateObjects: false });
  await writeFile(target, yaml, { flag: flags.force ? 'w' : 'wx' });
  const gitignore = await ensureGitignore(dir);
  summarise(io, plan, gitignore);
  return 0;
};

function makePlan(dir: string, flags: InitFlags, dockerfile: string, dockerfileAbs: string, dockerignore: string): StarterPlan {
  const name = componentName(path.basename(dir));
  const { image, tag } = splitImage(flags.image ?? `${DEFAULT_REGISTRY}/${name}`);
  if (!validImageName(image) || (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))) {
    throw new UserError(`invalid --image "${flags.image}": expected [registry/]name[:tag] in lowercase`, 2);
  }
  const rel = path.relative(dir, dockerfileAbs).split(path.sep).join('/');
  return {
    name,
    image,
    ...(tag ? { tag } : {}),
    dockerfile: rel.startsWith('..') ? rel : `./${rel}`,
    facts: parseDockerfile(dockerfile),
    excludes: parseDockerignore(dockerignore),
  };
}

async function readOptional(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

/** Add `.devspace/` (lock, logs, caches) to .gitignore; returns what was done. */
async function ensureGitignore(dir: string): Promise<'added' | 'created' | 'present'> {
  const file = path.join(dir, '.gitignore');
  const text = await readOptional(file);
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => l === '.devspace' || l === '.devspace/' || l === '/.devspace' || l === '/.devspace/')) return 'present';
  const existed = existsSync(file);
  await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}.devspace/\n`);
  return existed ? 'added' : 'created';
}

function summarise(io: CliIO, plan: StarterPlan, gitignore: 'added' | 'created' | 'present'): void {
  const ports = plan.facts.ports.map((p) => (p.protocol === 'TCP' ? String(p.port) : `${p.port}/${p.protocol.toLowerCase()}`));
  const forwards = forwardsFor(plan).map((f) => `localhost:${f.port} → ${f.remotePort ?? f.port}`);
  const out = [
    'wrote devspace.yaml',
    `  image       ${plan.image}${plan.tag ? `:${plan.tag}` : ''} (from ${plan.dockerfile})`,
    `  deployment  ${plan.name}${ports.length ? ` (service ports ${ports.join(', ')})` : ' (no EXPOSE in the Dockerfile: no service)'}`,
    `  ports       ${forwards.length ? forwards.join(', ') : 'none'}`,
    `  sync        ./ → ${containerPath(plan)}${plan.excludes.length ? ` (excluding ${plan.excludes.length} pattern${plan.excludes.length === 1 ? '' : 's'} from .dockerignore)` : ''}`,
    ...plan.facts.notes.map((n) => `note: ${n}`),
    ...(gitignore === 'present' ? [] : [`${gitignore === 'created' ? 'created .gitignore with' : 'added'} .devspace/${gitignore === 'added' ? ' to .gitignore' : ''}`]),
    'next: devspace dev',
  ];
  io.stdout.write(out.join('\n') + '\n');
}
