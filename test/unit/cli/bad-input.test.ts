import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devspace, ensureBuilt, hasStack, type CliResult } from './helpers.js';

// Bad flags and arguments through the built CLI: every one is a single `error:` line on stderr, exit
// code 2, no stack, nothing on stdout, and nothing written into the project. No command takes a port on
// the command line (ports live in devspace.yaml), so "a port that is not a number" is checked there.

const COMMANDS = ['dev', 'enter', 'logs', 'analyze', 'build', 'deploy', 'purge', 'sync', 'init'];
const VALID = 'version: v1beta2\nimages:\n  app:\n    image: 127.0.0.1:5000/bad-input\ndeployments:\n- name: app\n  kubectl:\n    manifests: [kube/]\n';
let home: string;
let project: string;
let before: string;

/** Every file below `dir` with its size and mtime, to prove a run wrote nothing. */
async function snapshot(dir: string): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const s = await stat(p);
      out.push(`${path.relative(dir, p)} ${e.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.join('\n');
}

/** Runs the CLI in the project, two at a time (two cores), and returns results in order. */
async function runAll(argvs: string[][], cwd = project): Promise<CliResult[]> {
  const results: CliResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < argvs.length; i = next++) {
      results[i] = await devspace(argvs[i]!, { cwd, env: { HOME: home, KUBECONFIG: '' }, timeoutMs: 60_000 });
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** The promise for a usage mistake: one `error:` line (matching `pattern`), exit 2, clean stdout, no stack. */
function expectUsageError(r: CliResult, argv: string[], pattern: RegExp): void {
  const why = `devspace ${argv.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, why).toBe(2);
  expect(r.stdout, why).toBe('');
  expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, why).toBe(true);
  expect(r.stderr, why).toMatch(/^error: /);
  expect(r.stderr, why).toMatch(pattern);
  expect(hasStack(r.stderr), why).toBe(false);
}

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(tmpdir(), 'devspace-bad-input-home-'));
  project = await mkdtemp(path.join(tmpdir(), 'devspace-bad-input-'));
  await writeFile(path.join(project, 'devspace.yaml'), VALID);
  await writeFile(path.join(project, 'Dockerfile'), 'FROM 127.0.0.1:5000/devspace-base:busybox\n');
  before = await snapshot(project);
}, 120_000);
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe('bad flags and arguments (built CLI)', () => {
  it('an unknown flag, for every command and at the top level', async () => {
    const argvs = [['--frobnicate'], ...COMMANDS.map((c) => [c, '--frobnicate']), ['build', '-Z'], ['deploy', '--force-bulid']];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => {
      const help = argv.length > 1 ? `devspace ${argv[0]} --help` : 'devspace --help';
      const flag = argv[argv.length - 1]!;
      expectUsageError(results[i]!, argv, new RegExp(`^error: unknown option '${flag}'.* \\(see \`${help}\`\\)\\n$`));
    });
    // commander's suggestion stays on the same line.
    expect(results.at(-1)!.stderr).toContain("(Did you mean --force-build?)");
  }, 180_000);

  it('unknown commands, with a suggestion for a typo', async () => {
    const argvs = [['dve'], ['biuld'], ['frobnicate'], ['help', 'nope'], ['Dev']];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, /unknown command '\w+'/));
    expect(results[0]!.stderr).toContain('Did you mean dev?');
    expect(results[1]!.stderr).toContain('Did you mean build?');
  }, 120_000);

  it('a flag without its value', async () => {
    const argvs = [['logs', '--lines'], ['dev', '-n'], ['dev', '--var'], ['deploy', '--kube-context'], ['purge', '-d'], ['sync', '--local-path'], ['init', '--image'], ['enter', '-c'], ['analyze', '--timeout']];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, /argument missing/));
  }, 120_000);

  it('arguments a command does not take', async () => {
    const argvs = [['build', 'extra'], ['deploy', 'a', 'b'], ['purge', 'app'], ['analyze', 'pod'], ['init', 'dir'], ['dev', 'now']];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, /too many arguments for '\w+'/));
  }, 120_000);

  it('numbers that are not numbers: --lines and --timeout', async () => {
    const lines = ['abc', '-1', '1.5', '1e3', '', ' 7', '0x10', '99999999999999999999'];
    const timeouts = ['abc', '-5s', '', '5 minutes', '25h'];
    const argvs = [...lines.map((v) => ['logs', '--lines', v]), ...timeouts.map((v) => ['analyze', '--timeout', v])];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, argv[0] === 'logs' ? /'--lines <n>' argument .* is invalid\. expected a whole number/ : /--timeout/));
  }, 120_000);

  it('a malformed --var', async () => {
    const values = ['NOEQ', '=x', '1A=b', 'A B=c', '', '=', '-x=1'];
    const argvs = values.flatMap((v, i) => [['dev', '--var', v], [['build', 'deploy', 'purge'][i % 3]!, '--var', v]]);
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, /--var <KEY=VALUE>' argument .* is invalid\. expected KEY=VALUE/));
  }, 120_000);

  it('--var reaches the config in every command that loads it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devspace-var-'));
    try {
      await writeFile(path.join(dir, 'devspace.yaml'), VALID.replace('127.0.0.1:5000/bad-input', '127.0.0.1:5000/${APP_NAME}'));
      for (const cmd of ['build', 'deploy', 'purge']) {
        const without = await devspace([cmd], { cwd: dir, env: { HOME: home, KUBECONFIG: '' }, timeoutMs: 60_000 });
        expect(without.code, `${cmd}: ${without.stderr}`).toBe(2);
        expect(without.stderr).toMatch(/APP_NAME/);
        const withVar = await devspace([cmd, '--var', 'APP_NAME=web', '--var', 'OTHER=1'], { cwd: dir, env: { HOME: home, KUBECONFIG: '/nonexistent/kubeconfig', DOCKER_HOST: 'unix:///nonexistent.sock' }, timeoutMs: 60_000 });
        // Past the config: it fails later, on the missing Docker Engine or kubeconfig, not on the variable.
        expect(withVar.stderr, cmd).not.toMatch(/APP_NAME/);
        expect(withVar.code, `${cmd}: ${withVar.stderr}`).toBe(1);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names that cannot be right: a namespace that is not a DNS label, empty pod, container, context or selector', async () => {
    const argvs = [
      ['logs', '-n', 'Bad_NS'],
      ['deploy', '-n', ''],
      ['purge', '--namespace', 'x'.repeat(64)],
      ['enter', '-n', '-dash-'],
      ['logs', '--pod', ''],
      ['enter', '-c', ' '],
      ['deploy', '--kube-context', ''],
      ['sync', '-l', ''],
      ['purge', '-d', ',,'],
    ];
    const results = await runAll(argvs);
    argvs.forEach((argv, i) => expectUsageError(results[i]!, argv, /argument .* is invalid\. expected /));
    expect(results[0]!.stderr).toContain('expected a namespace name');
  }, 120_000);

  it('none of the above wrote anything into the project', async () => {
    expect(await snapshot(project)).toBe(before);
  });
});

describe('ports in devspace.yaml that are not port numbers (built CLI)', () => {
  const PORTS = [
    ['dev.ports forward port', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: abc\n', 'dev.ports[0].forward[0].port: expected number, found string "abc"', '5:13'],
    ['quoted port', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: "8080"\n', 'dev.ports[0].forward[0].port: expected number, found string "8080"', '5:13'],
    ['port 0', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: 0\n', 'dev.ports[0].forward[0].port: expected a port number from 1 to 65535, found number 0', '5:13'],
    ['remotePort 70000', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: 8080\n      remotePort: 70000\n', 'dev.ports[0].forward[0].remotePort: expected a port number from 1 to 65535, found number 70000', '6:19'],
    ['fractional port', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: 80.5\n', 'dev.ports[0].forward[0].port: expected integer, found number 80.5', '5:13'],
    ['negative service port', 'deployments:\n- name: d\n  component:\n    service:\n      ports:\n      - port: -80\n', 'deployments[0].component.service.ports[0].port: expected a port number from 1 to 65535, found number -80', '6:15'],
    ['port list', 'dev:\n  ports:\n  - labelSelector: {app: x}\n    forward:\n    - port: [8080]\n', 'dev.ports[0].forward[0].port: expected number, found list', '5:13'],
  ] as const;

  it.each(['deploy', 'dev', 'build'])('`devspace %s`: exit 2, the error at the port, no lock or cache left', async (command) => {
    const dirs: string[] = [];
    for (const [name] of PORTS) {
      const dir = path.join(project, '..', `${path.basename(project)}-${command}-${name.replaceAll(' ', '-')}`);
      await mkdir(dir, { recursive: true });
      dirs.push(dir);
    }
    await Promise.all(PORTS.map(([, yaml], i) => writeFile(path.join(dirs[i]!, 'devspace.yaml'), `version: v1beta2\n${yaml}`)));
    const results: CliResult[] = [];
    for (const dir of dirs) results.push((await runAll([[command]], dir))[0]!);
    try {
      PORTS.forEach(([name, , message, at], i) => {
        const r = results[i]!;
        const why = `${name}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
        const [line, col] = at.split(':').map(Number);
        expect(r.code, why).toBe(2);
        expect(r.stderr, why).toBe(`error: devspace.yaml:${line! + 1}:${col}: ${message}\n`);
        expect(hasStack(r.stdout + r.stderr), why).toBe(false);
      });
      for (const dir of dirs) {
        // `dev` takes the project lock before reading the config; it must be gone, and nothing cached.
        const inside = await readdir(path.join(dir, '.devspace')).catch(() => [] as string[]);
        expect(inside, dir).toEqual([]);
        expect(await readFile(path.join(dir, 'devspace.yaml'), 'utf8')).toMatch(/^version: v1beta2\n/);
      }
    } finally {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  }, 180_000);
});
