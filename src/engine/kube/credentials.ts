import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import { rememberPemData, rememberSecrets, scrubSecrets } from '../secrets.js';
import { isAbortError, UserError } from '../errors.js';

/**
 * Kubeconfig credentials kept out of everything devspace prints: URL
 * credentials moved out of server addresses (which appear in messages),
 * every credential remembered for the output net, and authentication
 * failures (exec plugins, auth providers) turned into one line that echoes
 * nothing the plugin printed on stdout.
 */

// authProvider.config and exec.env entries whose values are credentials.
const SECRET_KEY = /token|secret|password|passwd|key|credential/i;

/**
 * Servers with `https://user:password@host` lose the userinfo (messages and
 * the deploy cache show server addresses). The current user keeps
 * authenticating with it as Basic auth, as client-go does, unless it has
 * credentials of its own.
 */
export function withoutUrlCredentials(clusters: Cluster[], users: User[], current: { cluster?: string; user?: string }): { clusters: Cluster[]; users: User[] } {
  let basic: { username: string; password: string } | undefined;
  const cleaned = clusters.map((c) => {
    const url = parseUrl(c.server);
    if (!url || (!url.username && !url.password)) return c;
    const creds = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    rememberSecrets(creds.password, `${creds.username}:${creds.password}`);
    if (c.name === current.cluster) basic = creds;
    url.username = '';
    url.password = '';
    // URL adds a trailing slash to a bare origin; the kubeconfig had none.
    const server = c.server.endsWith('/') ? url.toString() : url.toString().replace(/\/$/, '');
    return { ...c, server };
  });
  for (const c of cleaned) {
    const proxy = parseUrl(c.proxyUrl);
    if (proxy?.password) rememberSecrets(decodeURIComponent(proxy.password));
  }
  const fresh = basic;
  const withBasic = fresh
    ? users.map((u) => (u.name === current.user && !hasOwnCredentials(u) ? { ...u, username: fresh.username, password: fresh.password } : u))
    : users;
  return { clusters: cleaned, users: withBasic };
}

function parseUrl(text: string | undefined): URL | undefined {
  if (!text) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function hasOwnCredentials(u: User): boolean {
  return !!(u.token || u.username || u.exec || u.authProvider);
}

/** Remember every credential a kubeconfig user holds, for the output net. */
export function rememberUserSecrets(user: User | null | undefined): void {
  if (!user) return;
  rememberSecrets(user.token, user.password, user.username && user.password ? `${user.username}:${user.password}` : undefined);
  rememberPemData(user.keyData);
  if (user.keyFile) {
    try {
      rememberSecrets(readFileSync(user.keyFile, 'utf8'));
    } catch {
      // client-node reports an unreadable key file when it is used.
    }
  }
  const config = (user.authProvider as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  for (const [key, value] of Object.entries(config)) if (SECRET_KEY.test(key) && typeof value === 'string') rememberSecrets(value);
  const env = (user.exec as { env?: { name?: string; value?: string }[] } | undefined)?.env ?? [];
  for (const e of env) if (e.name && SECRET_KEY.test(e.name)) rememberSecrets(e.value);
}

type Applier = (arg: unknown) => Promise<unknown>;

/**
 * Wrap the kubeconfig's three authentication entry points (typed API
 * clients, fetch-based watches, WebSockets): a failure becomes a UserError
 * naming the user and how it authenticates, and every credential actually
 * sent (a plugin's token, an OIDC id-token) is remembered for the net.
 */
export function guardAuthentication(kc: KubeConfig, context: string): void {
  const target = kc as unknown as Record<'applyToHTTPSOptions' | 'applySecurityAuthentication' | 'applyToFetchOptions', Applier>;
  for (const name of ['applyToHTTPSOptions', 'applySecurityAuthentication', 'applyToFetchOptions'] as const) {
    const original = target[name].bind(kc);
    target[name] = async (arg: unknown): Promise<unknown> => {
      try {
        const result = await original(arg);
        rememberSent(name === 'applyToFetchOptions' ? result : arg);
        return result;
      } catch (err) {
        throw authenticationError(kc.getCurrentUser(), context, err);
      }
    };
  }
}

/** The Authorization header (and client key) an entry point produced. */
function rememberSent(carrier: unknown): void {
  const c = carrier as { headers?: unknown; getHeaders?: () => Record<string, string>; auth?: string; key?: unknown } | undefined;
  if (!c) return;
  const headers = typeof c.getHeaders === 'function' ? c.getHeaders() : c.headers;
  let value: unknown;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('Authorization');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, unknown>).Authorization ?? (headers as Record<string, unknown>).authorization;
  if (typeof value === 'string') rememberSecrets(value.replace(/^(Bearer|Basic)\s+/i, ''));
  if (typeof c.auth === 'string') rememberSecrets(c.auth);
  if (c.key) rememberSecrets(String(c.key));
}

/** One line about a failed authentication, with nothing a plugin printed on stdout in it. */
export function authenticationError(user: User | null, context: string, err: unknown): unknown {
  if (err instanceof UserError || isAbortError(err)) return err;
  const exec = user?.exec as { command?: string } | undefined;
  const provider = (user?.authProvider as { name?: string } | undefined)?.name;
  const how = exec ? `its exec credential plugin ${path.basename(exec.command ?? '?')}` : `its ${provider} auth provider`;
  const e = err as NodeJS.ErrnoException;
  if (!exec && !provider) {
    // Token, basic auth and client certificates fail only on unreadable files; the path is the news.
    if (e?.path && e.code) return new UserError(`kube context "${context}": cannot read ${e.path} of user "${user?.name ?? '?'}" (${e.code})`, 1, 'check the user entry of this context in the kubeconfig');
    return err;
  }
  let why: string;
  // JSON.parse quotes the start of its input, which is the plugin's stdout: the credential itself.
  if (err instanceof SyntaxError) why = exec ? 'printed something that is not an ExecCredential (JSON)' : 'gave an answer that is not valid JSON';
  else if (e?.code === 'ENOENT' && e.syscall?.startsWith('spawn')) why = `cannot be run (${exec?.command ?? 'its command'} not found)`;
  else {
    const line = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).find(Boolean);
    why = line ? `failed: ${scrubSecrets(line).slice(0, 200)}` : 'failed without saying why';
  }
  const hint = exec?.command ? `run \`${exec.command}\` yourself to see what it prints` : `check the ${provider} settings of user "${user?.name ?? '?'}" in the kubeconfig`;
  return new UserError(`cannot authenticate to the cluster of kube context "${context}" as user "${user?.name ?? '?'}": ${how} ${why}`, 1, hint);
}
