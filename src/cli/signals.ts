/** Exit codes a shell expects after SIGINT and SIGTERM (128 + signal number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** A Ctrl-C/SIGTERM trap that turns the first signal into an abort. */
export interface SignalTrap {
  /** The signal that arrived, if any. */
  readonly received: StopSignal | undefined;
  /** Remove the handlers (restoring the default kill-on-signal behaviour). */
  dispose(): void;
}

/**
 * Abort `controller` on the first SIGINT/SIGTERM so teardown can run. A second
 * signal, or teardown outliving `graceMs`, exits at once: the `exit` handlers
 * (such as the lock's `releaseSync`) still run.
 */
export function trapSignals(controller: AbortController, graceMs = 2000): SignalTrap {
  let received: StopSignal | undefined;
  const onSignal = (sig: StopSignal): void => {
    if (received) process.exit(SIGNAL_EXIT_CODES[received]);
    received = sig;
    controller.abort(sig);
    setTimeout(() => process.exit(SIGNAL_EXIT_CODES[sig]), graceMs).unref();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
