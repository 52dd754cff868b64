import { Text, Transform } from 'ink';

/** A run of text with one style; colours are the names the theme hands out. */
export interface TextPart {
  text: string;
  color?: string;
  dim?: boolean;
}

// Printable ASCII, box drawing and the ellipsis: one column per character, so the width is the length.
const ONE_COLUMN = /^[\x20-\x7e\u2500-\u257f\u2026]*$/;

const FOREGROUND: Record<string, number> = {
  black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37,
  gray: 90, grey: 90, redBright: 91, greenBright: 92, yellowBright: 93, blueBright: 94,
  magentaBright: 95, cyanBright: 96, whiteBright: 97,
};

/** A part with its SGR codes; unknown colour names are shown uncoloured rather than guessed. */
export function styledPart(part: TextPart): string {
  const fg = part.color === undefined ? undefined : FOREGROUND[part.color];
  let out = part.text;
  if (fg !== undefined) out = `\x1b[${fg}m${out}\x1b[39m`;
  if (part.dim) out = `\x1b[2m${out}\x1b[22m`;
  return out;
}

const blanksByWidth: string[] = [];
function blanks(width: number): string {
  return (blanksByWidth[width] ??= ' '.repeat(width));
}

/**
 * One row of text that changes every frame, such as a log line. Ink 6 keeps
 * the measurement of every distinct string it lays out for the life of the
 * process (ink#986; fixed in Ink 7, which needs Node 22), so a container
 * printing thousands of lines a second grew the dashboard's memory without
 * bound. This row is laid out as blanks of its width, which Ink measures once
 * per width, and the text goes in at output time, where Ink keeps nothing.
 * Rows with other characters (wide or combining) take the ordinary path: their width
 * needs Ink's measuring, and they are rare.
 */
export function FlatText({ parts }: { parts: readonly TextPart[] }) {
  const plain = parts.map((p) => p.text).join('');
  if (!ONE_COLUMN.test(plain)) {
    return (
      <Text wrap="truncate-end">
        {parts.map((p, i) => (
          <Text key={i} color={p.color} dimColor={p.dim}>
            {p.text}
          </Text>
        ))}
      </Text>
    );
  }
  // An empty row still takes its line.
  const styled = plain === '' ? ' ' : parts.map(styledPart).join('');
  return <Transform transform={() => styled}>{blanks(Math.max(1, plain.length))}</Transform>;
}
