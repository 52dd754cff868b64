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
  [/\b(Authorization:\s*(?:Basic|Bearer)\s+)\S+/gi, `$1${REDACTED}`],
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

/** Collects the secrets seen during a run so every outgoing message can be scrubbed. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember secrets (empty and undefined values are ignored). */
  add(...values: (string | undefined)[]): void {
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
