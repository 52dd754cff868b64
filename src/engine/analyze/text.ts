/**
 * Small text and time helpers shared by the analyze checks and the report.
 * Timestamps arrive as Date from the client (ObjectSerializer) but as strings
 * for MicroTime fields and in raw JSON, so every reader accepts both.
 */

/** A Kubernetes timestamp in milliseconds since the epoch, or undefined when absent or invalid. */
export function toMs(t: Date | string | null | undefined): number | undefined {
  if (t === null || t === undefined || t === '') return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  // Never-started containers report 1970-01-01T00:00:00Z, which is no time at all.
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** A duration the way people say it: `12 s`, `4 min`, `3 h`, `2 d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

// CSI/OSC escape sequences, then every other control character except tab.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from the cluster (logs, event messages) made safe to print: no escapes, no control characters. */
export function sanitize(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '');
}

/** Sanitised text on one line: every run of whitespace becomes one space. */
export function oneLine(text: string): string {
  return sanitize(text).replace(/\s+/g, ' ').trim();
}

/** Cut a one-line message at `max` characters, marking the cut. */
export function clip(text: string, max = 400): string {
  const one = oneLine(text);
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The last `max` lines of a log, without the trailing empty line, each sanitised and clipped. */
export function logTail(raw: string, max: number): string[] {
  const lines = raw.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-max).map((l) => {
    const safe = sanitize(l).replace(/\t/g, '  ').trimEnd();
    return safe.length > 500 ? `${safe.slice(0, 499)}…` : safe;
  });
}
