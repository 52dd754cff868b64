import { describe, expect, it } from 'vitest';
import { computeLayout, PANE_CHROME, paneBoxes } from '../../../src/ui/layout.js';

const wants = { build: 2, ports: 1, sync: 2, logs: 1 };

describe('computeLayout', () => {
  it.each([
    [60, 24, 'narrow'],
    [80, 24, 'medium'],
    [100, 30, 'medium'],
    [140, 40, 'wide'],
  ] as const)('fills %ix%i exactly', (columns, rows, kind) => {
    const l = computeLayout(columns, rows, wants);
    expect(l.kind).toBe(kind);
    expect(l.height).toBe(rows);
    expect(l.rows.reduce((n, r) => n + r.height, 0)).toBe(l.bodyHeight);
    for (const row of l.rows) {
      expect(row.panes.reduce((n, p) => n + p.width, 0)).toBe(columns);
      for (const cell of row.panes) {
        expect(cell.height).toBe(row.height);
        // A stack fills its cell: same width, heights adding up.
        if ('stack' in cell) {
          expect(cell.stack.reduce((n, p) => n + p.height, 0)).toBe(cell.height);
          for (const p of cell.stack) expect(p.width).toBe(cell.width);
        }
      }
    }
    expect(paneBoxes(l).map((p) => p.pane).sort()).toEqual(['build', 'logs', 'ports', 'sync']);
    const logs = paneBoxes(l).find((p) => p.pane === 'logs');
    expect(logs!.height - PANE_CHROME).toBeGreaterThanOrEqual(3);
  });

  it('puts Ports over Sync beside Build when wide, so forwards get half the width', () => {
    const l = computeLayout(120, 40, wants);
    const ports = paneBoxes(l).find((p) => p.pane === 'ports')!;
    expect(ports.width).toBe(60);
    expect(l.rows).toHaveLength(2);
  });

  it('gives a taller terminal more log rows', () => {
    const small = computeLayout(100, 24, wants).rows.at(-1)!.height;
    const big = computeLayout(100, 50, wants).rows.at(-1)!.height;
    expect(big).toBeGreaterThan(small + 20);
  });

  it('keeps the log pane usable when every pane wants a lot', () => {
    const l = computeLayout(80, 24, { build: 20, ports: 20, sync: 20, logs: 0 });
    expect(l.rows.at(-1)!.height - PANE_CHROME).toBeGreaterThanOrEqual(3);
    expect(l.rows.reduce((n, r) => n + r.height, 0)).toBe(l.bodyHeight);
  });
});
