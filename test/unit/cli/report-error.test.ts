import { describe, expect, it } from 'vitest';
import { debugEnabled, reportError } from '../../../src/cli/report-error.js';
import { ConfigError, UserError } from '../../../src/engine/errors.js';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('reportError', () => {
  it('prints a UserError as error + hint and returns its code', () => {
    const s = sink();
    expect(reportError(new UserError('no kubeconfig found', 1, 'run `npm run testbed:up`'), s.stream, {}, false)).toBe(1);
    expect(s.text()).toBe('error: no kubeconfig found\nhint: run `npm run testbed:up`\n');
  });

  it('prints every config issue on its own line with exit 2', () => {
    const s = sink();
    const err = new ConfigError([
      { file: 'devspace.yaml', line: 3, column: 5, path: 'images.api', message: 'unknown key' },
      { file: 'devspace.yaml', line: 9, column: 1, path: '', message: 'bad' },
    ]);
    expect(reportError(err, s.stream, {}, false)).toBe(2);
    expect(s.text()).toBe('error: devspace.yaml:3:5: images.api: unknown key\nerror: devspace.yaml:9:1: bad\n');
  });

  it('an unexpected error is one line, with the stack only in debug mode', () => {
    const quiet = sink();
    expect(reportError(new TypeError('x is undefined'), quiet.stream, {}, false)).toBe(1);
    expect(quiet.text()).toBe('internal error: TypeError: x is undefined (run with --debug for the stack trace)\n');
    const loud = sink();
    reportError(new Error('boom'), loud.stream, {}, true);
    expect(loud.text()).toMatch(/^internal error: boom\nError: boom\n\s+at /);
  });

  it('debug mode comes from --debug or DEVSPACE_DEBUG=1', () => {
    expect(debugEnabled(['dev', '--debug'], {})).toBe(true);
    expect(debugEnabled(['dev'], { DEVSPACE_DEBUG: '1' })).toBe(true);
    expect(debugEnabled(['dev'], {})).toBe(false);
  });
});
