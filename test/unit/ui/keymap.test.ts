import { describe, expect, it } from 'vitest';
import { Command, COMMANDS, type KeyContext } from '../../../src/ui/keys/commands.js';
import { footerHints, formatBinding, matchesBinding, resolveCommand } from '../../../src/ui/keys/keymap.js';
import { textEdit } from '../../../src/ui/keys/use-commands.js';

const CONTEXTS: KeyContext[] = ['dashboard', 'logs', 'help', 'analyze', 'filter'];

describe('key table', () => {
  it('gives every command at least one binding and a description', () => {
    for (const c of COMMANDS) {
      expect(c.bindings.length, c.id).toBeGreaterThan(0);
      expect(c.description.length, c.id).toBeGreaterThan(3);
      expect(c.when.length, c.id).toBeGreaterThan(0);
    }
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
  });

  it('never binds one key to two commands in the same context', () => {
    for (const ctx of CONTEXTS) {
      const seen = new Map<string, string>();
      for (const c of COMMANDS.filter((x) => x.when.includes(ctx))) {
        for (const b of c.bindings) {
          const k = formatBinding(b);
          expect(seen.get(k), `${ctx}: ${k} bound to ${seen.get(k)} and ${c.id}`).toBeUndefined();
          seen.set(k, c.id);
        }
      }
    }
  });
});

describe('resolveCommand', () => {
  const r = (ctx: KeyContext, input: string, key = {}) => resolveCommand(COMMANDS, ctx, input, key);

  it('maps the keys of the issue to commands', () => {
    expect(r('dashboard', 'q')).toBe(Command.Quit);
    expect(r('dashboard', 'c', { ctrl: true })).toBe(Command.Interrupt);
    expect(r('dashboard', '', { tab: true })).toBe(Command.FocusNext);
    expect(r('dashboard', '', { tab: true, shift: true })).toBe(Command.FocusPrev);
    expect(r('dashboard', '3')).toBe(Command.PaneSync);
    expect(r('dashboard', 'l')).toBe(Command.LogView);
    expect(r('dashboard', '?')).toBe(Command.Help);
    expect(r('dashboard', 'e')).toBe(Command.Terminal);
    expect(r('dashboard', 'r')).toBe(Command.Rebuild);
    expect(r('dashboard', 'd')).toBe(Command.Redeploy);
    expect(r('dashboard', 'a')).toBe(Command.Analyze);
    expect(r('dashboard', 'j')).toBe(Command.SelectDown);
    expect(r('dashboard', '', { upArrow: true })).toBe(Command.SelectUp);
    expect(r('logs', 's')).toBe(Command.Autoscroll);
    expect(r('logs', '/')).toBe(Command.Filter);
    expect(r('logs', 'G', { shift: true })).toBe(Command.LogEnd);
    expect(r('logs', '', { end: true })).toBe(Command.LogEnd);
    expect(r('logs', '', { escape: true, meta: true })).toBe(Command.Back);
  });

  it('respects the context a command works in', () => {
    expect(r('dashboard', '/')).toBeUndefined();
    expect(r('help', 'r')).toBeUndefined();
    expect(r('dashboard', 'x')).toBeUndefined();
    expect(r('dashboard', 'q', { ctrl: true })).toBeUndefined();
  });

  it('lets the filter field take printable keys but not ctrl-c, esc or enter', () => {
    expect(r('filter', 'q')).toBeUndefined();
    expect(r('filter', 'c', { ctrl: true })).toBe(Command.Interrupt);
    expect(r('filter', '', { escape: true })).toBe(Command.Back);
    expect(r('filter', '', { return: true })).toBe(Command.FilterApply);
  });

  it('matches a chord only with its modifiers', () => {
    expect(matchesBinding({ key: 'tab' }, '', { tab: true, shift: true })).toBe(false);
    expect(matchesBinding({ key: 'c', ctrl: true }, 'c', {})).toBe(false);
  });
});

describe('footerHints', () => {
  it('groups pane jumps and lists only footer commands of the context', () => {
    const hints = footerHints(COMMANDS, 'dashboard');
    expect(hints.find((h) => h.label === 'pane')).toMatchObject({ keys: '1-4', commands: [Command.PaneBuild, Command.PanePorts, Command.PaneSync, Command.PaneLogs] });
    expect(hints.find((h) => h.label === 'move')?.keys).toBe('j/k');
    expect(hints[0]).toMatchObject({ keys: 'q', label: 'quit' });
    const covered = hints.flatMap((h) => h.commands);
    expect(covered).not.toContain(Command.FocusPrev);
    expect(covered).not.toContain(Command.Filter);
    expect(footerHints(COMMANDS, 'logs').flatMap((h) => h.commands)).toContain(Command.Filter);
  });
});

describe('textEdit', () => {
  it('types, deletes and clears', () => {
    expect(textEdit('a', {})?.('x')).toBe('xa');
    expect(textEdit('', { backspace: true })?.('abc')).toBe('ab');
    expect(textEdit('', { delete: true })?.('abc')).toBe('ab');
    expect(textEdit('u', { ctrl: true })?.('abc')).toBe('');
    expect(textEdit('', { upArrow: true })).toBeUndefined();
  });
});
