import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { repo } from '../../unit/cli/helpers.js';

/** Pane title edges as the dashboard draws them. */
export const TITLES = ['1 Build · Deploy', '2 Ports', '3 Sync', '4 Logs'] as const;

/** A pane's title in its top edge, in any border style (round, double when focused, heavy when failed without colour). */
export const titleEdge = (title: string) => new RegExp(`[─═━] ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `);

/** The cell width of a line (the dashboard draws only single-width characters). */
export const width = (line: string) => [...line].length;

/**
 * A dashboard screen that was drawn whole: the header on the first row, the
 * key hints on the last, each pane title exactly once, nothing wider than
 * the terminal. Stale rows from an earlier frame break one of these.
 */
export function expectIntactDashboard(screen: string, columns: number, rows: number): string[] {
  const lines = rowsOf(screen);
  expect(lines).toHaveLength(rows);
  expect(lines[0]).toMatch(/^ devspace · /);
  expect(lines[rows - 1]).toMatch(/^ q quit {2}\? help/);
  for (const title of TITLES) expect(screen.split(titleEdge(title)).length - 1, `${title} once in\n${screen}`).toBe(1);
  for (const line of lines) expect(width(line), line).toBeLessThanOrEqual(columns);
  // Every pane's top edge ends in its corner.
  for (const line of lines.filter((l) => /^[╭╔┏]/.test(l))) expect(/[╮╗┓]$/.test(line.trimEnd()), line).toBe(true);
  return lines;
}

/** Rows of the pane whose title edge contains `title`, between its left and right borders, trimmed. */
export function paneRows(screen: string, title: string): string[] {
  const lines = screen.split('\n').map((l) => [...l]);
  const edge = titleEdge(title);
  const top = lines.findIndex((l) => edge.test(l.join('')));
  if (top < 0) return [];
  const head = lines[top]!;
  const left = [...head.join('').slice(0, head.join('').search(edge))].length - 1;
  const right = head.findIndex((c, i) => i > left && /[╮╗┓]/.test(c));
  const out: string[] = [];
  for (let i = top + 1; i < lines.length; i++) {
    const cells = lines[i]!;
    if (!/[│║┃]/.test(cells[left] ?? '')) break;
    out.push(cells.slice(left + 1, right).join('').trim());
  }
  return out;
}

/** Screen rows, without the newline capture-pane ends with. */
export const rowsOf = (screen: string) => screen.replace(/\n$/, '').split('\n');

/** SGR sequences that set a colour (8/16/256/true colour); 39 and 49 only reset to the default, which tmux writes everywhere. */
export const COLOR_SGR = /\x1b\[(?:[0-9]+;)*(?:3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(?:;[0-9]+)*m/;

/** Keep a screen under docs/ when DEVSPACE_UPDATE_CAPTURES=1 (the README shows one). */
export function keepCapture(name: string, screen: string): void {
  if (process.env.DEVSPACE_UPDATE_CAPTURES !== '1') return;
  writeFileSync(path.join(repo, 'docs', name), screen.replace(/[ \t]+$/gm, '').replace(/\n*$/, '\n'));
}
