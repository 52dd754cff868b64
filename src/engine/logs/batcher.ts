import type { ContainerRef, DevEngineEmitter, LogLine } from '../events.js';

/**
 * Collects log lines per container and sends them as one `logs:lines`
 * event per container every `intervalMs` (≈50 ms), so a chatty pod costs
 * the UI a few updates a second rather than one per line.
 */
export class LogBatcher {
  private readonly pending = new Map<string, { source: ContainerRef; lines: LogLine[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly events: DevEngineEmitter,
    private readonly intervalMs = 50,
  ) {}

  /** Queue lines of one container; they go out with the next batch. */
  add(source: ContainerRef, texts: string[]): void {
    const key = `${source.namespace}/${source.pod}/${source.container}`;
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { source, lines: [] }));
    const ts = Date.now();
    for (const text of texts) entry.lines.push({ ts, text, stream: 'stdout' });
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Send everything queued now (before a state change, and on stop). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const b of batches) this.events.send('logs:lines', b);
  }
}
