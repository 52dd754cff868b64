import { randomBytes } from 'node:crypto';

/**
 * Every secret the secrets tests plant, and a scanner that finds any of them
 * (or a recognisable piece) in a text. A leak can hide in an encoding or be
 * cut short by a one-line message, so each secret is looked for as itself,
 * base64, base64url, URL-encoded, and as every WINDOW-character slice of it.
 */

/** Slices this long of a random secret are unique; short enough to catch a truncated or partly quoted value. */
export const WINDOW = 10;
/** PEM and base64 blobs (keys, certificates) are checked by 40-character slices, per line and per blob. */
export const BLOB_WINDOW = 40;

/** One planted secret. */
export interface Planted {
  /** What it is, e.g. `docker auths password (127.0.0.1:5000)`. */
  kind: string;
  value: string;
}

/** One place a secret showed up. */
export interface Leak {
  /** The secret's kind. */
  kind: string;
  /** Which form matched: `raw`, `base64`, `slice`, … */
  form: string;
  /** Where it was found (run label, event type, file, object). */
  where: string;
  /** The text around the match with the match itself masked, so failures are readable and do not re-leak. */
  context: string;
}

/** A random secret no output can contain by chance (base64url, 32 characters). */
export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

interface Needle {
  kind: string;
  form: string;
}

/** The planted secrets and the scanner over them. */
export class SecretBook {
  readonly planted: Planted[] = [];
  private readonly exact = new Map<string, Needle>();
  private readonly slices = new Map<number, Map<string, Needle>>();

  /** Plant a random secret and return it. */
  secret(kind: string): string {
    const value = randomSecret();
    this.add(kind, value);
    return value;
  }

  /**
   * Register a secret value. Composite values such as `user:password` pass
   * `slices: false`: their non-secret part (the user) may legitimately show.
   */
  add(kind: string, value: string, opts: { slices?: boolean } = {}): void {
    this.planted.push({ kind, value });
    this.needle(value, kind, 'raw');
    this.needle(b64(value), kind, 'base64');
    this.needle(b64url(value), kind, 'base64url');
    this.needle(encodeURIComponent(value), kind, 'url-encoded');
    this.needle(JSON.stringify(value).slice(1, -1), kind, 'json-escaped');
    if (opts.slices !== false) this.addSlices(value, WINDOW, kind, 'slice');
  }

  /**
   * Register a base64 blob such as `client-key-data`: the blob, its PEM
   * body joined into one line, each PEM line of 40 characters or more, and
   * (for private keys, `slices: true`) every 40-character slice of all of
   * them. Certificates are public and share lines with their CA (issuer,
   * validity), so they are looked for whole only.
   */
  addBlob(kind: string, base64: string, opts: { slices: boolean }): void {
    this.planted.push({ kind, value: base64 });
    this.needle(base64, kind, 'raw');
    const pem = Buffer.from(base64, 'base64').toString('utf8');
    const lines = pem.split(/\r?\n/).filter((l) => l && !l.startsWith('-----'));
    const body = lines.join('');
    this.needle(body, kind, 'pem-body');
    if (!opts.slices) return;
    for (const line of lines.filter((l) => l.length >= BLOB_WINDOW)) this.needle(line, kind, 'pem-line');
    this.addSlices(base64, BLOB_WINDOW, kind, 'blob-slice');
    this.addSlices(body, BLOB_WINDOW, kind, 'pem-slice');
  }

  /**
   * Forget needles that occur in `text`, which is public (a CA certificate,
   * a client certificate): the fixed ASN.1 header of every RSA key would
   * otherwise match any other key or certificate.
   */
  exclude(text: string): void {
    for (const [needle] of this.exact) if (text.includes(needle)) this.exact.delete(needle);
    for (const [width, byWidth] of this.slices) {
      for (let i = 0; i + width <= text.length; i++) byWidth.delete(text.slice(i, i + width));
    }
  }

  private needle(text: string, kind: string, form: string): void {
    if (text.length >= WINDOW && !this.exact.has(text)) this.exact.set(text, { kind, form });
  }

  private addSlices(text: string, width: number, kind: string, form: string): void {
    let byWidth = this.slices.get(width);
    if (!byWidth) this.slices.set(width, (byWidth = new Map()));
    for (let i = 0; i + width <= text.length; i++) {
      const s = text.slice(i, i + width);
      if (!byWidth.has(s)) byWidth.set(s, { kind, form });
    }
  }

  /** Every leak in `text`, one per secret kind and form (the first place it shows). */
  scan(text: string, where: string): Leak[] {
    const found = new Map<string, Leak>();
    const report = (n: Needle, at: number, len: number): void => {
      const key = `${n.kind}\0${n.form}`;
      if (found.has(key)) return;
      const before = text.slice(Math.max(0, at - 60), at);
      const after = text.slice(at + len, at + len + 60);
      found.set(key, { kind: n.kind, form: n.form, where, context: `${before}<${n.form}:${len}>${after}`.replace(/\s+/g, ' ') });
    };
    for (const [needle, n] of this.exact) {
      const at = text.indexOf(needle);
      if (at >= 0) report(n, at, needle.length);
    }
    // Slices of a fixed width are looked up while sliding over the text once per width.
    for (const [width, byWidth] of this.slices) {
      for (let i = 0; i + width <= text.length; i++) {
        const n = byWidth.get(text.slice(i, i + width));
        if (n) report(n, i, width);
      }
    }
    return [...found.values()];
  }
}

/** A readable list of leaks for an assertion message. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `- ${l.kind} (${l.form}) in ${l.where}: …${l.context}…`).join('\n');
}
