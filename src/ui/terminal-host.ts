import { ScreenOutput } from './screen-output.js';

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
  /** The stream to give Ink: the real stdout behind a mute switch and a row differ. */
  readonly output: NodeJS.WriteStream;
  /** Ink's frame interval, so a handoff can wait for the last frame to be written. */
  readonly frameMs: number;
  /** Enter the alternate screen, hide the cursor and clear. */
  enter(): void;
  /** Show the cursor, leave the alternate screen, raw mode off. Idempotent; safe from signal and exit handlers. */
  restore(): void;
  /** Mute Ink and restore the terminal for another program; `note` is printed on the normal screen. */
  suspend(note?: string): void;
  /** Take the terminal back: alternate screen, cleared, Ink unmuted. */
  resume(): void;
  /** Stop forwarding resize events. */
  dispose(): void;
}

/** Wrap a TTY pair for the dashboard; nothing is written until `enter()`. */
export function createTerminalHost(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, opts: { frameMs: number }): TerminalHost {
  const gate = new ScreenOutput(stdout);
  let active = false;
  const host: TerminalHost = {
    output: gate as unknown as NodeJS.WriteStream,
    frameMs: opts.frameMs,
    enter() {
      active = true;
      gate.invalidate();
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
    suspend(note) {
      gate.muted = true;
      host.restore();
      if (note) stdout.write(`${note}\r\n`);
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
