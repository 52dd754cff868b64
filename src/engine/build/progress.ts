/** Flush build output at least this often… */
export const LOG_FLUSH_MS = 50;
/** …or as soon as this many lines are waiting. */
export const LOG_FLUSH_LINES = 500;

/**
 * Turns stream fragments into whole lines without terminal escapes: the
 * Engine sends `Step 1/3 : FROM x` and its newline as separate events, and
 * RUN output is cut anywhere.
 */
export class LineSplitter {
  private rest = '';

  /** Add a fragment; returns the lines it completed. */
  push(fragment: string): string[] {
    const text = this.rest + fragment;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map(cleanLine);
  }

  /** The unterminated tail, if any (call when the stream ends). */
  flush(): string[] {
    const tail = this.rest;
    this.rest = '';
    return tail === '' ? [] : [cleanLine(tail)];
  }
}

// A carriage return redraws a progress bar in a terminal: keep what the last redraw shows.
function cleanLine(raw: string): string {
  const line = stripAnsi(raw);
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  const cr = trimmed.lastIndexOf('\r');
  return cr >= 0 ? trimmed.slice(cr + 1) : trimmed;
}

// CSI sequences (colours, cursor moves) and OSC titles.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/**
 * Remove terminal escapes: the classic builder wraps RUN stderr in red
 * (`ESC[91m … ESC[0m`), which would otherwise leak into step output, plain
 * logs and width calculations.
 */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ANSI, '') : line;
}

/** A `Step N/M : INSTRUCTION` line of the classic builder. */
export interface StepLine {
  step: number;
  total: number;
  instruction: string;
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

/** Parse a classic-builder step header; undefined for any other line. */
export function parseStep(line: string): StepLine | undefined {
  const m = STEP.exec(line);
  if (!m) return undefined;
  return { step: Number(m[1]), total: Number(m[2]), instruction: (m[3] ?? '').trim() };
}

/** Collects lines and hands them on in batches (every 50 ms or 500 lines), so the UI never gets one event per line. */
export class LineBatcher {
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (lines: string[]) => void,
    private readonly intervalMs = LOG_FLUSH_MS,
    private readonly maxLines = LOG_FLUSH_LINES,
  ) {}

  add(...lines: string[]): void {
    if (lines.length === 0) return;
    this.lines.push(...lines);
    if (this.lines.length >= this.maxLines) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Send what is waiting now (before a done/failed event, so the order holds). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.lines.length > 0) this.sink(this.lines.splice(0, this.maxLines));
  }
}

/**
 * Limits per-key progress updates (layer pulls and pushes): a status change
 * always passes, byte progress at most once per `intervalMs` per key.
 */
export class ProgressThrottle {
  private readonly last = new Map<string, { status: string; at: number }>();

  constructor(private readonly intervalMs = 250) {}

  /** True when this update should be reported. */
  pass(key: string, status: string, now = Date.now()): boolean {
    const prev = this.last.get(key);
    if (prev && prev.status === status && now - prev.at < this.intervalMs) return false;
    this.last.set(key, { status, at: now });
    return true;
  }
}

/** `12.3MB`-style size for log lines. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}
