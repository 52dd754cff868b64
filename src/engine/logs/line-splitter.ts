import { StringDecoder } from 'node:string_decoder';

/** Longest line we keep whole; longer ones are cut so one runaway line cannot eat memory. */
export const MAX_LINE = 64 * 1024;

/**
 * Turns a byte stream into whole lines. Log chunks arrive cut anywhere,
 * even inside a multi-byte character, so both are carried over to the next
 * chunk; `\r\n` counts as one line end.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  /** Feed one chunk; returns the lines it completed. */
  push(chunk: Buffer | string): string[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > MAX_LINE) {
      parts.push(this.rest.slice(0, MAX_LINE));
      this.rest = '';
    }
    return parts.map(trimLine);
  }

  /** The unterminated last line, if any, once the stream has ended. */
  flush(): string[] {
    const text = this.rest + this.decoder.end();
    this.rest = '';
    return text === '' ? [] : [trimLine(text)];
  }
}

function trimLine(line: string): string {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l;
}
