/** The text of a config file, or where and why its bytes are not text. */
export type Decoded = { ok: true; text: string } | { ok: false; line: number; column: number; message: string };

function positionAfter(prefix: string): { line: number; column: number } {
  const lines = prefix.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/**
 * Decodes devspace.yaml the way DevSpace v3.5's YAML reader did: UTF-8 (a BOM allowed), or UTF-16 when the
 * file starts with a UTF-16 byte order mark (as PowerShell 5 writes `>` redirections). Invalid UTF-8 is an
 * error at the first bad byte rather than silently becoming U+FFFD replacement characters.
 */
export function decodeConfig(bytes: Buffer): Decoded {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const body = Buffer.from(bytes.subarray(2));
    if (body.length % 2 !== 0) {
      const text = (bytes[0] === 0xfe ? body.subarray(0, -1).swap16() : body.subarray(0, -1)).toString('utf16le');
      return { ok: false, ...positionAfter(text), message: 'the file starts with a UTF-16 byte order mark but ends in half a character' };
    }
    return { ok: true, text: (bytes[0] === 0xfe ? body.swap16() : body).toString('utf16le') };
  }
  const text = bytes.toString('utf8');
  const back = Buffer.from(text, 'utf8');
  if (back.equals(bytes)) return { ok: true, text };
  const i = firstInvalidUtf8(bytes);
  const hex = bytes[i]!.toString(16).padStart(2, '0');
  const rest = bytes.subarray(i + 1);
  const cutShort = i + utf8Length(bytes[i]!) > bytes.length && rest.every((x) => (x & 0xc0) === 0x80);
  const what = cutShort ? `it ends in half a character, byte 0x${hex}` : `byte 0x${hex}`;
  return { ok: false, ...positionAfter(bytes.subarray(0, i).toString('utf8')), message: `the file is not valid UTF-8 (${what}); save it as UTF-8` };
}

/** Bytes in the sequence a lead byte starts (1 for anything that cannot lead one). */
function utf8Length(lead: number): number {
  return lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
}

/** Index of the first byte that does not start a valid UTF-8 sequence (RFC 3629), or the length when all are valid. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = utf8Length(c);
    if (n === 1 || i + n > b.length) return i;
    // Second-byte ranges that rule out overlong forms, surrogates and code points above U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1]! < lo || b[i + 1]! > hi) return i;
    for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return i;
}
