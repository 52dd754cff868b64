import type Docker from 'dockerode';
import { parseImageRef } from './image-ref.js';
import { Redactor } from '../secrets.js';
import { resolveCredentials, secretsOf, toAuthConfig, type AuthOptions, type RegistryCredentials } from './registry-auth.js';

/**
 * Registry credentials looked up once per registry and run (helpers can be
 * slow), with every secret seen registered in one redactor that scrubs all
 * outgoing messages.
 */
export class CredentialStore {
  readonly redactor = new Redactor();
  private readonly byRegistry = new Map<string, Promise<RegistryCredentials | undefined>>();

  constructor(private readonly opts: AuthOptions = {}) {}

  /** Credentials for a registry host, or undefined for anonymous access. */
  get(registry: string): Promise<RegistryCredentials | undefined> {
    let found = this.byRegistry.get(registry);
    if (!found) {
      found = resolveCredentials(registry, this.opts).then((creds) => {
        this.redactor.add(...secretsOf(creds));
        return creds;
      });
      this.byRegistry.set(registry, found);
    }
    return found;
  }

  /** dockerode `authconfig` for pushing or inspecting `ref`, or undefined when anonymous. */
  async authConfigFor(ref: string): Promise<Record<string, string> | undefined> {
    const creds = await this.get(parseImageRef(ref).registry);
    return creds ? toAuthConfig(creds) : undefined;
  }

  /** `X-Registry-Config` for the base images of a build, keyed by server address. */
  async registryConfig(baseImages: readonly string[] = []): Promise<Record<string, Record<string, string>> | undefined> {
    const out: Record<string, Record<string, string>> = {};
    for (const registry of new Set(baseImages.map((r) => parseImageRef(r).registry))) {
      const creds = await this.get(registry);
      if (creds) out[creds.serveraddress] = toAuthConfig(creds);
    }
    return Object.keys(out).length ? out : undefined;
  }

  /**
   * The registry host when it has `ref` (asked through the Engine's
   * distribution endpoint, which handles registry auth and insecure local
   * registries); undefined when it has not or cannot be reached.
   */
  async inRegistry(docker: Docker, ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const { registry } = parseImageRef(ref);
    try {
      const authconfig = await this.authConfigFor(ref);
      // dockerode's `distribution()` drops the abort signal; the modem itself honours it.
      await new Promise<void>((resolve, reject) => {
        (docker.modem as { dial(opts: object, cb: (err: unknown) => void): void }).dial(
          {
            path: `/distribution/${ref}/json`,
            method: 'GET',
            statusCodes: { 200: true, 401: 'no such image', 500: 'server error' },
            ...(authconfig ? { authconfig } : {}),
            ...(signal ? { abortSignal: signal } : {}),
          },
          (err) => (err ? reject(err) : resolve()),
        );
      });
      return registry;
    } catch (err) {
      if (signal?.aborted) throw err;
      return undefined;
    }
  }
}
