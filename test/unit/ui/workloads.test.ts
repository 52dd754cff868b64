import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { initialEngineView } from '../../../src/ui/store/engine-view.js';
import { reduce } from '../../../src/ui/store/reduce.js';
import { buildFailure, terminalTarget } from '../../../src/ui/store/selectors.js';
import { initialViewState } from '../../../src/ui/store/view-state.js';
import { buildRows, findingFor, isFailing, shortPod, sourceLabels, troubleSignature } from '../../../src/ui/store/workloads.js';

const pod = (name: string, container = 'app') => ({ namespace: 'dev', pod: name, container });
const API = pod('api-7f9c5d6b8d-xk2p2');
const API_SIDECAR = pod('api-7f9c5d6b8d-xk2p2', 'proxy');
const WORKER = pod('worker-0');

function run(events: EngineEvent[]) {
  return events.reduce((s, e) => reduce(s, e, 1000), initialEngineView());
}

const DEPLOYED: EngineEvent[] = [
  { type: 'build:start', payload: { image: 'api', ref: 'r', dockerfile: 'D', context: '.' } },
  { type: 'deploy:start', payload: { deployment: 'api', type: 'component', namespace: 'dev' } },
  { type: 'deploy:rollout', payload: { deployment: 'api', workload: 'Deployment/api', ready: 1, desired: 1, pods: [{ name: API.pod, status: 'Running', ready: true, restarts: 0 }] } },
  { type: 'deploy:start', payload: { deployment: 'jobs', type: 'kubectl', namespace: 'dev' } },
  { type: 'logs:state', payload: { source: API, state: 'streaming' } },
  { type: 'logs:state', payload: { source: API_SIDECAR, state: 'streaming' } },
  { type: 'logs:state', payload: { source: WORKER, state: 'streaming' } },
];

describe('Build pane rows', () => {
  it('puts each followed container under its deployment, and the rest at the end', () => {
    const rows = buildRows(run(DEPLOYED));
    expect(rows.map((r) => (r.kind === 'image' ? r.image.name : r.kind === 'deployment' ? `deploy ${r.deployment.name}` : `└ ${r.source.key}`))).toEqual([
      'api',
      'deploy api',
      '└ dev/api-7f9c5d6b8d-xk2p2/app',
      '└ dev/api-7f9c5d6b8d-xk2p2/proxy',
      'deploy jobs',
      '└ dev/worker-0/app',
    ]);
  });

  it('drops containers whose pod is gone', () => {
    const s = run([...DEPLOYED, { type: 'logs:state', payload: { source: WORKER, state: 'ended', reason: 'pod deleted' } }]);
    expect(buildRows(s).some((r) => r.kind === 'container' && r.source.ref.pod === 'worker-0')).toBe(false);
  });

  it('lets e open the selected container, or the first one of a selected deployment', () => {
    const engine = run(DEPLOYED);
    const view = { ...initialViewState(), focus: 'build' as const };
    expect(terminalTarget(engine, { ...view, selected: { ...view.selected, build: 3 } })).toEqual(API_SIDECAR);
    expect(terminalTarget(engine, { ...view, selected: { ...view.selected, build: 1 } })).toEqual(API);
    expect(terminalTarget(engine, { ...view, selected: { ...view.selected, build: 5 } })).toEqual(WORKER);
    // The image row has no container: the first running one.
    expect(terminalTarget(engine, view)).toEqual(API);
  });
});

describe('failing containers', () => {
  it('tells a crash or a pull failure from a container that is only starting', () => {
    const waiting = (reason: string) => ({ key: 'k', label: 'l', ref: API, state: 'waiting' as const, reason });
    for (const r of ['CrashLoopBackOff', 'exited with 3 (Error)', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'exited with 137 (OOMKilled)']) {
      expect(isFailing(waiting(r)), r).toBe(true);
    }
    for (const r of ['ContainerCreating', 'PodInitializing', 'exited with 0 (Completed)', 'container "app" in pod "api" is waiting to start: ContainerCreating']) {
      expect(isFailing(waiting(r)), r).toBe(false);
    }
  });

  it('counts failures and keeps the exit that explains a CrashLoopBackOff', () => {
    const s = run([
      ...DEPLOYED,
      { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'exited with 3 (Error)' } },
      { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'CrashLoopBackOff' } },
      { type: 'logs:state', payload: { source: API, state: 'streaming' } },
      { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'exited with 3 (Error)' } },
    ]);
    const src = s.sources.find((x) => x.key === 'dev/api-7f9c5d6b8d-xk2p2/app');
    expect(src).toMatchObject({ state: 'waiting', restarts: 2, lastFailure: 'exited with 3 (Error)' });
  });

  it('reddens the Build pane with the reason, and the analyze finding as the hint once it arrives', () => {
    const failing: EngineEvent[] = [...DEPLOYED, { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'CrashLoopBackOff' } }];
    expect(buildFailure(run(failing))).toEqual({ reason: 'api-xk2p2/app CrashLoopBackOff', hint: 'analyzing… (a: full analysis)' });
    const analyzed = run([
      ...failing,
      {
        type: 'analyze:report',
        payload: {
          namespace: 'dev',
          findings: [
            { severity: 'warning', kind: 'event', object: `pod/${API.pod}`, message: 'pulled' },
            { severity: 'error', kind: 'crash-loop', object: `pod/${API.pod}/app`, message: 'app keeps crashing', hint: 'read its last lines' },
          ],
        },
      },
    ]);
    expect(buildFailure(analyzed)).toEqual({ reason: 'api-xk2p2/app CrashLoopBackOff', hint: 'app keeps crashing → read its last lines' });
  });

  it('changes its signature (what triggers an analyze pass) only when what fails or why changes', () => {
    const a = troubleSignature(run([...DEPLOYED, { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'CrashLoopBackOff' } }]));
    const b = troubleSignature(run([...DEPLOYED, { type: 'logs:state', payload: { source: API, state: 'waiting', reason: 'CrashLoopBackOff' } }, { type: 'logs:lines', payload: { source: WORKER, lines: [] } }]));
    expect(a).not.toBe('');
    expect(b).toBe(a);
    expect(troubleSignature(run(DEPLOYED))).toBe('');
  });

  it('prefers a finding about the container, then its pod, errors first', () => {
    const f = (object: string, severity: 'error' | 'warning') => ({ object, severity, kind: 'k', message: object + severity });
    expect(findingFor([f(`pod/${API.pod}`, 'error'), f(`pod/${API.pod}/app`, 'warning')], API)?.message).toBe(`pod/${API.pod}/appwarning`);
    expect(findingFor([f(`pod/${API.pod}`, 'warning'), f(`pod/${API.pod}`, 'error')], API)?.severity).toBe('error');
    expect(findingFor(null, API)).toBeUndefined();
  });
});

describe('labels', () => {
  it('drops the ReplicaSet hash from pod names', () => {
    expect(shortPod('quickstart-666499cfb4-h8x2k')).toBe('quickstart-h8x2k');
    expect(shortPod('worker-0')).toBe('worker-0');
  });

  it('names the container only when a pod has several', () => {
    const labels = sourceLabels(run(DEPLOYED).sources);
    expect(labels.get('dev/api-7f9c5d6b8d-xk2p2/app')).toBe('api-xk2p2/app');
    expect(labels.get('dev/worker-0/app')).toBe('worker-0');
  });
});
