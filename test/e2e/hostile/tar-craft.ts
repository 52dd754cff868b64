/**
 * Byte-level tar archives for hostile-container tests. Nothing here is
 * sanitised or normalised: headers are written exactly as given (names with
 * `..`, NULs, newlines, base-256 sizes, pax and GNU long-name overrides),
 * because that is what a container whose `tar` lies can send.
 */

/** One raw 512-byte header (ustar), optionally preceded by pax or GNU long-name records. */
export interface RawEntry {
  /** Written into the 100-byte name field as raw bytes (a NUL in it ends the name for readers). */
  name: string | Buffer;
  /** ustar typeflag character: '0' file, '1' hard link, '2' symlink, '3' char dev, '4' block dev, '5' dir, '6' FIFO, or anything else. */
  type?: string;
  linkname?: string;
  mode?: number;
  /** Seconds since the epoch, or raw text for the 12-byte field (e.g. garbage that decodes to NaN). */
  mtime?: number | string;
  /** The size written in the header; defaults to the body length. Above 8 GiB it is written base-256 (GNU). */
  size?: number;
  /** ustar prefix field (prepended to the name by readers). */
  prefix?: string;
  devmajor?: number;
  devminor?: number;
  /** Records of a pax header ('x') placed before this entry, e.g. `{ path: '../x' }`. */
  pax?: Record<string, string>;
  /** A GNU long-name record ('L') placed before this entry. */
  gnuLongName?: string;
  /** Data after the header (padded to 512); omitted for a header that only announces data. */
  body?: string | Buffer;
}

const BLOCK = 512;

function field(buf: Buffer, offset: number, length: number, value: string | Buffer): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  bytes.copy(buf, offset, 0, Math.min(bytes.length, length));
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** One header block with a correct checksum. */
export function header(e: RawEntry, size: number): Buffer {
  const buf = Buffer.alloc(BLOCK);
  field(buf, 0, 100, e.name);
  field(buf, 100, 8, octal(e.mode ?? 0o644, 8));
  field(buf, 108, 8, octal(0, 8));
  field(buf, 116, 8, octal(0, 8));
  if (size > 0o77777777777) {
    // GNU base-256: first byte 0x80, big-endian value in the rest.
    buf[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      buf[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else field(buf, 124, 12, octal(size, 12));
  field(buf, 136, 12, typeof e.mtime === 'string' ? e.mtime : octal(e.mtime ?? 1_700_000_000, 12));
  buf.write(e.type ?? '0', 156, 'latin1');
  if (e.linkname) field(buf, 157, 100, e.linkname);
  field(buf, 257, 6, 'ustar\0');
  field(buf, 263, 2, '00');
  field(buf, 265, 32, 'root');
  field(buf, 297, 32, 'root');
  field(buf, 329, 8, octal(e.devmajor ?? 0, 8));
  field(buf, 337, 8, octal(e.devminor ?? 0, 8));
  if (e.prefix) field(buf, 345, 155, e.prefix);
  buf.fill(' ', 148, 156);
  let sum = 0;
  for (const b of buf) sum += b;
  field(buf, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return buf;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest ? Buffer.concat([data, Buffer.alloc(BLOCK - rest)]) : data;
}

/** A pax extended header record set as its own entry. */
function paxRecords(records: Record<string, string>): Buffer {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const line = ` ${key}=${value}\n`;
    let len = Buffer.byteLength(line) + 1;
    while (String(len).length + Buffer.byteLength(line) !== len) len = String(len).length + Buffer.byteLength(line);
    text += `${len}${line}`;
  }
  const data = Buffer.from(text, 'utf8');
  return Buffer.concat([header({ name: 'PaxHeader', type: 'x' }, data.length), padded(data)]);
}

/** Bytes of one entry: its long-name records, header and padded body. */
export function entryBytes(e: RawEntry): Buffer {
  const body = e.body === undefined ? undefined : typeof e.body === 'string' ? Buffer.from(e.body) : e.body;
  const parts: Buffer[] = [];
  if (e.gnuLongName !== undefined) {
    const long = Buffer.from(e.gnuLongName + '\0');
    parts.push(header({ name: '././@LongLink', type: 'L' }, long.length), padded(long));
  }
  if (e.pax) parts.push(paxRecords(e.pax));
  parts.push(header(e, e.size ?? body?.length ?? 0));
  if (body) parts.push(padded(body));
  return Buffer.concat(parts);
}

/** A whole archive; `end` adds the two zero blocks that close it (false leaves it open, e.g. before a stream of data). */
export function archive(entries: readonly RawEntry[], end = true): Buffer {
  return Buffer.concat([...entries.map(entryBytes), end ? Buffer.alloc(2 * BLOCK) : Buffer.alloc(0)]);
}
