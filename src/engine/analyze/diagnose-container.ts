import type { CoreV1Event, V1Container, V1ContainerStateTerminated, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { Finding } from '../events.js';
import { explainExit, explainStartFailure } from './explain-exit.js';
import { explainConfigError, explainPull, explainReadiness, describeProbe } from './explain-start.js';
import { readinessGraceMs } from './starting.js';
import { clip, formatAge, plural, toMs } from './text.js';
import { RESTART_RELEVANCE_MS, type Diagnosis, type PodCheckContext } from './types.js';

const PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'SignatureValidationFailed']);
const START = new Set(['CreateContainerError', 'RunContainerError', 'PreCreateHookError', 'PostStartHookError']);

/** The time an event last happened, whichever of its four timestamps the API filled in. */
export function eventTime(e: CoreV1Event): number {
  return toMs(e.lastTimestamp) ?? toMs(e.series?.lastObservedTime) ?? toMs(e.eventTime) ?? toMs(e.firstTimestamp) ?? toMs(e.metadata?.creationTimestamp) ?? 0;
}

/** Events about one container of the pod (kubelet sets `fieldPath: spec.containers{name}`), newest first. */
function containerEvents(events: readonly CoreV1Event[], name: string, reason: string): CoreV1Event[] {
  return events
    .filter((e) => e.reason === reason && (e.involvedObject?.fieldPath ?? '').endsWith(`{${name}}`))
    .sort((a, b) => eventTime(b) - eventTime(a));
}

/**
 * Why kubelet killed the container, when its probes did: the latest failure
 * message ('' when the probe said nothing), or undefined. Kubelet rate-limits
 * repeated events, so any liveness/startup failure of this pod's container
 * counts, but only for a run that ended by a signal (137/143) rather than on
 * its own.
 */
function probeKill(events: readonly CoreV1Event[], name: string, t: V1ContainerStateTerminated): string | undefined {
  if (t.reason === 'OOMKilled' || !(t.exitCode === 137 || t.exitCode === 143 || t.signal)) return undefined;
  const failed = containerEvents(events, name, 'Unhealthy').find((e) => /^(Liveness|Startup) probe failed/.test(e.message ?? ''));
  const killed = containerEvents(events, name, 'Killing').some((e) => /failed (liveness|startup) probe/.test(e.message ?? ''));
  if (!failed && !killed) return undefined;
  return (failed?.message ?? '').replace(/^(Liveness|Startup) probe failed:\s*/, '');
}

interface Subject {
  pod: V1Pod;
  status: V1ContainerStatus;
  spec: V1Container | undefined;
  init: boolean;
  ctx: PodCheckContext;
}

function finding(sub: Subject, severity: Finding['severity'], kind: string, message: string, hint: string): Finding {
  return { severity, kind, object: `pod/${sub.pod.metadata?.name}/${sub.status.name}`, message, hint };
}

function label(sub: Subject): string {
  return `${sub.init ? 'init container' : 'container'} ${sub.status.name}`;
}

/** Does kubelet start this container again after it stops with `exitCode`? */
function restarts(sub: Subject, exitCode: number): boolean {
  if (sub.init && sub.spec?.restartPolicy === 'Always') return true;
  const policy = sub.pod.spec?.restartPolicy ?? 'Always';
  if (sub.init) return policy !== 'Never' && exitCode !== 0;
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** `(exit code 3)` unless the explanation already names the code. */
function withCode(why: string, t: V1ContainerStateTerminated): string {
  return /\bcode \d+/.test(why) ? why : `${why} (exit code ${t.exitCode})`;
}

function crashed(sub: Subject, t: V1ContainerStateTerminated, previous: boolean, backOff: boolean): Diagnosis {
  const { status, ctx } = sub;
  const n = status.restartCount ?? 0;
  const ago = toMs(t.finishedAt);
  const when = ago !== undefined ? ` (last exit ${formatAge(ctx.now - ago)} ago)` : '';
  const ex = explainExit(t, sub.spec, { willRestart: true, probeFailure: probeKill(ctx.events, status.name, t) });
  const running = Boolean(status.state?.running);
  let tail: string;
  if (running) tail = `It is running again now, after ${plural(n, 'restart')}.`;
  else if (n === 0) tail = 'Kubernetes is about to restart it.';
  else tail = `It has restarted ${plural(n, 'time')}${backOff ? '; Kubernetes now waits longer before each new try (CrashLoopBackOff)' : ''}.`;
  const message = `${label(sub)} ${running || n === 0 ? 'crashed' : 'keeps crashing'}${when}: ${withCode(ex.why, t)}. ${tail}`;
  const kind = running ? 'restarts' : 'crash-loop';
  const severity = running && status.ready ? 'warning' : 'error';
  return { finding: finding(sub, severity, kind, message, ex.hint), logs: { pod: sub.pod.metadata!.name!, container: status.name, previous } };
}

function exited(sub: Subject, t: V1ContainerStateTerminated): Diagnosis {
  const ex = explainExit(t, sub.spec, { willRestart: false });
  const ago = toMs(t.finishedAt);
  const old = ago !== undefined && sub.ctx.now - ago > RESTART_RELEVANCE_MS;
  const when = ago !== undefined ? ` ${formatAge(sub.ctx.now - ago)} ago` : '';
  const message = `${label(sub)} exited with an error${when} and will not be restarted: ${withCode(ex.why, t)}.`;
  return {
    finding: finding(sub, old ? 'warning' : 'error', 'exited-error', message, ex.hint),
    logs: { pod: sub.pod.metadata!.name!, container: sub.status.name, previous: false },
  };
}

function waitingProblem(sub: Subject, reason: string, message: string): Diagnosis | undefined {
  const { status, spec, pod, ctx } = sub;
  if (PULL.has(reason)) {
    const image = spec?.image ?? status.image;
    // The Failed event keeps the registry's own words when the status only says "Back-off pulling image".
    const failed = containerEvents(ctx.events, status.name, 'Failed').find((e) => /^Failed to pull image/.test(e.message ?? ''));
    const detail = failed?.message?.replace(/^Failed to pull image "[^"]*":\s*/, '') || message;
    const ex = explainPull(image, reason, detail, ctx.pullableRegistries);
    return { finding: finding(sub, 'error', 'image-pull', `${label(sub)} cannot start because its image cannot be pulled (${reason}): ${ex.why}.`, ex.hint) };
  }
  if (reason === 'CreateContainerConfigError') {
    const ex = explainConfigError(message, spec, pod.metadata?.namespace ?? 'default');
    return { finding: finding(sub, 'error', 'config-error', `${label(sub)} cannot be created: ${ex.why}.`, ex.hint) };
  }
  if (START.has(reason)) {
    const ex = explainStartFailure(message || reason, spec);
    return { finding: finding(sub, 'error', 'start-error', `${label(sub)} cannot start (${reason}): ${ex.why}.`, ex.hint) };
  }
  return undefined;
}

function notReady(sub: Subject): Diagnosis | undefined {
  const { status, spec, ctx } = sub;
  const started = toMs(status.state?.running?.startedAt);
  if (sub.init || status.ready || !spec?.readinessProbe || started === undefined || status.started === false) return undefined;
  if (ctx.now - started < readinessGraceMs(spec.readinessProbe)) return undefined;
  const failure = containerEvents(ctx.events, status.name, 'Unhealthy').find((e) => /^Readiness probe failed/.test(e.message ?? ''));
  const detail = failure?.message ? `: ${clip(failure.message.replace(/^Readiness probe failed:\s*/, ''), 250)}` : '';
  const message =
    `${label(sub)} has been running for ${formatAge(ctx.now - started)} but is not ready: its readiness probe ` +
    `(${describeProbe(spec.readinessProbe)}) keeps failing${detail}. Services send it no traffic until it passes.`;
  return { finding: finding(sub, 'error', 'not-ready', message, explainReadiness(spec.readinessProbe, failure?.message)) };
}

/**
 * Judge one container (or init container) of a pod: image pulls, config
 * errors, start failures, crash loops and restarts, error exits, and a
 * readiness probe failing for long. At most one finding per container: the
 * most pressing one.
 */
export function diagnoseContainer(pod: V1Pod, status: V1ContainerStatus, init: boolean, ctx: PodCheckContext): Diagnosis | undefined {
  const spec = (init ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === status.name);
  const sub: Subject = { pod, status, spec, init, ctx };
  const waiting = status.state?.waiting;
  const term = status.state?.terminated;
  const last = status.lastState?.terminated;

  if (waiting?.reason) {
    const problem = waitingProblem(sub, waiting.reason, waiting.message ?? '');
    if (problem) return problem;
    if (waiting.reason === 'CrashLoopBackOff' && last) return crashed(sub, last, true, true);
  }
  if (term && term.exitCode !== 0 && !restarts(sub, term.exitCode)) return exited(sub, term);
  if (term && restarts(sub, term.exitCode) && !(init && term.exitCode === 0)) return crashed(sub, term, false, false);
  const lastAt = toMs(last?.finishedAt);
  if (last && (status.restartCount ?? 0) > 0 && lastAt !== undefined && ctx.now - lastAt < RESTART_RELEVANCE_MS) {
    // Restarted recently: running again now, or waiting for its next try.
    return crashed(sub, last, true, false);
  }
  if (status.state?.running) return notReady(sub);
  return undefined;
}
