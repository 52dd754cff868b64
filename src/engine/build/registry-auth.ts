import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY, hostOf } from './image-ref.js';
import { rememberSecrets } from '../secrets.js';

/** Credentials for one registry, in the fields the Engine's `X-Registry-Auth` understands. */
export interface RegistryCredentials {
  /** Registry host (`127.0.0.1:5000`, `docker.io`). */
  registry: string;
  /** What the Engine and `config.json` call the server (`https://index.docker.io/v1/` for Docker Hub). */
  serveraddress: string;
  username?: string;
  password?: string;
  /** OAuth refresh token from `docker login` against token servers; replaces the password. */
  identitytoken?: string;
  /** Where they came from, for messages (never the values). */
  source: 'config' | `helper:${string}`;
}

/** The parts of `~/.docker/config.json` that matter for pushing. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface AuthOptions {
  /** Defaults to `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
  configPath?: string;
  /** Environment for credential helpers (PATH decides which helper runs). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Told about a helper that is missing or failed; resolution then falls back to `auths`. */
  onWarning?: (message: string) => void;
}

/** Longest wait for a credential helper (some open a GUI prompt). */
const HELPER_TIMEOUT_MS = 15_000;

/** Where the Docker CLI keeps its config. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** The parsed Docker config, or undefined when there is none. */
export async function readDockerConfig(path = dockerConfigPath()): Promise<DockerConfigFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as DockerConfigFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // JSON.parse quotes the start of the text it rejects, which may be a pasted token.
    const why = err instanceof SyntaxError ? `it is not valid JSON${/ at position \d+/.exec(err.message)?.[0] ?? ''}` : (err as Error).message;
    throw new UserError(`cannot read Docker config ${path}: ${why}`, 1, 'fix the file, or point DOCKER_CONFIG at another folder');
  }
}

/** The server address helpers and `auths` use for a registry host. */
export function serverAddressOf(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registry;
}

/**
 * Credentials for `registry` the way the Docker CLI finds them:
 * `credHelpers[host]`, else `credsStore`, else `auths[host]`. Unlike the CLI,
 * a helper that knows nothing (or is missing) falls back to `auths`, so one
 * global `credsStore` does not block a plain local registry.
 */
export async function resolveCredentials(registry: string, opts: AuthOptions = {}): Promise<RegistryCredentials | undefined> {
  const creds = await lookUpCredentials(registry, opts);
  // Whoever resolved them, the output net must know them (pull secrets resolve without a CredentialStore).
  rememberSecrets(...secretsOf(creds));
  return creds;
}

async function lookUpCredentials(registry: string, opts: AuthOptions): Promise<RegistryCredentials | undefined> {
  const env = opts.env ?? process.env;
  const config = await readDockerConfig(opts.configPath ?? dockerConfigPath(env));
  if (!config) return undefined;
  const host = hostOf(registry);
  const serveraddress = serverAddressOf(host);
  const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => hostOf(k) === host);
  const helper = (helperKey ? config.credHelpers?.[helperKey] : undefined) ?? config.credsStore;
  if (helper) {
    try {
      const fromHelper = await runCredentialHelper(helper, serveraddress, env, opts.signal);
      if (fromHelper) return { registry: host, serveraddress, ...fromHelper, source: `helper:${helper}` };
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      opts.onWarning?.(`credential helper docker-credential-${helper}: ${(err as Error).message}`);
    }
  }
  const key = Object.keys(config.auths ?? {}).find((k) => hostOf(k) === host);
  const entry = key ? config.auths?.[key] : undefined;
  if (!entry) return undefined;
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  if (!username && !password && !entry.identitytoken) return undefined;
  return {
    registry: host,
    serveraddress,
    ...(username ? { username } : {}),
    ...(entry.identitytoken ? { identitytoken: entry.identitytoken } : password ? { password } : {}),
    source: 'config',
  };
}

/**
 * Run `docker-credential-<name> get` with the server on stdin. Resolves
 * undefined when the helper has no entry; rejects when it is missing or fails.
 */
export function runCredentialHelper(
  name: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<Pick<RegistryCredentials, 'username' | 'password' | 'identitytoken'> | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return Promise.reject(new Error('invalid helper name'));
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${name}`, ['get'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: HELPER_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverAddress);
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('not installed (not found on PATH)') : e),
    );
    child.on('close', (code) => {
      const text = `${out}\n${err}`;
      if (code !== 0) {
        // Helpers print this (docker-credential-helpers' ErrCredentialsNotFound) for an unknown server.
        if (/credentials not found/i.test(text)) return resolve(undefined);
        // Never echo the output: a broken helper may have printed a secret.
        return reject(new Error(`exited with code ${code}`));
      }
      try {
        const parsed = JSON.parse(out) as { Username?: string; Secret?: string };
        if (!parsed.Secret) return resolve(undefined);
        // `<token>` as user name marks an identity token (docker-credential-helpers convention).
        if (parsed.Username === '<token>') resolve({ identitytoken: parsed.Secret });
        else resolve({ ...(parsed.Username ? { username: parsed.Username } : {}), password: parsed.Secret });
      } catch {
        reject(new Error('printed something that is not JSON'));
      }
    });
  });
}

/** Every secret value in `creds`, for the redactor. */
export function secretsOf(creds: RegistryCredentials | undefined): string[] {
  if (!creds) return [];
  const out = [creds.password, creds.identitytoken].filter((s): s is string => !!s);
  if (creds.username && creds.password) out.push(`${creds.username}:${creds.password}`);
  return out;
}

/** The `authconfig` dockerode turns into `X-Registry-Auth`. */
export function toAuthConfig(creds: RegistryCredentials): Record<string, string> {
  return {
    serveraddress: creds.serveraddress,
    ...(creds.username ? { username: creds.username } : {}),
    ...(creds.identitytoken ? { identitytoken: creds.identitytoken } : creds.password ? { password: creds.password } : {}),
  };
}
