import { type Command, InvalidArgumentError } from 'commander';

/** Parse a non-negative whole number (`--lines 200`); anything else is a usage error. */
export function parseCount(value: string): number {
  const n = Number(value);
  // Digits only, and small enough to be exact: `1e3`, `-1`, `1.5` and 30-digit numbers are all refused.
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** A value that must say something: an empty `--pod ''` would otherwise be ignored without a word. */
export function parseNonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a non-empty value');
  return value;
}

/** A Kubernetes namespace name (a DNS-1123 label), checked before any cluster is asked. */
export function parseNamespace(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || value.length > 63) {
    throw new InvalidArgumentError('expected a namespace name: lowercase letters, digits and "-", at most 63 characters');
  }
  return value;
}

/** Collect repeated `--var KEY=VALUE` flags into one record. */
export function collectVar(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq).trim() : '';
  if (!key || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** Collect a repeatable flag into a list (`-e a -e b`). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Split `a,b` into names, rejecting empty entries. */
export function parseNames(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError('expected a comma-separated list of names');
  return names;
}

/** A label selector must at least say something; the API server judges the rest. */
export function parseLabelSelector(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected key=value[,key2=value2]');
  return value.trim();
}

/** `-n/--namespace`, shared by most commands. */
export function namespaceOption(cmd: Command): Command {
  return cmd.option('-n, --namespace <name>', 'namespace to use (default: cluster.namespace, then the context namespace)', parseNamespace);
}

/** `--var`, for commands that load devspace.yaml. */
export function varOption(cmd: Command): Command {
  return cmd.option('--var <KEY=VALUE>', 'set a ${VAR} of devspace.yaml (repeatable)', collectVar);
}

/** `--kube-context`, for commands that pick a cluster. */
export function kubeContextOption(cmd: Command): Command {
  return cmd.option('--kube-context <name>', 'kube context to use (default: cluster.kubeContext, then current-context)', parseNonEmpty);
}

/** The pod/container selection flags of research §2.1 (enter, logs, sync). */
export function targetOptions(cmd: Command, pick = true): Command {
  if (pick) cmd.option('-p, --pick', 'choose the pod from a list instead of using the config');
  return namespaceOption(
    cmd
      .option('-c, --container <name>', 'container name within the pod', parseNonEmpty)
      .option('-l, --label-selector <selector>', 'label selector for the pod, e.g. app=api,tier=web', parseLabelSelector)
      .option('--pod <name>', 'pod name (skips the label selector)', parseNonEmpty),
  );
}

/** The build flags shared by dev, build and deploy. */
export function buildOptions(cmd: Command): Command {
  return cmd
    .option('-b, --force-build', 'build images even if nothing changed')
    .option('--skip-push', 'do not push images (for clusters that share the local Docker daemon)');
}
