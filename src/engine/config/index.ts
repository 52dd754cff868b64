/**
 * The config subsystem: find, read, substitute and validate devspace.yaml (v1beta2, DevSpace v3.5; the
 * older versions v3.5 read are upgraded to v1beta2 on load, see legacy/upgrade.ts).
 * Everything other modules need is exported here; import from this file, not the parts.
 */
export { loadConfig, parseConfigText } from './load.js';
export { findProjectRoot, CONFIG_FILE } from './root.js';
export { CONFIG_VERSION, DevspaceConfigSchema } from './schema.js';
export { formatPath } from './locate.js';
export { UNSUPPORTED_KEYS, unsupportedKeysUsed, assertSupported } from './unsupported.js';
export type { UnsupportedKey, UnsupportedUse } from './unsupported.js';
export {
  DEFAULT_BIND_ADDRESS,
  DEFAULT_TERMINAL_COMMAND,
  forwardBindAddress,
  forwardRemotePort,
  helmDevSpaceValues,
  imageContext,
  imageDockerfile,
  imagePushes,
  kubectlCmdPath,
  resolveDefaults,
  syncContainerPath,
  syncLocalSubPath,
  terminalCommand,
} from './defaults.js';
export { MAX_CONFIG_BYTES } from './parse-yaml.js';
export type * from './types.js';
