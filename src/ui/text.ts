/** Small text helpers shared by the dashboard and the plain reporter. */

// CSI, OSC and two-byte escapes: container output often carries colours we must not replay.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// C0 controls but tab and newline, DEL, and the C1 controls (U+009B is a one-character CSI to some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const SGR = /^\x1b\[[0-9;:]*m$/;

/** Remove ANSI escape sequences so a line can be measured, filtered and re-coloured. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Text from containers and file names made safe to print: no cursor moves,
 * title changes or other control sequences, and no control characters;
 * colour sequences stay when `keepColors` is set.
 */
export function terminalSafe(text: string, keepColors: boolean): string {
  return text
    .split(new RegExp(`(${ANSI.source})`, 'g'))
    .map((part, i) => (i % 2 === 1 ? (keepColors && SGR.test(part) ? part : '') : part.replace(CONTROL, '')))
    .join('');
}

/** Make one log line safe for a single terminal row: no escapes, no control bytes, tabs expanded, capped length. */
export function sanitizeLine(raw: string, maxLength: number): string {
  let line = stripAnsi(raw).replace(/\t/g, '    ').replace(/\r$/, '').replace(CONTROL, '');
  if (line.length > maxLength) line = `${line.slice(0, Math.max(0, maxLength - 1))}…`;
  return line;
}

/** Cut text to `width` columns with an ellipsis; the dashboard never wraps a row. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Durations as people read them: 850ms, 12.3s, 2m05s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Byte counts in decimal units, as docker prints them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `HH:MM:SS` in local time, for log prefixes. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * Word-wrap one line to `width` columns, keeping its leading indentation;
 * continuation lines start with `indent`. Words longer than a line are cut.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)?.[0] ?? '';
  const out: string[] = [];
  let line = '';
  const prefix = () => (out.length > 0 ? indent : lead);
  const room = () => Math.max(1, width - prefix().length);
  const push = (t: string) => out.push(`${prefix()}${t}`);
  for (let w of text.slice(lead.length).split(/ +/)) {
    if (line && line.length + 1 + w.length <= room()) {
      line += ` ${w}`;
      continue;
    }
    if (line) push(line);
    while (w.length > room()) {
      const r = room();
      push(w.slice(0, r));
      w = w.slice(r);
    }
    line = w;
  }
  push(line);
  return out;
}
