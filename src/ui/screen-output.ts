import { EventEmitter } from 'node:events';

/**
 * The stream Ink writes to. It turns Ink's frames into the smallest screen
 * update: only rows that changed are rewritten, at absolute positions.
 *
 * Why not Ink's own renderers: the line-erasing one rewrites every row of
 * every frame, and Ink 6.8's incremental one moves the cursor up one row too
 * few whenever the frame ends in a newline (any frame shorter than the
 * terminal), so each redraw lands one row lower and the first frame's rows
 * stay behind. At full height Ink instead clears the whole terminal on every
 * frame. We let Ink render in its simple mode and diff here, so neither its
 * cursor arithmetic nor its clears ever reach the terminal.
 */

// Ink's line-erasing renderer prefixes a frame with eraseLines(n): (erase line, cursor up)… then cursor to column 1.
// eslint-disable-next-line no-control-regex
const ERASE_LINES = /^(?:\x1b\[2K(?:\x1b\[1A)?)+\x1b\[G/;
// At full terminal height it clears the terminal (screen and scrollback) before each frame instead.
const CLEAR_TERMINAL = '\x1b[2J\x1b[3J\x1b[H';

/** Split one of Ink's writes into the frame it carries, or undefined for anything else (cursor, sync markers). */
export function frameOf(chunk: string): string[] | undefined {
  let body: string;
  if (chunk.startsWith(CLEAR_TERMINAL)) body = chunk.slice(CLEAR_TERMINAL.length);
  else {
    const erase = ERASE_LINES.exec(chunk);
    if (erase) body = chunk.slice(erase[0].length);
    else if (chunk.includes('\n')) body = chunk;
    else return undefined;
  }
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The escape sequence that turns `shown` rows into `next` rows. Each changed
 * row is erased and then written (writing first and erasing the rest would
 * wipe the last cell of a full-width row in xterm-like terminals).
 */
export function diffRows(shown: readonly string[], next: readonly string[]): string {
  let out = '';
  const n = Math.max(shown.length, next.length);
  for (let i = 0; i < n; i++) {
    if (shown[i] === next[i]) continue;
    out += `\x1b[${i + 1};1H\x1b[2K${next[i] ?? ''}`;
  }
  return out;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * Is every row of a frame within the terminal's width? Right after a resize
 * Ink draws one frame laid out for the old width; painting it would wrap.
 */
export function fits(lines: readonly string[], columns: number): boolean {
  if (columns > 0) for (const line of lines) if ([...line.replace(SGR, '')].length > columns) return false;
  return true;
}

type WriteCallback = (err?: Error | null) => void;

/** Ink's stdout: the real one behind a mute switch and the row differ above. */
export class ScreenOutput extends EventEmitter {
  /** While muted (a shell owns the terminal) writes are dropped. */
  muted = false;
  private shown: string[] = [];
  private clearFirst = true;

  constructor(private readonly real: NodeJS.WriteStream) {
    super();
    real.on('resize', this.onResize);
  }

  private readonly onResize = () => {
    // The terminal may have moved or cut rows; the next frame starts from a blank screen.
    this.invalidate();
    this.emit('resize');
  };

  /** Forget what is on screen: the next frame clears and paints every row. */
  invalidate(): void {
    this.shown = [];
    this.clearFirst = true;
  }

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

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    const done = typeof encoding === 'function' ? encoding : cb;
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let out: string | undefined = text;
    if (this.muted) out = undefined;
    else {
      const lines = frameOf(text);
      // An empty frame is the handoff's blank render; the screen is left (or cleared) by the host instead.
      if (lines !== undefined) out = lines.length === 0 ? undefined : this.paint(lines);
    }
    if (!out) {
      if (done) queueMicrotask(() => done());
      return true;
    }
    return done ? this.real.write(out, done) : this.real.write(out);
  }

  private paint(all: string[]): string | undefined {
    if (!fits(all, this.real.columns)) {
      // Skip it; the frame for the new size follows and repaints everything.
      this.invalidate();
      return undefined;
    }
    // Rows below the screen are cut (a terminal shorter than the smallest layout), never scrolled into.
    const lines = this.real.rows > 0 ? all.slice(0, this.real.rows) : all;
    const prefix = this.clearFirst ? '\x1b[H\x1b[2J' : '';
    const out = prefix + diffRows(this.shown, lines);
    this.clearFirst = false;
    this.shown = lines;
    return out;
  }

  dispose(): void {
    this.real.off('resize', this.onResize);
  }
}
