import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A raw streaming GET against the API server (e.g. `pods/log?follow=true`),
 * authenticated with the kubeconfig like every other call. client-node's
 * Log helper pipes the body and hides its errors, so a dropped connection
 * would look like a quiet log forever; here the caller sees `end`/`error`.
 */

/** A non-200 answer, with the API's Status message when it sent one. */
export class ApiStreamError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiStreamError';
  }
}

/** GET `path?query` and resolve with the response stream once the headers say 200. */
export async function openApiStream(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  signal?: AbortSignal,
): Promise<http.IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const secure = url.protocol === 'https:';
  if (!secure) delete opts.agent;
  const request = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { ...opts, method: 'GET' }, (res) => {
      if (res.statusCode === 200) return resolve(res);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 8192) body += c;
      });
      res.on('end', () => reject(new ApiStreamError(statusMessage(body, res.statusCode ?? 0), res.statusCode ?? 0)));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Not the request's `signal` option: once the whole response has arrived, keep-alive has put the
    // socket back in the pool (maybe for the next request), and destroying it then ends in an error
    // nobody listens for (a crash). A complete response is left to its reader; a pending open rejects.
    if (signal) {
      let response: http.IncomingMessage | undefined;
      const onAbort = (): void => {
        reject(new DOMException('the request was aborted', 'AbortError'));
        if (!response?.complete) req.destroy();
      };
      const done = (): void => signal.removeEventListener('abort', onAbort);
      req.once('response', (res: http.IncomingMessage) => {
        response = res;
        res.once('end', done);
      });
      req.once('close', done);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    req.end();
  });
}

function statusMessage(body: string, code: number): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    if (status.message) return status.message;
  } catch {
    // not a Status object
  }
  return `${code} ${http.STATUS_CODES[code] ?? 'error'}`;
}
