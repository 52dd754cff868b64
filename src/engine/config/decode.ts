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
  // Everything before the first difference decoded and re-encoded unchanged, so that is where the bad byte is.
  let i = 0;
  while (i < bytes.length && bytes[i] === back[i]) i++;
  const hex = bytes[i]!.toString(16).padStart(2, '0');
  return { ok: false, ...positionAfter(bytes.subarray(0, i).toString('utf8')), message: `the file is not valid UTF-8 (byte 0x${hex}); save it as UTF-8` };
}
