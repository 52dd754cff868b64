import { describe, expect, it } from 'vitest';
import { groupFindings, orderFindings } from '../../../src/engine/analyze/order.js';
import { formatReport, type ReportInput } from '../../../src/engine/analyze/report.js';
import type { Finding } from '../../../src/engine/events.js';

const crash: Finding = {
  severity: 'error',
  kind: 'crash-loop',
  object: 'pod/api-1/main',
  message: 'container main keeps crashing (last exit 12 s ago): its program exited with code 3. It has restarted 2 times.',
  hint: 'the program failed on its own: its last log lines (below) usually say why; fix the cause and redeploy',
  logTail: ['starting', 'boom'],
};
const podEvent: Finding = { severity: 'warning', kind: 'event', object: 'pod/api-1', message: 'a probe of pod api-1 failed (Unhealthy, last 3 s ago): timeout', hint: 'relax the probe' };
const rs: Finding = { severity: 'error', kind: 'event', object: 'replicaset/web-5d', message: 'ReplicaSet web-5d cannot create its pods (FailedCreate, last 2 s ago): exceeded quota: tiny', hint: 'raise the quota' };
const restarts: Finding = { severity: 'warning', kind: 'restarts', object: 'pod/db-0/db', message: 'container db crashed', hint: 'look' };

function input(findings: Finding[], over: Partial<ReportInput> = {}): ReportInput {
  return {
    namespace: 'dev',
    findings,
    pods: [
      { name: 'api-1', status: 'CrashLoopBackOff', ready: false, restarts: 2 },
      { name: 'db-0', status: 'Running', ready: true, restarts: 1 },
    ],
    starting: [],
    ...over,
  };
}

describe('grouping and order', () => {
  it('groups by pod: error groups first, own findings before events, pod-level before container-level', () => {
    const groups = groupFindings([restarts, podEvent, rs, crash]);
    expect(groups.map((g) => g.group)).toEqual(['pod/api-1', 'replicaset/web-5d', 'pod/db-0']);
    expect(groups[0]!.findings).toEqual([crash, podEvent]);
    expect(orderFindings([restarts, podEvent, rs, crash])).toEqual([crash, podEvent, rs, restarts]);
  });
});

describe('formatReport', () => {
  it('prints a summary, one block per pod with its status, each finding with its hint and log lines', () => {
    const text = formatReport(input([crash, podEvent, rs]), { color: false });
    expect(text).toBe(
      [
        '✗ 2 errors and 1 warning in namespace dev (2 pods checked)',
        '',
        'pod api-1  CrashLoopBackOff, 2 restarts',
        `  ✗ ${crash.message}`,
        `    hint: ${crash.hint}`,
        '    last 2 log lines:',
        '    │ starting',
        '    │ boom',
        `  ! ${podEvent.message}`,
        '    hint: relax the probe',
        '',
        'replicaset/web-5d',
        `  ✗ ${rs.message}`,
        '    hint: raise the quota',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing is wrong, and when the namespace has no pods at all', () => {
    expect(formatReport(input([]), { color: false })).toBe('✓ no problems found in namespace dev (2 pods checked)\n');
    expect(formatReport(input([], { pods: [], labelSelector: 'app=api' }), { color: false })).toBe(
      '✓ no problems found in namespace dev (pods with app=api) (it has no pods)\n',
    );
  });

  it('colours only when asked, and never passes escape sequences from logs or messages through', () => {
    const evil: Finding = { ...crash, message: 'bad \u001b]0;pwned\u0007title', logTail: ['\u001b[2Jcleared', 'ok\r\u001b[1Ahidden'] };
    const plain = formatReport(input([evil]), { color: false });
    expect(plain).not.toContain('\u001b');
    expect(plain).toContain('│ cleared');
    expect(plain).toContain('bad title');
    const coloured = formatReport(input([evil]), { color: true });
    expect(coloured).toContain('\u001b[31m✗\u001b[0m');
    expect(coloured).not.toContain('\u001b]0;');
    expect(coloured).not.toContain('\u001b[2J');
  });

  it('marks an empty log, lists pods not judged yet, and wraps long lines with a hanging indent', () => {
    const text = formatReport(input([{ ...crash, logTail: [] }], { starting: [{ name: 'web-2', status: 'ContainerCreating' }] }), { color: false, width: 60 });
    expect(text).toContain('    (it printed no log lines)');
    expect(text).toContain('not judged yet, still starting: web-2 (ContainerCreating); run without --no-wait to wait for them');
    const lines = text.split('\n');
    const msg = lines.findIndex((l) => l.startsWith('  ✗ container main'));
    expect(lines[msg]!.length).toBeLessThanOrEqual(60);
    expect(lines[msg + 1]).toMatch(/^ {4}\S/);
    const hint = lines.findIndex((l) => l.startsWith('    hint:'));
    expect(lines[hint + 1]).toMatch(/^ {10}\S/);
  });
});

describe('formatReport with replicas failing the same way', () => {
  it('prints one block naming the other pods; the summary still counts every finding', () => {
    const pull = (pod: string, ago: string): Finding => ({ severity: 'error', kind: 'image-pull', object: `pod/${pod}/api`, message: `container api cannot start (${ago})`, hint: 'check the tag' });
    const other: Finding = { ...pull('web-3', 'x'), hint: 'something else' };
    const text = formatReport(input([pull('web-1', '1 s'), pull('web-2', '2 s'), other], { pods: [] }), { color: false });
    expect(text.split('\n').slice(0, 6)).toEqual([
      '✗ 3 errors in namespace dev (it has no pods)',
      '',
      'pod/web-1',
      '  (the same for web-2)',
      '  ✗ container api cannot start (1 s)',
      '    hint: check the tag',
    ]);
    expect(text).toContain('pod/web-3');
    expect(text).not.toContain('(2 s)');
  });
});
