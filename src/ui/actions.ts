import type { ContainerRef } from '../engine/events.js';

/**
 * What the dashboard may ask of the engine. Everything but `quit` is
 * optional: a missing action shows "not available" instead of a dead key.
 */
export interface DashboardActions {
  /** The user quit; the caller tears the engine down once `runDashboard` resolves. */
  quit(): void;
  /** Ctrl-C: stop as the signal would outside the dashboard (same exit code); falls back to `quit`. */
  interrupt?(): void;
  /** Build every image again (skipping the cache check), push, and redeploy. */
  rebuild?(): void;
  /** Deploy again without building. */
  redeploy?(): void;
  /** Run an interactive terminal in the container; the dashboard has handed over the TTY until this settles. */
  openTerminal?(target: ContainerRef): Promise<void>;
  /** Start an analyze pass; results arrive as `analyze:report`. */
  analyze?(): void;
}

/** Static header facts that do not come from events. */
export interface DashboardHeader {
  project: string;
  context: string;
  namespace: string;
}
