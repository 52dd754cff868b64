/** What a failed Kubernetes API call says, in one line, without client-node's dump of headers and body. */

/** The HTTP status of a client-node API error, if it is one. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown })?.code ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * One line for a failed API call: the API server's own message (e.g.
 * `Deployment.apps "web" is invalid: spec.replicas: ...`) rather than
 * client-node's dump of status, body and headers.
 */
export function apiErrorMessage(err: unknown): string {
  const body = (err as { body?: unknown })?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message) return message;
  const status = apiStatus(err);
  if (status !== undefined) return `the API server answered ${status}`;
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? 'unknown error';
}
