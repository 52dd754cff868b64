import { createContext, useContext } from 'react';

/** Semantic tones; components ask for a tone, the theme decides whether it has a colour. */
export type Tone = 'accent' | 'ok' | 'warn' | 'error' | 'muted' | 'border' | 'focus';

export interface Theme {
  /** False under NO_COLOR: no colour anywhere, state is carried by glyphs and border styles. */
  color: boolean;
  /** The Ink colour for a tone, or undefined when colour is off. */
  tone(t: Tone): string | undefined;
  /** A stable colour per log source, so interleaved lines stay readable. */
  sourceColor(source: string): string | undefined;
}

const TONES: Record<Tone, string> = { accent: 'cyan', ok: 'green', warn: 'yellow', error: 'red', muted: 'gray', border: 'gray', focus: 'cyan' };
const SOURCE_COLORS = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright'];

/** Build a theme; `color: false` makes every tone undefined. */
export function createTheme(opts: { color: boolean }): Theme {
  return {
    color: opts.color,
    tone: (t) => (opts.color ? TONES[t] : undefined),
    sourceColor(source) {
      if (!opts.color) return undefined;
      let h = 0;
      for (let i = 0; i < source.length; i++) h = (h * 31 + source.charCodeAt(i)) >>> 0;
      return SOURCE_COLORS[h % SOURCE_COLORS.length];
    },
  };
}

/** NO_COLOR (https://no-color.org): present and not empty means no colour. */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}

export const ThemeContext = createContext<Theme>(createTheme({ color: true }));

/** The active theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Box-drawing characters for the border styles the panes use; we draw the top edge ourselves to put a title in it. */
export const BORDERS = {
  round: { tl: '╭', t: '─', tr: '╮' },
  double: { tl: '╔', t: '═', tr: '╗' },
  bold: { tl: '┏', t: '━', tr: '┓' },
} as const;
export type BorderName = keyof typeof BORDERS;

/** Border style and colour for a pane: red when failed, accent when focused; without colour the style alone tells. */
export function paneChrome(theme: Theme, state: { focused: boolean; failed: boolean }): { style: BorderName; color: string | undefined } {
  if (state.failed) return { style: theme.color ? 'round' : 'bold', color: theme.tone('error') };
  if (state.focused) return { style: theme.color ? 'round' : 'double', color: theme.tone('focus') };
  return { style: 'round', color: theme.tone('border') };
}
