import type { Key } from 'ink';
import { Command, type CommandSpec, type KeyBinding, type KeyContext } from './commands.js';

/** The parts of Ink's `Key` the matcher reads; tests can pass a partial. */
export type KeyState = Partial<Key>;

const NAMED: Record<string, (k: KeyState) => boolean> = {
  tab: (k) => !!k.tab,
  escape: (k) => !!k.escape,
  return: (k) => !!k.return,
  up: (k) => !!k.upArrow,
  down: (k) => !!k.downArrow,
  left: (k) => !!k.leftArrow,
  right: (k) => !!k.rightArrow,
  home: (k) => !!k.home,
  end: (k) => !!k.end,
  pageup: (k) => !!k.pageUp,
  pagedown: (k) => !!k.pageDown,
};

const LABELS: Record<string, string> = { escape: 'esc', return: 'enter', up: '↑', down: '↓', left: '←', right: '→', pageup: 'pgup', pagedown: 'pgdn' };

/** Does Ink's (input, key) pair trigger this binding? */
export function matchesBinding(b: KeyBinding, input: string, key: KeyState): boolean {
  const named = NAMED[b.key];
  if (named) return named(key) && !!b.shift === !!key.shift && !!b.ctrl === !!key.ctrl;
  if (b.ctrl) return !!key.ctrl && input === b.key;
  return !key.ctrl && !key.meta && input === b.key;
}

/** True for bindings that would type a character; a text field takes those first. */
export function isPrintable(b: KeyBinding): boolean {
  return !b.ctrl && !(b.key in NAMED);
}

/**
 * The command a key triggers in `context`, or undefined. While a text field
 * is open (`filter`), printable keys are text, so only chords and named keys count.
 */
export function resolveCommand(commands: readonly CommandSpec[], context: KeyContext, input: string, key: KeyState): Command | undefined {
  for (const cmd of commands) {
    if (!cmd.when.includes(context)) continue;
    for (const b of cmd.bindings) {
      if (context === 'filter' && isPrintable(b)) continue;
      if (matchesBinding(b, input, key)) return cmd.id;
    }
  }
  return undefined;
}

/** How a binding is written in hints and help: `q`, `ctrl-c`, `shift-tab`, `esc`, `↑`. */
export function formatBinding(b: KeyBinding): string {
  const base = LABELS[b.key] ?? b.key;
  return `${b.ctrl ? 'ctrl-' : ''}${b.shift ? 'shift-' : ''}${base}`;
}

/** Every binding of a command, as the help overlay lists them. */
export function formatBindings(cmd: CommandSpec): string {
  return cmd.bindings.map(formatBinding).join(' ');
}

/** One footer entry, possibly standing for a group of commands. */
export interface FooterHint {
  keys: string;
  label: string;
  commands: Command[];
}

/** Footer hints for a context, in table order, grouping consecutive commands that share a group. */
export function footerHints(commands: readonly CommandSpec[], context: KeyContext): FooterHint[] {
  const visible = commands.filter((c) => c.footer && c.when.includes(context) && c.bindings.length > 0);
  const hints: FooterHint[] = [];
  for (let i = 0; i < visible.length; ) {
    const first = visible[i] as CommandSpec;
    let j = i + 1;
    while (first.group && j < visible.length && visible[j]?.group === first.group) j++;
    const members = visible.slice(i, j);
    const keys = members.map((c) => formatBinding(c.bindings[0] as KeyBinding));
    hints.push({ keys: keys.length > 2 ? `${keys[0]}-${keys.at(-1)}` : keys.join('/'), label: first.hint, commands: members.map((c) => c.id) });
    i = j;
  }
  return hints;
}

/**
 * The footer's call to action while a failed start waits for a fix: the
 * keys come from the table, so a rebound rebuild key is the one named.
 */
export function restartNotice(commands: readonly CommandSpec[]): string | undefined {
  const keyOf = (id: Command) => commands.find((c) => c.id === id && c.bindings.length > 0)?.bindings[0];
  const rebuild = keyOf(Command.Rebuild);
  const redeploy = keyOf(Command.Redeploy);
  const options = [rebuild && `${formatBinding(rebuild)} to rebuild`, redeploy && `${formatBinding(redeploy)} to redeploy`].filter(Boolean);
  return options.length > 0 ? `start failed: fix it, then press ${options.join(' or ')}` : undefined;
}
