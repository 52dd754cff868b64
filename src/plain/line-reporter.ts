import type { DevEngineEmitter } from '../engine/events.js';
import { formatClock, terminalSafe } from '../ui/text.js';
import { formatEvent, type PlainLine, PlainMemory } from './format-event.js';

export interface PlainReporterOptions {
  /** ANSI colours for the domain column and failures; off means no escape sequence at all. */
  color?: boolean;
  /** Prefix every line with `HH:MM:SS`. */
  timestamps?: boolean;
  /** Clock for lines whose event carries no time (tests pin it). */
  now?: () => number;
}

const DOMAIN_WIDTH = 6;
const SUBJECT_WIDTH = 8;

const SGR = { reset: '\x1b[0m', dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', magenta: '\x1b[35m', blue: '\x1b[34m' };
const DOMAIN_COLOR: Record<string, string> = { build: SGR.cyan, push: SGR.cyan, deploy: SGR.magenta, ports: SGR.blue, sync: SGR.green, logs: SGR.dim, error: SGR.red, warn: SGR.yellow };
const LEVEL_COLOR = { error: SGR.red, warn: SGR.yellow, ok: SGR.green } as const;

/** Render one line: `build  api      step 2/5 RUN npm ci`. */
export function renderPlainLine(line: PlainLine, opts: { color: boolean; timestamp?: string }): string {
  const paint = (code: string | undefined, s: string) => (opts.color && code ? `${code}${s}${SGR.reset}` : s);
  const time = opts.timestamp ? `${paint(SGR.dim, opts.timestamp)} ` : '';
  const domain = paint(DOMAIN_COLOR[line.domain], line.domain.padEnd(DOMAIN_WIDTH));
  // Subjects wider than the column get two spaces, so the text still stands apart.
  const gap = line.subject !== undefined && line.subject.length >= SUBJECT_WIDTH ? '  ' : ' ';
  const subject = line.subject !== undefined ? `${paint(SGR.bold, terminalSafe(line.subject, false).padEnd(SUBJECT_WIDTH))}${gap}` : '';
  // Text carries container output and file names: colours may pass, nothing else that a terminal acts on.
  const body = terminalSafe(line.text.replace(/[\r\n]+/g, ' '), opts.color);
  const text = line.level ? paint(LEVEL_COLOR[line.level], body) : body;
  return `${time}${domain} ${subject}${text}`.replace(/[\r\n]+/g, ' ');
}

/**
 * Print engine events as plain prefixed lines (CI, pipes, `--no-tui`): one
 * line per meaningful event, never a progress tick. Returns the detach function.
 */
export function attachPlainReporter(events: DevEngineEmitter, out: NodeJS.WritableStream, opts: PlainReporterOptions = {}): () => void {
  const color = opts.color ?? false;
  const now = opts.now ?? Date.now;
  const mem = new PlainMemory();
  return events.subscribe((event) => {
    const lines = formatEvent(event, mem);
    if (lines.length === 0) return;
    const text = lines.map((l) => renderPlainLine(l, { color, timestamp: opts.timestamps ? formatClock(l.ts ?? now()) : undefined })).join('\n');
    out.write(`${text}\n`);
  });
}
