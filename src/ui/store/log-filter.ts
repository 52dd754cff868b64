/** A compiled log filter: plain text matches case-insensitively, `/like this/` is a regular expression. */
export interface LogFilter {
  kind: 'text' | 'regex';
  test: (line: string) => boolean;
  /** Set when the text looked like a regex but did not compile; we then match it as plain text. */
  error?: string;
}

/** Compile what the user typed after `/`; empty input means no filter. */
export function parseFilter(raw: string): LogFilter | undefined {
  if (raw === '') return undefined;
  const regex = /^\/(.+)\/([imsu]*)$/.exec(raw);
  if (regex) {
    try {
      const re = new RegExp(regex[1] as string, regex[2]);
      return { kind: 'regex', test: (line) => re.test(line) };
    } catch (err) {
      const plain = plainFilter(raw);
      return { ...plain, error: `invalid regex: ${(err as Error).message}` };
    }
  }
  return plainFilter(raw);
}

function plainFilter(raw: string): LogFilter {
  const needle = raw.toLowerCase();
  return { kind: 'text', test: (line) => line.toLowerCase().includes(needle) };
}
