import type { SpdySession } from './spdy-session.js';

/**
 * One stream of a SpdySession: the handle its owner writes, ends and
 * releases through, and the state the session keeps for it.
 */

/** What a stream tells its owner. */
export interface StreamEvents {
  /** The server accepted the stream (SYN_REPLY). */
  onReply?(): void;
  onData?(chunk: Buffer): void;
  /** The server finished (`reset` false: FIN) or reset its side, or the session ended (`reason` says why). */
  onEnd?(reset: boolean, reason?: string): void;
}

/** One stream of a session. */
export class SpdyStream {
  /** The server answered the SYN_STREAM. */
  replied = false;
  /** The server finished (FIN or RST). */
  remoteDone = false;
  /** We sent FIN or RST. */
  localDone = false;
  private blocked = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly events: StreamEvents,
  ) {}

  /** Send `chunk`; false when the WebSocket has a backlog (wait for `session.onDrain`). */
  write(chunk: Buffer): boolean {
    if (this.localDone) return true;
    return this.session.sendData(this.id, chunk);
  }

  /** Send FIN: we will send nothing more (the kubelet closes the pod connection about a second later). */
  end(): void {
    if (this.localDone) return;
    this.session.sendEnd(this);
  }

  /** Hold every stream's incoming data until `unblockReceive` (the local reader is behind). */
  blockReceive(): void {
    if (this.blocked || this.remoteDone) return;
    this.blocked = true;
    this.session.block(this, true);
  }

  unblockReceive(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.session.block(this, false);
  }

  /** Drop the stream: RST unless both sides already finished. Idempotent. */
  release(): void {
    this.unblockReceive();
    this.session.release(this);
  }
}
