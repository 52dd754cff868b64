/**
 * SPDY/3.1 framing, the subset Kubernetes port forwarding uses (the
 * kubelet side is moby/spdystream). Header blocks we send are zlib
 * streams made of stored (uncompressed) blocks: valid for every inflater,
 * synchronous, and the few bytes saved by compressing three short headers
 * are not worth a zlib context per session. Header blocks we receive
 * (SYN_REPLY) carry nothing port forwarding needs, so they are skipped
 * rather than inflated.
 */

/** Control frame types. */
export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;

/** FLAG_FIN: the sender will send nothing more on this stream. */
export const FLAG_FIN = 0x01;

/** RST_STREAM status codes we send or name. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

const VERSION = 3;
/** Largest payload one frame may carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

// An empty non-final stored block: BFINAL=0 BTYPE=00, LEN 0, NLEN 0xffff.
const SYNC_FLUSH = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * Encodes header blocks for one session: the first block opens the zlib
 * stream (RFC 1950 header, no preset dictionary); each block is one
 * non-final stored deflate block followed by the empty stored block of a
 * sync flush, as zlib's Z_SYNC_FLUSH would end it. Go's inflater needs that
 * marker to hand out a block's bytes without reading into the next frame.
 */
export class HeaderBlockWriter {
  private started = false;

  /** Name/value pairs as a SPDY/3 header block (names lower-cased). */
  encode(headers: Readonly<Record<string, string>>): Buffer {
    const pairs = Object.entries(headers).map(([k, v]) => [Buffer.from(k.toLowerCase()), Buffer.from(v)] as const);
    const rawLen = 4 + pairs.reduce((n, [k, v]) => n + 8 + k.length + v.length, 0);
    if (rawLen > 0xffff) throw new RangeError('SPDY header block too large');
    const prefix = this.started ? 0 : 2;
    this.started = true;
    const out = Buffer.allocUnsafe(prefix + 5 + rawLen + SYNC_FLUSH.length);
    let o = 0;
    // CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (no dictionary, check bits).
    if (prefix) o = out.writeUInt16BE(0x7801, 0);
    out[o++] = 0x00; // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
    o = out.writeUInt16LE(rawLen, o);
    o = out.writeUInt16LE(~rawLen & 0xffff, o);
    o = out.writeUInt32BE(pairs.length, o);
    for (const [k, v] of pairs) {
      o = out.writeUInt32BE(k.length, o);
      o += k.copy(out, o);
      o = out.writeUInt32BE(v.length, o);
      o += v.copy(out, o);
    }
    SYNC_FLUSH.copy(out, o);
    return out;
  }
}

function control(type: number, flags: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(8 + length);
  out.writeUInt16BE(0x8000 | VERSION, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt32BE((((flags & 0xff) << 24) | length) >>> 0, 4);
  return out;
}

/** SYN_STREAM opening `streamId` with an encoded header block (priority 0). */
export function synStream(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const out = control(SYN_STREAM, fin ? FLAG_FIN : 0, 10 + headerBlock.length);
  out.writeUInt32BE(streamId, 8);
  out.writeUInt32BE(0, 12); // associated-to stream
  out.writeUInt16BE(0, 16); // priority and slot
  headerBlock.copy(out, 18);
  return out;
}

/** A DATA frame: 8-byte header, then the payload (copied, so the caller may reuse it). */
export function dataFrame(streamId: number, payload: Buffer, fin = false): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError('SPDY data frame too large');
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt32BE(streamId & 0x7fffffff, 0);
  out.writeUInt32BE((((fin ? FLAG_FIN : 0) << 24) | payload.length) >>> 0, 4);
  payload.copy(out, 8);
  return out;
}

/** RST_STREAM for `streamId`. */
export function rstStream(streamId: number, status: number): Buffer {
  const out = control(RST_STREAM, 0, 8);
  out.writeUInt32BE(streamId, 8);
  out.writeUInt32BE(status, 12);
  return out;
}

/** PING carrying `id` (ours odd, the server's even). */
export function ping(id: number): Buffer {
  const out = control(PING, 0, 4);
  out.writeUInt32BE(id >>> 0, 8);
  return out;
}

/** GOAWAY naming the last server-initiated stream we accepted. */
export function goAway(lastGoodStreamId: number, status = 0): Buffer {
  const out = control(GOAWAY, 0, 8);
  out.writeUInt32BE(lastGoodStreamId, 8);
  out.writeUInt32BE(status, 12);
  return out;
}

/** What a FrameReader reports. */
export interface FrameHandlers {
  /** Payload of a DATA frame as it arrives (a frame may come in several pieces); `fin` on its last piece. */
  data(streamId: number, chunk: Buffer, fin: boolean): void;
  /** A whole control frame: `payload` excludes the 8-byte frame header. */
  control(type: number, flags: number, payload: Buffer): void;
}

// Control frames port forwarding sees are tiny; anything this large is a broken stream.
const MAX_CONTROL_PAYLOAD = 1 << 20;

/**
 * Incremental frame parser: feed it bytes in whatever pieces the transport
 * delivers. DATA payloads are passed on without copying as soon as they
 * arrive; only frame headers and control frames are assembled.
 */
export class FrameReader {
  private head = Buffer.alloc(8);
  private headLen = 0;
  /** Bytes of the current frame's payload still to come (data: streamed; control: collected). */
  private remaining = 0;
  private isData = false;
  private streamId = 0;
  private flags = 0;
  private type = 0;
  private parts: Buffer[] = [];

  constructor(private readonly on: FrameHandlers) {}

  /** Parse `buf`; throws on a malformed frame (the session must then be dropped). */
  push(buf: Buffer): void {
    let o = 0;
    while (o < buf.length) {
      if (this.headLen < 8) {
        const n = Math.min(8 - this.headLen, buf.length - o);
        buf.copy(this.head, this.headLen, o, o + n);
        this.headLen += n;
        o += n;
        if (this.headLen === 8) this.startFrame();
        continue;
      }
      const n = Math.min(this.remaining, buf.length - o);
      const piece = buf.subarray(o, o + n);
      o += n;
      this.remaining -= n;
      if (this.isData) this.on.data(this.streamId, piece, this.remaining === 0 && (this.flags & FLAG_FIN) !== 0);
      else this.parts.push(piece);
      if (this.remaining === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    const first = this.head.readUInt32BE(0);
    const second = this.head.readUInt32BE(4);
    this.flags = second >>> 24;
    this.remaining = second & 0xffffff;
    this.isData = (first & 0x80000000) === 0;
    if (this.isData) {
      this.streamId = first & 0x7fffffff;
      if (this.streamId === 0) throw new Error('SPDY data frame on stream 0');
    } else {
      if (((first >>> 16) & 0x7fff) !== VERSION) throw new Error(`unsupported SPDY version ${(first >>> 16) & 0x7fff}`);
      this.type = first & 0xffff;
      if (this.remaining > MAX_CONTROL_PAYLOAD) throw new Error(`SPDY control frame of ${this.remaining} bytes`);
    }
    // An empty frame (e.g. a bare FIN) ends right here.
    if (this.remaining === 0) {
      if (this.isData) this.on.data(this.streamId, Buffer.alloc(0), (this.flags & FLAG_FIN) !== 0);
      this.endFrame();
    }
  }

  private endFrame(): void {
    if (!this.isData) {
      const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      this.parts = [];
      this.on.control(this.type, this.flags, payload);
    }
    this.headLen = 0;
  }
}
