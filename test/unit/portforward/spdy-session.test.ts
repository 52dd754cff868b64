import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelSocket } from '../../../src/engine/kube/channel-socket.js';
import * as F from '../../../src/engine/kube/spdy-frames.js';
import { SpdySession, type SessionOptions } from '../../../src/engine/kube/spdy-session.js';

// The SPDY session's own rules, over a fake WebSocket: stream ids, replies,
// FIN and RST, keep-alive pings and a dead peer, GOAWAY, and holding up
// incoming data for a slow reader.

class FakeWs extends EventEmitter {
  protocol = 'SPDY/3.1+portforward.k8s.io';
  readyState = 1;
  bufferedAmount = 0;
  paused = false;
  sent: string[] = [];
  private readonly reader = new F.FrameReader({
    data: (id, chunk, fin) => this.sent.push(`data ${id} ${chunk.toString()}${fin ? ' FIN' : ''}`),
    control: (type, flags, p) => this.sent.push(`${NAMES[type] ?? type} ${p.readUInt32BE(0)}${flags & F.FLAG_FIN ? ' FIN' : ''}`),
  });
  send(data: Buffer, cb?: () => void): void {
    this.reader.push(data);
    cb?.();
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
    this.emit('close', 1006, Buffer.alloc(0));
  }
}
const NAMES: Record<number, string> = { [F.SYN_STREAM]: 'SYN', [F.RST_STREAM]: 'RST', [F.PING]: 'PING', [F.GOAWAY]: 'GOAWAY' };

function reply(id: number, fin = false): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(0x80030002, 0);
  out.writeUInt32BE(((fin ? 1 : 0) << 24) | 4, 4);
  out.writeUInt32BE(id, 8);
  return out;
}

function setup(opts: SessionOptions = {}) {
  const ws = new FakeWs();
  const { session, receive } = SpdySession.over(ws as unknown as ChannelSocket, opts);
  return { ws, session, receive };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SPDY session', () => {
  it('opens streams with odd, rising ids and passes on replies, data, FIN and RST', () => {
    const { ws, session, receive } = setup();
    const seen: string[] = [];
    const a = session.openStream({ streamtype: 'error' }, { onEnd: (reset) => seen.push(`a end reset=${reset}`) }, true);
    const b = session.openStream({ streamtype: 'data' }, {
      onReply: () => seen.push('b reply'),
      onData: (c) => seen.push(`b data ${c.toString()}`),
      onEnd: (reset) => seen.push(`b end reset=${reset}`),
    });
    expect([a.id, b.id]).toEqual([1, 3]);
    expect(ws.sent).toEqual(['SYN 1 FIN', 'SYN 3']);
    receive(Buffer.concat([reply(1), reply(3), F.dataFrame(3, Buffer.from('hi')), F.dataFrame(3, Buffer.alloc(0), true), F.rstStream(1, F.RST_CANCEL)]));
    expect(seen).toEqual(['b reply', 'b data hi', 'b end reset=false', 'a end reset=true']);
    // The error stream is gone for good (both sides done); the data stream waits for our side.
    expect(session.streamCount).toBe(1);
    b.write(Buffer.from('more'));
    b.release();
    expect(ws.sent.slice(2)).toEqual(['data 3 more', 'RST 3']);
    expect(session.streamCount).toBe(0);
  });

  it('sends FIN on end and forgets a stream both sides have finished', () => {
    const { ws, session, receive } = setup();
    const s = session.openStream({}, {});
    receive(reply(1));
    s.end();
    receive(F.dataFrame(1, Buffer.alloc(0), true));
    expect(ws.sent).toEqual(['SYN 1', 'data 1  FIN']);
    expect(session.streamCount).toBe(0);
    s.release(); // nothing more to send
    expect(ws.sent).toHaveLength(2);
  });

  it('answers the server’s pings, refuses server-opened streams, and drains on GOAWAY', () => {
    const idle = vi.fn();
    const closed = vi.fn();
    const { ws, session, receive } = setup({ onIdle: idle, onClose: closed });
    const s = session.openStream({}, {});
    receive(Buffer.concat([F.ping(2), F.synStream(2, new F.HeaderBlockWriter().encode({}))]));
    expect(ws.sent.slice(1)).toEqual(['PING 2', 'RST 2']);
    receive(F.goAway(0));
    expect(session.usable).toBe(false);
    expect(() => session.openStream({}, {})).toThrow('going away');
    expect(closed).not.toHaveBeenCalled();
    s.release();
    expect(closed).toHaveBeenCalledWith(session, 'port-forward connection closed');
    expect(ws.sent.slice(-2)).toEqual(['RST 1', 'GOAWAY 0']);
    expect(idle).not.toHaveBeenCalled();
  });

  it('pings while idle and gives up on a peer that stays silent', () => {
    vi.useFakeTimers();
    const closed = vi.fn();
    const { ws, session, receive } = setup({ pingMs: 1000, deadAfterMs: 3000, onClose: closed });
    const ends: string[] = [];
    session.openStream({}, { onEnd: (reset, reason) => ends.push(`${reset} ${reason}`) });
    vi.advanceTimersByTime(1000);
    expect(ws.sent.at(-1)).toBe('PING 1');
    receive(F.ping(1)); // the answer
    vi.advanceTimersByTime(1000);
    expect(ws.sent.at(-1)).toBe('PING 3');
    vi.advanceTimersByTime(4000); // no answer, nothing else either (checked on the next ping tick)
    expect(ws.readyState).toBe(3);
    expect(session.closed).toBe('no answer from the API server for 3 s');
    expect(ends).toEqual(['true no answer from the API server for 3 s']);
    expect(closed).toHaveBeenCalledOnce();
  });

  it('does not take a peer it cannot read from while paused for a slow reader for dead', () => {
    vi.useFakeTimers();
    const { ws, session } = setup({ pingMs: 1000, deadAfterMs: 3000 });
    const s = session.openStream({}, {});
    vi.advanceTimersByTime(1000);
    expect(ws.sent.at(-1)).toBe('PING 1');
    s.blockReceive();
    vi.advanceTimersByTime(10_000);
    expect(session.closed).toBeUndefined();
    s.unblockReceive();
    vi.advanceTimersByTime(1000);
    expect(ws.sent.at(-1)).toBe('PING 3');
  });

  it('holds incoming data while a reader is behind, and calls itself stalled after a while', () => {
    vi.useFakeTimers();
    const { ws, session } = setup();
    const a = session.openStream({}, {});
    const b = session.openStream({}, {});
    a.blockReceive();
    b.blockReceive();
    expect(ws.paused).toBe(true);
    expect(session.stalled).toBe(false);
    vi.advanceTimersByTime(250);
    expect(session.stalled).toBe(true);
    a.unblockReceive();
    expect(ws.paused).toBe(true);
    b.release();
    expect(ws.paused).toBe(false);
    expect(session.stalled).toBe(false);
  });

  it('tells writers to wait while the WebSocket has a backlog', () => {
    const { ws, session } = setup();
    const s = session.openStream({}, {});
    ws.bufferedAmount = 2 << 20;
    expect(s.write(Buffer.from('x'))).toBe(false);
    const drained = vi.fn();
    session.onDrain(drained);
    expect(drained).not.toHaveBeenCalled();
    ws.bufferedAmount = 0;
    s.write(Buffer.from('y')); // any completed send checks the backlog
    expect(drained).toHaveBeenCalledOnce();
  });

  it('ends every stream when the WebSocket closes', () => {
    const closed = vi.fn();
    const { ws, session } = setup({ onClose: closed });
    const ends: boolean[] = [];
    session.openStream({}, { onEnd: (reset) => ends.push(reset) });
    session.openStream({}, { onEnd: (reset) => ends.push(reset) });
    ws.emit('close', 1006, Buffer.alloc(0));
    expect(ends).toEqual([true, true]);
    expect(session.closed).toBe('the API server closed the port-forward connection (1006)');
    expect(session.usable).toBe(false);
    expect(closed).toHaveBeenCalledOnce();
  });
});
