import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack, bin, repo } from './helpers.js';

const COMMANDS = ['dev', 'enter', 'logs', 'analyze', 'build', 'deploy', 'purge', 'sync', 'init'];
let tmp: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'devspace-cli-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('devspace (basics)', () => {
  it('--version prints the package.json version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    const r = await devspace(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists every command, and each command has examples', async () => {
    const r = await devspace(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    for (const c of COMMANDS) {
      const sub = await devspace([c, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain('Examples:');
      expect(sub.stdout).toContain(`$ devspace ${c}`);
    }
  });

  it('no arguments prints the help and succeeds', async () => {
    const r = await devspace([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: devspace');
  });

  it('an unknown flag is one line and exit 2, no stack', async () => {
    const r = await devspace(['dev', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--frobnicate' (see `devspace dev --help`)\n");
    expect(r.stdout).toBe('');
  });

  it('a bad number or KEY=VALUE is a usage error', async () => {
    const lines = await devspace(['logs', '--lines', 'abc']);
    expect(lines.code).toBe(2);
    expect(lines.stderr.trim().split('\n')).toHaveLength(1);
    expect(lines.stderr).toContain("'abc' is invalid");
    const v = await devspace(['dev', '--var', 'NOEQUALS']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('expected KEY=VALUE');
  });

  it('an unknown command suggests the right one', async () => {
    const r = await devspace(['dve']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Did you mean dev?');
  });

  it('`help <unknown>` is one line, and a closed pipe is not a crash', async () => {
    const r = await devspace(['help', 'nope']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'nope' (see `devspace --help`)\n" });
    const piped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.destroy(); // the reader went away, as with `| head -0`
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(piped.stderr).not.toContain('EPIPE');
    expect(piped.code).toBe(0);
  });

  it.each(['build', 'deploy', 'purge'])('%s outside a project is one line, exit 2, pointing at init', async (c) => {
    const r = await devspace([c], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: no devspace\.yaml in .* run `devspace init`/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it.each(['enter', 'logs', 'analyze', 'sync'])('%s without any kubeconfig says so in one line, exit 1', async (c) => {
    const r = await devspace([c], { cwd: tmp, env: { ...process.env, KUBECONFIG: '', HOME: tmp } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no kubeconfig found/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it('--version loads no heavy dependency', async () => {
    // A module hook records every resolved module of a real `devspace --version`.
    const log = path.join(tmp, 'resolved.log');
    const hooks = path.join(tmp, 'hooks.mjs');
    const register = path.join(tmp, 'register.mjs');
    await writeFile(log, '');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
    );
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const r = await devspace(['--version'], { env: { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` } });
    expect(r.code).toBe(0);
    const resolved = readFileSync(log, 'utf8');
    expect(resolved).toContain('/dist/cli/main.js');
    for (const heavy of ['/ink/', '/react/', '/@kubernetes/', '/dockerode/', '/yaml/', '/zod/']) {
      expect(resolved, heavy).not.toContain(`node_modules${heavy}`);
    }
  });
});
