/**
 * Shows text from devspace.yaml (keys, values, names) inside an error message. A hostile or broken file
 * can hold a megabyte-long key, a line break inside a quoted key or invisible characters; messages stay
 * one short line that shows what is really there.
 */

/** Longest piece of user text quoted in a message. */
export const MAX_QUOTED = 60;

// Control, format (zero-width, BOM, bidi), lone surrogate and line/paragraph separator characters.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** At most `max` UTF-16 units (what `.length` and terminals' column budgets see), never half a character. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(1, max - 3);
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}...`;
}

/** User text for a message between backticks: invisible characters escaped as `\uXXXX`, at most `max` characters. */
export function clip(text: string, max = MAX_QUOTED): string {
  return shorten(text.replace(INVISIBLE, escape), max);
}

/** User text as a double-quoted string (`"a\nb"`), shortened to about `max` characters. */
export function quoted(text: string, max = MAX_QUOTED): string {
  return JSON.stringify(shorten(text, max)).replace(INVISIBLE, escape);
}

/** A whole message line, bounded as a last resort so that no input can make it unreadable. */
export function boundLine(text: string, max: number): string {
  return shorten(text.replace(INVISIBLE, escape), max);
}
