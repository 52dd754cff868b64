import type {
  DevspaceConfig,
  HelmConfig,
  ImageConfig,
  KubectlConfig,
  OverrideImageConfig,
  PortMapping,
  SyncConfig,
  TerminalConfig,
} from './types.js';

/**
 * DevSpace v3.5's defaults for keys left out of devspace.yaml, as small pure functions so that every
 * consumer applies the same value (and the JSON Schema descriptions name the same ones).
 */

/** Shell for `dev.terminal` and `devspace enter` when no command is configured: bash if the image has it. */
export const DEFAULT_TERMINAL_COMMAND: readonly string[] = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

/** Local address port forwards listen on by default (the v3.5 code's value; its docs said localhost). */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

/** Dockerfile path of an image, honouring a dev override when one is given. */
export function imageDockerfile(image: ImageConfig, override?: OverrideImageConfig): string {
  return override?.dockerfile ?? image.dockerfile ?? './Dockerfile';
}

/** Build context directory of an image, honouring a dev override when one is given. */
export function imageContext(image: ImageConfig, override?: OverrideImageConfig): string {
  return override?.context ?? image.context ?? './';
}

/** Whether an image is pushed after building (docker `skipPush` turns it off). */
export function imagePushes(image: ImageConfig): boolean {
  return image.build?.docker?.skipPush !== true;
}

/** Local address of a forwarded port. */
export function forwardBindAddress(mapping: PortMapping): string {
  return mapping.bindAddress ?? DEFAULT_BIND_ADDRESS;
}

/** Port in the pod of a forwarded port: the local port unless `remotePort` is set. */
export function forwardRemotePort(mapping: PortMapping): number {
  return mapping.remotePort ?? mapping.port;
}

/** Command the dev terminal runs. */
export function terminalCommand(terminal?: TerminalConfig): string[] {
  return [...(terminal?.command ?? DEFAULT_TERMINAL_COMMAND)];
}

/** Local side of a sync path, relative to the project root. */
export function syncLocalSubPath(sync: SyncConfig): string {
  return sync.localSubPath ?? '.';
}

/** Container side of a sync path; `.` means the container's working directory. */
export function syncContainerPath(sync: SyncConfig): string {
  return sync.containerPath ?? '.';
}

/** kubectl binary of a kubectl deployment. */
export function kubectlCmdPath(kubectl: KubectlConfig): string {
  return kubectl.cmdPath ?? 'kubectl';
}

/** Whether image tags in Helm values are replaced with the freshly built ones. */
export function helmDevSpaceValues(helm: HelmConfig): boolean {
  return helm.devSpaceValues ?? true;
}

/** The config with the defaults above written in, for consumers that prefer plain reads; the input is not changed. */
export function resolveDefaults(config: DevspaceConfig): DevspaceConfig {
  const out = structuredClone(config);
  for (const image of Object.values(out.images ?? {})) {
    image.dockerfile = imageDockerfile(image);
    image.context = imageContext(image);
  }
  for (const ports of out.dev?.ports ?? []) {
    for (const mapping of ports.forward) {
      mapping.remotePort = forwardRemotePort(mapping);
      mapping.bindAddress = forwardBindAddress(mapping);
    }
  }
  for (const sync of out.dev?.sync ?? []) {
    sync.localSubPath = syncLocalSubPath(sync);
    sync.containerPath = syncContainerPath(sync);
  }
  if (out.dev?.terminal) out.dev.terminal.command = terminalCommand(out.dev.terminal);
  for (const d of out.deployments ?? []) {
    if (d.kubectl) d.kubectl.cmdPath = kubectlCmdPath(d.kubectl);
    if (d.helm) d.helm.devSpaceValues = helmDevSpaceValues(d.helm);
  }
  return out;
}
