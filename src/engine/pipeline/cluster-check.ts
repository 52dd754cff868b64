import { isAbortError, UserError } from '../errors.js';
import { ApiStreamError, openApiStream } from '../kube/api-stream.js';
import type { KubeTarget } from '../kube/context.js';

/** How long the API server gets to answer before `dev` gives up (a black-holed address never refuses). */
export const CLUSTER_CHECK_TIMEOUT_MS = 10_000;

// Socket and TLS failures in words; anything else shows the error's own first line.
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

/**
 * Fail fast, before a single image is built, when the kube context points
 * nowhere: one GET of `/version`, which every API server answers. Like v3.5
 * (which touches the namespace before building), a dead cluster costs the
 * user one second, not a build and a push. Only "not reachable" and "not
 * authenticated" fail; any other answer means the server is there.
 */
export async function assertClusterReachable(kube: KubeTarget, signal: AbortSignal, timeoutMs = CLUSTER_CHECK_TIMEOUT_MS): Promise<void> {
  const server = kube.server ?? kube.kubeConfig.getCurrentCluster()?.server ?? 'unknown server';
  const where = `the Kubernetes API server at ${server} (kube context "${kube.context}")`;
  const hint = 'is the cluster running? check the kubeconfig (KUBECONFIG, current-context) or pick a context with --kube-context';
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await openApiStream(kube.kubeConfig, '/version', {}, AbortSignal.any([signal, timeout]));
    res.resume();
  } catch (err) {
    if (signal.aborted) throw isAbortError(err) ? err : new DOMException('stopped', 'AbortError');
    if (timeout.aborted) throw new UserError(`${where} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`, 1, hint);
    // e.g. a credential plugin that failed: it already says what and where.
    if (err instanceof UserError) throw err;
    if (err instanceof ApiStreamError) {
      if (err.status === 401) throw new UserError(`${where} rejected its credentials (401 Unauthorized)`, 1, 'log in again or refresh the kubeconfig');
      return;
    }
    // Through a proxy, a refused connection is the proxy's: say so, or the user checks a healthy cluster.
    const proxy = proxyOf(kube);
    if (proxy) throw new UserError(`cannot reach ${where} through the proxy ${proxy} (proxy-url in the kubeconfig): ${networkWords(err)}`, 1, 'is the proxy running? check proxy-url in the kubeconfig');
    throw new UserError(`cannot reach ${where}: ${networkWords(err)}`, 1, hint);
  }
}

/** The cluster's proxy-url without credentials, or undefined. */
function proxyOf(kube: KubeTarget): string | undefined {
  const raw = kube.kubeConfig.getCurrentCluster()?.proxyUrl;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'set as proxy-url';
  }
}

function networkWords(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_WORDS[code]) return NETWORK_WORDS[code];
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
  // TLS failures carry an OpenSSL-style code worth keeping next to the message.
  return typeof code === 'string' && !first.includes(code) ? `${first} (${code})` : first;
}
