import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as F from '../../../src/engine/kube/spdy-frames.js';

// SPDY/3.1 framing against zlib's own inflater and against bytes written by
// the kubelet's SPDY library (moby/spdystream v0.5.0, captured with Go).

/** Everything a reader reported, with data pieces joined per stream. */
function readAll(bytes: Buffer, step: number) {
  const events: string[] = [];
  const data = new Map<number, string>();
  const reader = new F.FrameReader({
    data(id, chunk, fin) {
      data.set(id, (data.get(id) ?? '') + chunk.toString());
      if (fin) events.push(`fin ${id}`);
    },
    control(type, flags, payload) {
      events.push(`control ${type} flags ${flags} len ${payload.length} first ${payload.length >= 4 ? payload.readUInt32BE(0) : '-'}`);
    },
  });
  for (let o = 0; o < bytes.length; o += step) reader.push(bytes.subarray(o, o + step));
  return { events, data: Object.fromEntries(data) };
}

/** The header blocks of SYN_STREAM frames, inflated as one zlib stream the way the peer does. */
function inflateHeaderBlocks(frames: Buffer[]): Array<Record<string, string>> {
  const blocks = frames.map((f) => f.subarray(18));
  const raw = zlib.inflateSync(Buffer.concat(blocks), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const out: Array<Record<string, string>> = [];
  let o = 0;
  while (o < raw.length) {
    const n = raw.readUInt32BE(o);
    o += 4;
    const h: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const kl = raw.readUInt32BE(o);
      const k = raw.subarray(o + 4, o + 4 + kl).toString();
      o += 4 + kl;
      const vl = raw.readUInt32BE(o);
      h[k] = raw.subarray(o + 4, o + 4 + vl).toString();
      o += 4 + vl;
    }
    out.push(h);
  }
  return out;
}

describe('SPDY frames', () => {
  it('writes header blocks one zlib stream can inflate back to back, names lower-cased', () => {
    const w = new F.HeaderBlockWriter();
    const frames = [
      F.synStream(1, w.encode({ streamType: 'error', port: '8080', requestID: '0' }), true),
      F.synStream(3, w.encode({ streamtype: 'data', port: '8080', requestid: '0' })),
    ];
    expect(inflateHeaderBlocks(frames)).toEqual([
      { streamtype: 'error', port: '8080', requestid: '0' },
      { streamtype: 'data', port: '8080', requestid: '0' },
    ]);
    // Control bit, version 3, type 1; FIN only on the first; length covers ids, priority and the block.
    expect(frames[0]!.readUInt32BE(0)).toBe(0x80030001);
    expect(frames[0]![4]).toBe(F.FLAG_FIN);
    expect(frames[1]![4]).toBe(0);
    expect(frames[1]!.readUInt32BE(4) & 0xffffff).toBe(frames[1]!.length - 8);
    expect(frames[1]!.readUInt32BE(8)).toBe(3);
  });

  it('reads its own frames back whatever the pieces they arrive in', () => {
    const w = new F.HeaderBlockWriter();
    const bytes = Buffer.concat([
      F.synStream(1, w.encode({ a: 'b' })),
      F.dataFrame(1, Buffer.from('hello ')),
      F.dataFrame(1, Buffer.from('world')),
      F.dataFrame(1, Buffer.alloc(0), true),
      F.rstStream(3, F.RST_CANCEL),
      F.ping(7),
      F.goAway(0),
    ]);
    const whole = readAll(bytes, bytes.length);
    expect(whole.data).toEqual({ 1: 'hello world' });
    expect(whole.events).toEqual([
      expect.stringMatching(/^control 1 flags 0 /),
      'fin 1',
      'control 3 flags 0 len 8 first 3',
      'control 6 flags 0 len 4 first 7',
      'control 7 flags 0 len 8 first 0',
    ]);
    for (const step of [1, 2, 3, 7, 13]) expect(readAll(bytes, step)).toEqual(whole);
  });

  it('reads what the kubelet side (spdystream) writes: compressed replies, data, settings, pings', () => {
    // SYN_REPLY 1, 3, 5 (empty headers), 7 (FIN, x-a: b); DATA 3 "hello", " world", FIN; SETTINGS;
    // WINDOW_UPDATE 3; PING 2; RST_STREAM 5 CANCEL; HEADERS 3; GOAWAY.
    const go = Buffer.from(
      '80030002000000140000000178f9e3c6a7c26260606000000000ffff800300020000000c00000003026100000000ffff' +
        '800300020000000c00000005026100000000ffff800300020100001700000007626060600425c20a5d5032674c020000' +
        '00ffff000000030000000568656c6c6f000000030000000620776f726c640000000301000000800300040000000c0000' +
        '000100000007000100008003000900000008000000030000006480030006000000040000000280030003000000080000' +
        '00050000000580030008000000100000000382f219b3414419000000ffff80030007000000080000000000000000',
      'hex',
    );
    const whole = readAll(go, go.length);
    expect(whole.data).toEqual({ 3: 'hello world' });
    expect(whole.events).toEqual([
      'control 2 flags 0 len 20 first 1',
      'control 2 flags 0 len 12 first 3',
      'control 2 flags 0 len 12 first 5',
      'control 2 flags 1 len 23 first 7',
      'fin 3',
      'control 4 flags 0 len 12 first 1',
      'control 9 flags 0 len 8 first 3',
      'control 6 flags 0 len 4 first 2',
      'control 3 flags 0 len 8 first 5',
      'control 8 flags 0 len 16 first 3',
      'control 7 flags 0 len 8 first 0',
    ]);
    for (const step of [1, 5, 64]) expect(readAll(go, step)).toEqual(whole);
  });

  it('passes large data on in pieces without waiting for the whole frame', () => {
    const payload = Buffer.alloc(100_000, 7);
    const bytes = F.dataFrame(5, payload, true);
    const pieces: number[] = [];
    const reader = new F.FrameReader({ data: (_id, chunk) => pieces.push(chunk.length), control: () => undefined });
    for (let o = 0; o < bytes.length; o += 16_384) reader.push(bytes.subarray(o, o + 16_384));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(100_000);
  });

  it('rejects what is not SPDY/3', () => {
    const noop = { data: () => undefined, control: () => undefined };
    const v2 = F.ping(1);
    v2.writeUInt16BE(0x8002, 0);
    expect(() => new F.FrameReader(noop).push(v2)).toThrow('unsupported SPDY version 2');
    expect(() => new F.FrameReader(noop).push(Buffer.from('0000000000000001ff', 'hex'))).toThrow('stream 0');
  });
});
