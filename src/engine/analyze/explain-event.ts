import type { Finding } from '../events.js';

/** How one Warning reason reads to a person, and what to do about it. */
interface ReasonText {
  /** What happened, given the object's kind and name. */
  what: (kind: string, name: string) => string;
  /** What to do, given the event message. */
  hint?: (message: string) => string | undefined;
  severity: Finding['severity'];
}

function missingObject(message: string): string | undefined {
  const m = /(configmap|secret|persistentvolumeclaim|serviceaccount)s? "([^"]+)" not found/i.exec(message);
  return m ? `create the ${m[1]!.toLowerCase()} ${m[2]}, or fix the name that refers to it` : undefined;
}

const REASONS: Record<string, ReasonText> = {
  FailedCreate: {
    what: (kind, name) => `${kind} ${name} cannot create its pods`,
    severity: 'error',
    hint: (m) => {
      const quota = /exceeded quota: ([^,\s]+)/.exec(m);
      if (quota) return `the namespace's ResourceQuota ${quota[1]} does not allow more: raise the quota, lower the pods' requests, or delete what you no longer need`;
      if (/must specify (limits|requests)/.test(m)) return 'a ResourceQuota here requires resource requests/limits on every container: set resources in the pod template';
      if (/violates PodSecurity/.test(m)) return "the namespace's Pod Security level forbids this pod: adjust its securityContext (runAsNonRoot, no privileged, drop capabilities), or the namespace's pod-security labels";
      if (/admission webhook/.test(m)) return 'an admission webhook rejected the pod: its message above says why';
      if (/maximum (cpu|memory)|minimum (cpu|memory)/.test(m)) return "a LimitRange in the namespace rejects the containers' resources: bring them within its bounds";
      return missingObject(m);
    },
  },
  FailedMount: { what: (_k, name) => `a volume of pod ${name} cannot be mounted`, severity: 'error', hint: (m) => missingObject(m) ?? 'check the volumes of the pod: the referenced ConfigMap, Secret or PersistentVolumeClaim must exist and be usable on this node' },
  FailedAttachVolume: { what: (_k, name) => `a volume cannot be attached to the node of pod ${name}`, severity: 'error', hint: () => 'the volume may still be attached to another node (ReadWriteOnce), or the storage driver is failing' },
  ProvisioningFailed: { what: (kind, name) => `${kind} ${name} cannot get a volume`, severity: 'error', hint: () => 'check the storageClassName of the claim and that the cluster has a working provisioner for it' },
  FailedBinding: { what: (kind, name) => `${kind} ${name} is not bound to a volume`, severity: 'error', hint: () => 'no PersistentVolume matches the claim and no StorageClass provisions one: set storageClassName, or create a matching volume' },
  FailedScheduling: { what: (_k, name) => `pod ${name} could not be scheduled`, severity: 'error', hint: () => "compare the pod's resources, nodeSelector, affinity and tolerations with the nodes" },
  FailedCreatePodSandBox: { what: (_k, name) => `the node cannot set up pod ${name} (sandbox/network)`, severity: 'error', hint: () => 'a problem of the node or its network plugin, not of your manifests: tell whoever runs the cluster' },
  Unhealthy: { what: (_k, name) => `a probe of pod ${name} failed`, severity: 'warning', hint: () => 'if it keeps happening, the probe is too strict for the app (timeoutSeconds, periodSeconds, failureThreshold) or checks the wrong port/path' },
  BackOff: { what: (_k, name) => `pod ${name} is backing off`, severity: 'warning' },
  FailedPostStartHook: { what: (_k, name) => `the postStart hook of pod ${name} failed`, severity: 'error', hint: () => 'the lifecycle.postStart command or request fails; kubelet kills the container when it does' },
  FailedPreStopHook: { what: (_k, name) => `the preStop hook of pod ${name} failed`, severity: 'warning', hint: () => 'the lifecycle.preStop command or request fails, so shutdown is not graceful' },
  FailedKillPod: { what: (_k, name) => `pod ${name} could not be stopped`, severity: 'warning' },
  Evicted: { what: (_k, name) => `pod ${name} was evicted`, severity: 'error', hint: () => 'the node ran short of memory or disk: set resource requests/limits that match what the containers use' },
  FailedGetResourceMetric: { what: (kind, name) => `${kind} ${name} cannot read metrics`, severity: 'warning', hint: () => 'the autoscaler needs metrics-server and resource requests on the containers it scales' },
  FailedComputeMetricsReplicas: { what: (kind, name) => `${kind} ${name} cannot compute replicas`, severity: 'warning', hint: () => 'the autoscaler needs metrics-server and resource requests on the containers it scales' },
  SyncLoadBalancerFailed: { what: (kind, name) => `${kind} ${name} has no load balancer`, severity: 'warning', hint: () => 'the cloud provider could not create the load balancer; local clusters usually have none (use a NodePort or port forwarding)' },
};

/** Reasons that describe the node's own setup, repeated for every pod, and not fixable by the app. */
export const IGNORED_REASONS = new Set(['MissingClusterDNS', 'DNSConfigForming']);

/** Reasons a finding about the pod itself already explains (crash loops, pulls, probes, scheduling). */
export const COVERED_BY_POD_FINDINGS = new Set(['FailedScheduling', 'BackOff', 'Failed', 'Unhealthy', 'InspectFailed', 'ErrImageNeverPull', 'Evicted']);

/** The specific advice for one event, or undefined when the reason has none. */
export function eventHint(reason: string, message: string): string | undefined {
  return REASONS[reason]?.hint?.(message);
}

/** The plain-language headline, severity and hint for a Warning event. */
export function explainEvent(reason: string, kind: string, name: string, message: string, namespace: string): { what: string; severity: Finding['severity']; hint: string } {
  const known = REASONS[reason];
  const describe = `\`kubectl describe ${kind.toLowerCase()} ${name} -n ${namespace}\` shows the details`;
  if (!known) return { what: `${kind} ${name} reported a problem`, severity: 'warning', hint: describe };
  return { what: known.what(kind, name), severity: known.severity, hint: known.hint?.(message) ?? describe };
}
