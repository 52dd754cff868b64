import { describe, expect, it } from 'vitest';
import { computeLayout, PANE_CHROME } from '../../../src/ui/layout.js';

const wants = { build: 2, ports: 1, sync: 2, logs: 1 };

describe('computeLayout', () => {
  it.each([
    [60, 24, 'narrow'],
    [80, 24, 'medium'],
    [100, 30, 'medium'],
    [140, 40, 'wide'],
  ] as const)('fills %ix%i exactly, one row short of the screen', (columns, rows, kind) => {
    const l = computeLayout(columns, rows, wants);
    expect(l.kind).toBe(kind);
    expect(l.height).toBe(rows - 1);
    expect(l.rows.reduce((n, r) => n + r.height, 0)).toBe(l.bodyHeight);
    for (const row of l.rows) {
      expect(row.panes.reduce((n, p) => n + p.width, 0)).toBe(columns);
      for (const p of row.panes) expect(p.height).toBe(row.height);
    }
    const panes = l.rows.flatMap((r) => r.panes.map((p) => p.pane)).sort();
    expect(panes).toEqual(['build', 'logs', 'ports', 'sync']);
    const logs = l.rows.find((r) => r.panes[0]?.pane === 'logs');
    expect(logs!.height - PANE_CHROME).toBeGreaterThanOrEqual(3);
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
