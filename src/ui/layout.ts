import type { PaneId } from './store/view-state.js';

/** A pane's box in character cells. */
export interface PaneBox {
  pane: PaneId;
  width: number;
  height: number;
}

/** Panes stacked in one column of a row (wide terminals put Ports over Sync beside Build). */
export interface StackBox {
  stack: PaneBox[];
  width: number;
  height: number;
}

/** Rows of cells, top to bottom; the cells of one row sit side by side. */
export interface DashboardLayout {
  kind: 'narrow' | 'medium' | 'wide';
  columns: number;
  /** The whole terminal height; screen-output.ts keeps Ink from clearing the screen at full height. */
  height: number;
  bodyHeight: number;
  rows: { height: number; panes: (PaneBox | StackBox)[] }[];
}

/** Lines outside the body: header (title + status) and footer. */
export const HEADER_LINES = 2;
export const FOOTER_LINES = 1;
/** A pane's own rows: title edge and bottom border. */
export const PANE_CHROME = 2;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(n, Math.max(lo, hi)));

/** Every pane box of a layout, stacks flattened. */
export function paneBoxes(layout: DashboardLayout): PaneBox[] {
  return layout.rows.flatMap((r) => r.panes.flatMap((c) => ('stack' in c ? c.stack : [c])));
}

/**
 * Place the four panes for a terminal size and the rows each wants. Fits
 * 80×24; extra height goes to logs, extra width to wider panes.
 */
export function computeLayout(columns: number, rows: number, wants: Record<PaneId, number>): DashboardLayout {
  const width = Math.max(40, columns);
  const height = Math.max(12, rows);
  const bodyHeight = height - HEADER_LINES - FOOTER_LINES;
  const minLogs = PANE_CHROME + 3;
  const topCap = Math.max(2, Math.floor(bodyHeight * 0.35) - PANE_CHROME);
  const base = { columns: width, height, bodyHeight };

  if (width < 70) {
    // Too narrow for side by side: stack them, each only as tall as it must be.
    let heights = [clamp(wants.build, 1, 4), clamp(wants.ports, 1, 3), clamp(wants.sync, 1, 2)].map((n) => n + PANE_CHROME);
    while (bodyHeight - sum(heights) < minLogs && heights.some((h) => h > PANE_CHROME + 1)) {
      const i = heights.indexOf(Math.max(...heights));
      heights = heights.map((h, k) => (k === i ? h - 1 : h));
    }
    const [b, p, s] = heights as [number, number, number];
    const logs = bodyHeight - b - p - s;
    return {
      kind: 'narrow',
      ...base,
      rows: [
        { height: b, panes: [{ pane: 'build', width, height: b }] },
        { height: p, panes: [{ pane: 'ports', width, height: p }] },
        { height: s, panes: [{ pane: 'sync', width, height: s }] },
        { height: logs, panes: [{ pane: 'logs', width, height: logs }] },
      ],
    };
  }

  if (width < 120) {
    // Build gets the full width (its rows carry step, instruction and push progress); Ports and Sync share a row.
    let top = clamp(wants.build, 2, topCap) + PANE_CHROME;
    let mid = clamp(Math.max(wants.ports, wants.sync), 1, 3) + PANE_CHROME;
    while (bodyHeight - top - mid < minLogs && (top > PANE_CHROME + 1 || mid > PANE_CHROME + 1)) {
      if (top >= mid && top > PANE_CHROME + 1) top--;
      else mid--;
    }
    const left = Math.floor(width / 2);
    const logs = bodyHeight - top - mid;
    return {
      kind: 'medium',
      ...base,
      rows: [
        { height: top, panes: [{ pane: 'build', width, height: top }] },
        { height: mid, panes: [{ pane: 'ports', width: left, height: mid }, { pane: 'sync', width: width - left, height: mid }] },
        { height: logs, panes: [{ pane: 'logs', width, height: logs }] },
      ],
    };
  }

  // Wide: Build on the left, Ports over Sync on the right, so forwards and sync paths get a readable width.
  const portsH = clamp(wants.ports, 1, 4) + PANE_CHROME;
  const syncH = clamp(wants.sync, 1, 6) + PANE_CHROME;
  const top = Math.min(Math.max(clamp(wants.build, 3, topCap + 2) + PANE_CHROME, portsH + syncH), bodyHeight - minLogs);
  const ports = clamp(portsH, PANE_CHROME + 1, top - PANE_CHROME - 1);
  const build = Math.floor(width * 0.5);
  return {
    kind: 'wide',
    ...base,
    rows: [
      {
        height: top,
        panes: [
          { pane: 'build', width: build, height: top },
          {
            width: width - build,
            height: top,
            stack: [
              { pane: 'ports', width: width - build, height: ports },
              { pane: 'sync', width: width - build, height: top - ports },
            ],
          },
        ],
      },
      { height: bodyHeight - top, panes: [{ pane: 'logs', width, height: bodyHeight - top }] },
    ],
  };
}

function sum(ns: number[]): number {
  return ns.reduce((a, b) => a + b, 0);
}
