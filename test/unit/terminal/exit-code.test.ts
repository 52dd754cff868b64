import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stdinPicker } from '../../../src/cli/commands/enter.js';
import type { CliIO } from '../../../src/cli/program.js';
import { UserError } from '../../../src/engine/errors.js';
import { exitCodeOf } from '../../../src/engine/terminal/open-terminal.js';

const ref = { namespace: 'n', pod: 'web-1', container: 'app' };

describe('exitCodeOf', () => {
  it('reads success and the ExitCode cause', () => {
    expect(exitCodeOf({ status: 'Success' }, ref, ['sh'])).toBe(0);
    expect(
      exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }, ref, ['sh']),
    ).toBe(3);
  });

  it('turns "cannot start" into one line naming the command and container', () => {
    const status = {
      status: 'Failure',
      message: 'Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "x": OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown',
    };
    expect(() => exitCodeOf(status, ref, ['nope'])).toThrow(new UserError('cannot run `nope` in web-1:app: executable file not found in $PATH'));
  });

  it('reports a session that ended without a status as a lost connection', () => {
    expect(() => exitCodeOf(undefined, ref, ['sh'])).toThrow(/the connection to web-1:app ended before the command finished/);
  });
});

function fakeIo(input: string): { io: CliIO; err: () => string } {
  const stdin = new PassThrough();
  stdin.end(input);
  let err = '';
  const stderr = new PassThrough();
  stderr.on('data', (c) => (err += c));
  return { io: { stdin, stderr, stdout: new PassThrough(), env: {}, cwd: '/', argv: [] } as unknown as CliIO, err: () => err };
}

describe('stdinPicker', () => {
  it('lists the choices on stderr and returns the chosen index', async () => {
    const { io, err } = fakeIo('2\n');
    expect(await stdinPicker(io, new AbortController().signal)('Which pod?', ['a (Running)', 'b (Running)'])).toBe(1);
    expect(err()).toContain('Which pod?\n  1) a (Running)\n  2) b (Running)\n');
  });

  it('asks again after a wrong answer and gives up on end of input', async () => {
    const { io, err } = fakeIo('9\n1\n');
    expect(await stdinPicker(io, new AbortController().signal)('Which?', ['a', 'b'])).toBe(0);
    expect(err()).toContain('"9" is not one of 1-2');
    const eof = fakeIo('');
    await expect(stdinPicker(eof.io, new AbortController().signal)('Which?', ['a', 'b'])).rejects.toThrow('no choice made');
  });
});

describe('clusterError', () => {
  it('turns unreachable-cluster and API refusals into one-line UserErrors, leaving others alone', async () => {
    const { clusterError } = await import('../../../src/cli/commands/enter.js');
    const refused = Object.assign(new Error('request to https://127.0.0.1:6443/api failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(clusterError(refused)).toEqual(new UserError('cannot reach the Kubernetes API server: ECONNREFUSED', 1, 'is the cluster up? check KUBECONFIG and the context'));
    const forbidden = Object.assign(new Error('HTTP-Code: 403'), { code: 403, body: '{"kind":"Status","message":"pods is forbidden: User \\"x\\" cannot list"}' });
    expect((clusterError(forbidden) as UserError).message).toBe('the Kubernetes API refused the request (403): pods is forbidden: User "x" cannot list');
    const plain = new TypeError('bug');
    expect(clusterError(plain)).toBe(plain);
    const user = new UserError('already fine');
    expect(clusterError(user)).toBe(user);
  });
});
