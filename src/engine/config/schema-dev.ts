import { z } from 'zod';
import { bool, count, name, obj, port, str, strList, strMap } from './schema-common.js';

/** `dev.overrideImages[]`: what changes about an image when `devspace dev` builds it. */
export const OverrideImageConfigSchema = obj({
  name: name('Name of an entry in `images`.'),
  entrypoint: strList('Entrypoint for dev builds, e.g. `["npm", "run", "watch"]`.').optional(),
  dockerfile: str('Dockerfile for dev builds.').optional(),
  context: str('Build context for dev builds.').optional(),
});

/** `dev.terminal`: the shell (or log stream) that `devspace dev` opens. */
export const TerminalConfigSchema = obj({
  disabled: bool('Stream logs instead of opening a shell. Default false.').optional(),
  selector: str('Name of a `dev.selectors` entry.').optional(),
  labelSelector: strMap('Pod labels to match.').optional(),
  namespace: str().optional(),
  containerName: str().optional(),
  command: strList(
    'Command to run. Default `["sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"]`.',
  ).optional(),
}).describe('The terminal opened by `devspace dev` and `devspace enter`.');

/** `dev.ports[].forward[]`: one forwarded port. */
export const PortMappingSchema = obj({
  port: port('Local port.'),
  remotePort: port('Port in the pod. Default: `port`.').optional(),
  bindAddress: str('Local address to listen on. Default `127.0.0.1`; `0.0.0.0` for all interfaces.').optional(),
});

/** `dev.ports[]`: ports forwarded from one pod (needs `selector` or `labelSelector`). */
export const PortForwardingConfigSchema = obj({
  selector: str('Name of a `dev.selectors` entry.').optional(),
  namespace: str().optional(),
  labelSelector: strMap('Pod labels to match.').optional(),
  forward: z.array(PortMappingSchema).describe('Ports to forward.'),
});

/** `dev.sync[].bandwidthLimits`: throttling in KB/s (not supported yet). */
export const BandwidthLimitsSchema = obj({
  download: count('KB/s; 0 means unlimited.').optional(),
  upload: count('KB/s; 0 means unlimited.').optional(),
});

/** `dev.sync[]`: a local directory kept in sync with a container path (needs `selector` or `labelSelector`). */
export const SyncConfigSchema = obj({
  selector: str('Name of a `dev.selectors` entry.').optional(),
  namespace: str().optional(),
  labelSelector: strMap('Pod labels to match.').optional(),
  containerName: str().optional(),
  localSubPath: str('Local directory relative to the project root. Default `.`.').optional(),
  containerPath: str('Directory in the container; `.` is its working directory. Default `.`.').optional(),
  waitInitialSync: bool('Wait for the initial sync before continuing. Default false.').optional(),
  excludePaths: strList('Paths never synced (gitignore syntax).').optional(),
  downloadExcludePaths: strList('Paths never downloaded (gitignore syntax).').optional(),
  uploadExcludePaths: strList('Paths never uploaded (gitignore syntax).').optional(),
  bandwidthLimits: BandwidthLimitsSchema.optional(),
});

/** `dev.autoReload`: files whose change restarts build, deploy and dev services. */
export const AutoReloadConfigSchema = obj({
  paths: strList('Globs to watch; `**` is supported.').optional(),
  deployments: strList('Deployment names whose chart or manifests are watched.').optional(),
  images: strList('Image names whose Dockerfile is watched.').optional(),
});

/** `dev.selectors[]`: a named pod selector that ports, sync and terminal refer to. */
export const SelectorConfigSchema = obj({
  name: name('Name that `selector:` keys refer to.'),
  namespace: str().optional(),
  labelSelector: strMap('Pod labels to match.').optional(),
  containerName: str().optional(),
});

/** `dev`: what `devspace dev` runs after deploying. */
export const DevConfigSchema = obj({
  overrideImages: z.array(OverrideImageConfigSchema).optional(),
  terminal: TerminalConfigSchema.optional(),
  ports: z.array(PortForwardingConfigSchema).optional(),
  sync: z.array(SyncConfigSchema).optional(),
  autoReload: AutoReloadConfigSchema.optional(),
  selectors: z.array(SelectorConfigSchema).optional(),
}).describe('Settings for `devspace dev`.');
