import { EventEmitter } from 'node:events';

/** Escape sequences for the terminal modes the dashboard changes; Ink 6.8 has no alternate-screen option. */
export const ESC = {
  altEnter: '\x1b[?1049h',
  altLeave: '\x1b[?1049l',
  cursorHide: '\x1b[?25l',
  cursorShow: '\x1b[?25h',
  clear: '\x1b[2J\x1b[H',
} as const;

/**
 * Owns the terminal around Ink: the alternate screen, the cursor and raw
 * mode, and a gate on Ink's output so nothing is drawn while another
 * program (a container shell) has the TTY.
 */
export interface TerminalHost {
  /** The stream to give Ink: the real stdout behind a mute switch. */
  readonly output: NodeJS.WriteStream;
  /** Ink's frame interval, so a handoff can wait for the last frame to be written. */
  readonly frameMs: number;
  /** Enter the alternate screen, hide the cursor and clear. */
  enter(): void;
  /** Show the cursor, leave the alternate screen, raw mode off. Idempotent; safe from signal and exit handlers. */
  restore(): void;
  /** Mute Ink and restore the terminal for another program. */
  suspend(): void;
  /** Take the terminal back: alternate screen, cleared, Ink unmuted. */
  resume(): void;
  /** Stop forwarding resize events. */
  dispose(): void;
}

/**
 * The real stdout with a mute switch. Ink keeps writing frames while muted
 * (a resize, an engine event); those writes are dropped, and the next frame
 * after unmuting repaints in full because the handoff renders an empty frame first.
 */
class GatedOutput extends EventEmitter {
  muted = false;

  constructor(private readonly real: NodeJS.WriteStream) {
    super();
    real.on('resize', this.onResize);
  }

  private readonly onResize = () => {
    this.emit('resize');
  };

  get columns(): number {
    return this.real.columns;
  }
  get rows(): number {
    return this.real.rows;
  }
  get isTTY(): boolean {
    return this.real.isTTY;
  }
  get writable(): boolean {
    return this.real.writable;
  }
  get writableEnded(): boolean {
    return this.real.writableEnded;
  }
  get destroyed(): boolean {
    return this.real.destroyed;
  }
  get writableLength(): number | undefined {
    return this.real.writableLength;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    if (this.muted) {
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done) queueMicrotask(() => done());
      return true;
    }
    return typeof encoding === 'function' ? this.real.write(chunk, encoding) : this.real.write(chunk, encoding as BufferEncoding, cb);
  }

  dispose(): void {
    this.real.off('resize', this.onResize);
  }
}

/** Wrap a TTY pair for the dashboard; nothing is written until `enter()`. */
export function createTerminalHost(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, opts: { frameMs: number }): TerminalHost {
  const gate = new GatedOutput(stdout);
  let active = false;
  const host: TerminalHost = {
    output: gate as unknown as NodeJS.WriteStream,
    frameMs: opts.frameMs,
    enter() {
      active = true;
      stdout.write(ESC.altEnter + ESC.cursorHide + ESC.clear);
    },
    restore() {
      if (!active) return;
      active = false;
      try {
        stdout.write(ESC.cursorShow + ESC.altLeave);
      } catch {
        // stdout may already be closed during shutdown; nothing left to restore then.
      }
      if (stdin.isTTY && typeof stdin.setRawMode === 'function') {
        try {
          stdin.setRawMode(false);
        } catch {
          // Same: a destroyed TTY cannot leave raw mode, and the process is going away.
        }
      }
    },
    suspend() {
      gate.muted = true;
      host.restore();
    },
    resume() {
      host.enter();
      gate.muted = false;
    },
    dispose() {
      gate.dispose();
    },
  };
  return host;
}
