import type { ContainerRef, Finding } from '../../engine/events.js';
import type { DeploymentView, EngineView, ImageView, LogSourceView } from './engine-view.js';

/**
 * The Build pane's selectable rows: images, deployments, and under each
 * deployment the containers devspace follows (from the log stage, which
 * tracks restarts and replacements live), so a person can pick one and open
 * a shell in it.
 */
export type BuildRow =
  | { kind: 'image'; image: ImageView }
  | { kind: 'deployment'; deployment: DeploymentView }
  | { kind: 'container'; source: LogSourceView & { ref: ContainerRef }; deployment?: string };

// Why a container is not running that means it is failing, not just starting (ContainerCreating, PodInitializing…):
// kubelet waiting reasons and the log stage's "exited with N (Reason)".
const FAILING = /BackOff|Err(or|ImagePull|ImageNeverPull)|InvalidImageName|CreateContainer(Config)?Error|RunContainerError|ContainerCannotRun|OOMKilled|DeadlineExceeded|exited with [1-9]|Signal:/;

/** A followed container that is crash-looping, cannot pull its image, exited with an error… */
export function isFailing(source: LogSourceView): boolean {
  return source.ref !== undefined && source.state === 'waiting' && !!source.reason && FAILING.test(source.reason);
}

/** Pods of a Deployment are `name-<replicaset hash>-<suffix>`; the hash says nothing to a person. */
export function shortPod(pod: string): string {
  const m = /^(.+)-[a-z0-9]{6,10}-([a-z0-9]{5})$/.exec(pod);
  return m ? `${m[1]}-${m[2]}` : pod;
}

function workloadName(d: DeploymentView): string {
  const name = d.workload?.split('/').at(-1);
  return name && name !== '' ? name : d.name;
}

/** The deployment a container belongs to: listed in its rollout, or named after its workload. */
function ownerOf(ref: ContainerRef, deployments: readonly DeploymentView[]): string | undefined {
  const listed = deployments.find((d) => d.pods.some((p) => p.name === ref.pod));
  if (listed) return listed.name;
  return deployments.find((d) => ref.pod.startsWith(`${workloadName(d)}-`))?.name;
}

type LiveSource = LogSourceView & { ref: ContainerRef };

/** Followed containers that have not ended, i.e. the ones a shell can open in. */
export function liveContainers(engine: EngineView): LiveSource[] {
  return engine.sources.filter((s): s is LiveSource => s.ref !== undefined && s.state !== 'ended');
}

/** Every Build pane row, in display order. */
export function buildRows(engine: EngineView): BuildRow[] {
  const rows: BuildRow[] = engine.images.map((image) => ({ kind: 'image', image }));
  const live = liveContainers(engine).map((source) => ({ source, owner: ownerOf(source.ref, engine.deployments) }));
  for (const deployment of engine.deployments) {
    rows.push({ kind: 'deployment', deployment });
    for (const c of live) if (c.owner === deployment.name) rows.push({ kind: 'container', source: c.source, deployment: deployment.name });
  }
  for (const c of live) if (c.owner === undefined) rows.push({ kind: 'container', source: c.source });
  return rows;
}

/**
 * Short labels for log sources: the pod without its ReplicaSet hash, plus
 * the container only when that pod has several, so the prefix column stays narrow.
 */
export function sourceLabels(sources: readonly LogSourceView[]): Map<string, string> {
  const perPod = new Map<string, number>();
  for (const s of sources) if (s.ref) perPod.set(`${s.ref.namespace}/${s.ref.pod}`, (perPod.get(`${s.ref.namespace}/${s.ref.pod}`) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const s of sources) {
    if (!s.ref) labels.set(s.key, s.label);
    else {
      const pod = shortPod(s.ref.pod);
      labels.set(s.key, (perPod.get(`${s.ref.namespace}/${s.ref.pod}`) ?? 0) > 1 ? `${pod}/${s.ref.container}` : pod);
    }
  }
  return labels;
}

/** The most specific analyze finding about a container: its own, else its pod's; errors first. */
export function findingFor(findings: readonly Finding[] | null, ref: ContainerRef): Finding | undefined {
  if (!findings) return undefined;
  const own = findings.filter((f) => f.object === `pod/${ref.pod}/${ref.container}`);
  const pod = findings.filter((f) => f.object === `pod/${ref.pod}`);
  const pick = (fs: Finding[]) => fs.find((f) => f.severity === 'error') ?? fs[0];
  return pick(own) ?? pick(pod);
}

/** What the dashboard should re-analyze on: failing containers and failed deployments, with their reasons. */
export function troubleSignature(engine: EngineView): string {
  const parts = engine.sources.filter(isFailing).map((s) => `${s.key}=${s.reason}`);
  for (const d of engine.deployments) if (d.state === 'failed') parts.push(`deploy:${d.name}=${d.error ?? ''}`);
  return parts.sort().join('\n');
}
