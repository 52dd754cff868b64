import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A registry on a loopback port that refuses every request with 401 and a
 * challenge, so the Docker Engine sends the credentials it was given and
 * fails. It records what it received (to prove the credentials were sent)
 * and, when `echo` is on, puts them into its error message the way a
 * careless or hostile registry could, so the message reaching devspace
 * carries the secret.
 */

/** `basic`: `WWW-Authenticate: Basic`; `bearer`: a token server at /token (Docker Hub style). */
export type ChallengeMode = 'basic' | 'bearer';

/** One request the registry saw. */
export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/** A running refusing registry. */
export interface RefusingRegistry {
  /** `127.0.0.1:<port>`. */
  host: string;
  seen: SeenRequest[];
  /** Everything the registry received (headers decoded), for "was the secret sent?" checks. */
  received(): string;
  close(): Promise<void>;
}

/** Start a refusing registry. */
export async function startRefusingRegistry(mode: ChallengeMode, echo: boolean): Promise<RefusingRegistry> {
  const seen: SeenRequest[] = [];
  let host = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c.slice(0, 10_000)));
    req.on('end', () => {
      const authorization = req.headers.authorization;
      seen.push({ method: req.method ?? '', url: req.url ?? '', ...(authorization ? { authorization } : {}), body });
      const got = [authorization, decodeBasic(authorization), body].filter(Boolean).join(' ');
      const message = echo && got ? `authentication required, got: ${got}` : 'authentication required';
      const isToken = (req.url ?? '').startsWith('/token');
      if (mode === 'bearer' && isToken) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: message, errors: [{ code: 'UNAUTHORIZED', message }] }));
        return;
      }
      const challenge =
        mode === 'basic'
          ? 'Basic realm="refusing-registry"'
          : `Bearer realm="http://${host}/token",service="refusing-registry",scope="repository:x:push,pull"`;
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': challenge, 'Docker-Distribution-API-Version': 'registry/2.0' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message, detail: null }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    seen,
    received: () => seen.map((r) => `${r.method} ${r.url} ${r.authorization ?? ''} ${decodeBasic(r.authorization) ?? ''} ${decodeURIComponent(r.body.replace(/\+/g, ' '))}`).join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function decodeBasic(header: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)/i.exec(header ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
}
