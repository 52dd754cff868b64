/** What a redacted secret is replaced with. */
export const REDACTED = '***';

/**
 * Secrets shorter than this are not replaced as substrings: doing so would
 * shred every message (we never put credentials into messages on purpose;
 * this is a second line of defence against an Engine or helper echoing them).
 */
const MIN_SECRET_LENGTH = 3;

// Credentials that have a recognisable shape, whatever their value.
const PATTERNS: [RegExp, string][] = [
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
  [/("(?:password|auth|identitytoken|registrytoken|secret|Secret|Password)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`],
  // `Authorization: Bearer x` as a header line, and quoted in JSON or util.inspect output.
  [/\b(Authorization["']?\s*[:=]\s*["']?(?:Basic|Bearer)\s+)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\b(X-Registry-Auth:\s*)[A-Za-z0-9+/=_-]{16,}/gi, `$1${REDACTED}`],
];

/** Replace known secret values and credential-shaped text in `text`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const known = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(REDACTED);
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * The process-wide net: every credential this process holds (kube tokens,
 * passwords and keys, registry passwords and tokens) is remembered when it
 * is read, and the CLI's output boundaries (error reports, the event bus)
 * scrub them. Sources never put secrets into messages on purpose; this
 * catches what a library, a plugin or a server echoes back.
 */
const remembered = new Set<string>();

/** Shorter values are not scrubbed by the net: a 4-character password would shred ordinary words. */
const MIN_REMEMBERED_LENGTH = 6;

/** Remember credentials (empty, undefined and very short values are ignored). */
export function rememberSecrets(...values: (string | undefined | null)[]): void {
  for (const v of values) {
    if (!v || v.length < MIN_REMEMBERED_LENGTH) continue;
    remembered.add(v);
    // `user:password` travels base64-encoded in Basic auth.
    if (v.includes(':')) remembered.add(Buffer.from(v).toString('base64'));
    // A PEM block (a private key) shows up line by line in whatever prints it.
    if (v.includes('-----BEGIN')) {
      const body = v.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('-----'));
      for (const line of body) if (line.length >= 16) remembered.add(line.trim());
      remembered.add(body.join(''));
    }
  }
}

/** Remember a base64 PEM blob (`client-key-data`): the blob and the key inside it. */
export function rememberPemData(base64: string | undefined): void {
  if (!base64) return;
  rememberSecrets(base64, Buffer.from(base64, 'base64').toString('utf8'));
}

/** Remembered secrets and credential-shaped text replaced: for error messages, hints and stack traces. */
export function scrubSecrets(text: string): string {
  return redact(text, remembered);
}

/**
 * Remembered secrets replaced in every string of an event payload (no
 * shape patterns: container log lines pass through unchanged otherwise).
 * Returns the payload itself when nothing matched.
 */
export function scrubPayload<T>(payload: T): T {
  if (remembered.size === 0) return payload;
  return scrubValue(payload) as T;
}

function scrubValue(v: unknown): unknown {
  if (typeof v === 'string') {
    for (const secret of remembered) if (v.includes(secret)) return redact(v, remembered);
    return v;
  }
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => {
      const y = scrubValue(x);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? out : v;
  }
  if (v && typeof v === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = scrubValue(x);
      if (y !== x) changed = true;
      out[k] = y;
    }
    return changed ? out : v;
  }
  return v;
}

/** Collects the secrets seen during a run so every outgoing message can be scrubbed. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember secrets (empty and undefined values are ignored). */
  add(...values: (string | undefined)[]): void {
    rememberSecrets(...values);
    for (const v of values) {
      if (!v) continue;
      this.secrets.add(v);
      // Basic-auth strings travel base64-encoded too.
      if (v.includes(':')) this.secrets.add(Buffer.from(v).toString('base64'));
    }
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
