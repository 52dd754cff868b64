import type { PaneId } from './store/view-state.js';

/** A pane's box in character cells. */
export interface PaneBox {
  pane: PaneId;
  width: number;
  height: number;
}

/** Rows of panes, top to bottom; the panes of one row sit side by side. */
export interface DashboardLayout {
  kind: 'narrow' | 'medium' | 'wide';
  columns: number;
  /** Root height: rows − 1, because Ink 6.8 clears the whole screen on every frame at full height. */
  height: number;
  bodyHeight: number;
  rows: { height: number; panes: PaneBox[] }[];
}

/** Lines outside the body: header (title + status) and footer. */
export const HEADER_LINES = 2;
export const FOOTER_LINES = 1;
/** A pane's own rows: title edge and bottom border. */
export const PANE_CHROME = 2;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(n, Math.max(lo, hi)));

/**
 * Place the four panes for a terminal size and the rows each wants. Fits
 * 80×24; extra height goes to logs, extra width to wider panes.
 */
export function computeLayout(columns: number, rows: number, wants: Record<PaneId, number>): DashboardLayout {
  const width = Math.max(40, columns);
  const height = Math.max(12, rows - 1);
  const bodyHeight = height - HEADER_LINES - FOOTER_LINES;
  const minLogs = PANE_CHROME + 3;
  const topCap = Math.max(2, Math.floor(bodyHeight * 0.35) - PANE_CHROME);

  if (width < 70) {
    // Too narrow for side by side: stack them, each only as tall as it must be.
    let heights = [clamp(wants.build, 1, 4), clamp(wants.ports, 1, 3), clamp(wants.sync, 1, 2)].map((n) => n + PANE_CHROME);
    while (bodyHeight - sum(heights) < minLogs && heights.some((h) => h > PANE_CHROME + 1)) {
      const i = heights.indexOf(Math.max(...heights));
      heights = heights.map((h, k) => (k === i ? h - 1 : h));
    }
    const [b, p, s] = heights as [number, number, number];
    return {
      kind: 'narrow',
      columns: width,
      height,
      bodyHeight,
      rows: [
        { height: b, panes: [{ pane: 'build', width, height: b }] },
        { height: p, panes: [{ pane: 'ports', width, height: p }] },
        { height: s, panes: [{ pane: 'sync', width, height: s }] },
        { height: bodyHeight - b - p - s, panes: [{ pane: 'logs', width, height: bodyHeight - b - p - s }] },
      ],
    };
  }

  if (width < 120) {
    let top = clamp(Math.max(wants.build, wants.ports), 2, topCap) + PANE_CHROME;
    let sync = clamp(wants.sync, 1, 3) + PANE_CHROME;
    while (bodyHeight - top - sync < minLogs && (top > PANE_CHROME + 1 || sync > PANE_CHROME + 1)) {
      if (top >= sync && top > PANE_CHROME + 1) top--;
      else sync--;
    }
    const left = Math.floor(width * 0.55);
    const logs = bodyHeight - top - sync;
    return {
      kind: 'medium',
      columns: width,
      height,
      bodyHeight,
      rows: [
        { height: top, panes: [{ pane: 'build', width: left, height: top }, { pane: 'ports', width: width - left, height: top }] },
        { height: sync, panes: [{ pane: 'sync', width, height: sync }] },
        { height: logs, panes: [{ pane: 'logs', width, height: logs }] },
      ],
    };
  }

  const top = Math.min(clamp(Math.max(wants.build, wants.ports, wants.sync), 3, topCap) + PANE_CHROME, bodyHeight - minLogs);
  const build = Math.floor(width * 0.45);
  const ports = Math.floor(width * 0.25);
  return {
    kind: 'wide',
    columns: width,
    height,
    bodyHeight,
    rows: [
      {
        height: top,
        panes: [
          { pane: 'build', width: build, height: top },
          { pane: 'ports', width: ports, height: top },
          { pane: 'sync', width: width - build - ports, height: top },
        ],
      },
      { height: bodyHeight - top, panes: [{ pane: 'logs', width, height: bodyHeight - top }] },
    ],
  };
}

function sum(ns: number[]): number {
  return ns.reduce((a, b) => a + b, 0);
}
