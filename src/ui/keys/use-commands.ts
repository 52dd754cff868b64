import { useInput, useStdin } from 'ink';
import type { Command, CommandSpec, KeyContext } from './commands.js';
import { type KeyState, resolveCommand } from './keymap.js';

export interface UseCommandsOptions {
  commands: readonly CommandSpec[];
  context: KeyContext;
  /** False while a terminal session owns the TTY; Ink then leaves raw mode. */
  isActive: boolean;
  onCommand(id: Command): void;
  /** Text typed while a text field (the filter) is open. */
  onEdit(edit: (text: string) => string): void;
}

/**
 * The single input handler: keys become commands through the key table;
 * in the filter context, keys that are not commands edit the filter text.
 */
export function useCommands({ commands, context, isActive, onCommand, onEdit }: UseCommandsOptions): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      const id = resolveCommand(commands, context, input, key);
      if (id) {
        onCommand(id);
        return;
      }
      if (context === 'filter') {
        // Text that arrives with its Enter in one read (a paste, a fast terminal) is typed, then applied.
        const [text, ...rest] = key.return ? [input] : input.split(/\r\n?|\n/);
        const edit = textEdit(text ?? '', key);
        if (edit) onEdit(edit);
        const apply = rest.length > 0 ? resolveCommand(commands, context, '', { return: true }) : undefined;
        if (apply) onCommand(apply);
      }
    },
    { isActive: isActive && isRawModeSupported },
  );
}

/** How a key changes a one-line text field, or undefined when it does not. */
export function textEdit(input: string, key: KeyState): ((text: string) => string) | undefined {
  if (key.backspace || key.delete) return (t) => t.slice(0, -1);
  if (key.ctrl && input === 'u') return () => '';
  if (key.ctrl || key.meta || key.tab || key.return || key.escape || input === '') return undefined;
  // A paste arrives as one string; keep it on one line.
  const clean = input.replace(/[\r\n\t]+/g, ' ');
  return (t) => t + clean;
}
