import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { uid } from '../support/testbed.js';

const exec = promisify(execFile);

/**
 * A real terminal for dashboard tests: one tmux session on a private tmux
 * server (its own socket, so tests never touch a person's tmux), driven with
 * send-keys and read back with capture-pane, as a person would see it.
 */
export class Tmux {
  private constructor(
    readonly socket: string,
    readonly target: string,
  ) {}

  /** Start `command` (run by `sh -c`) in a detached session of the given size. */
  static async start(opts: { command: string; cwd: string; columns: number; rows: number; env?: Record<string, string> }): Promise<Tmux> {
    const socket = `devspace-e2e-${uid()}`;
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    // A person at a terminal: CI (set by the CI runner) would switch devspace to plain lines.
    const shellCommand = `env -u CI -u CONTINUOUS_INTEGRATION ${env.join(' ')} sh -c ${shellQuote(opts.command)}`;
    const t = new Tmux(socket, 'main');
    await t.tmux('new-session', '-d', '-s', 'main', '-x', String(opts.columns), '-y', String(opts.rows), '-c', opts.cwd, shellCommand);
    // Keep the window at the size we set, whatever clients attach (none do).
    await t.tmux('set-option', '-t', 'main', 'window-size', 'manual');
    return t;
  }

  /** Run a tmux command against this session's server. */
  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await exec('tmux', ['-L', this.socket, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  /** The visible screen as text (`escapes` keeps colours and attributes as SGR sequences). */
  async capture(opts: { escapes?: boolean } = {}): Promise<string> {
    return this.tmux('capture-pane', '-p', ...(opts.escapes ? ['-e'] : []), '-t', this.target);
  }

  /** Press keys by tmux name (`j`, `Enter`, `Escape`, `C-c`, `Up`, `PageUp`…), one after another. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.tmux('send-keys', '-t', this.target, key);
      // A separate read per key, so an escape is never glued to the next key (`\x1b:` reads as alt-:).
      await sleep(80);
    }
  }

  /** Type text literally (no key-name lookup). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, '-l', text);
    await sleep(80);
  }

  /** Type a line and press Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** Resize the window, as dragging a terminal window does. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.target, '-x', String(columns), '-y', String(rows));
  }

  /** A tmux format variable of the pane, e.g. `#{alternate_on}` or `#{cursor_flag}`. */
  async display(format: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', this.target, format)).trim();
  }

  /** Append everything the program writes to the terminal to `file` (raw bytes). */
  async record(file: string | undefined): Promise<void> {
    if (file) await this.tmux('pipe-pane', '-o', '-t', this.target, `cat >> ${shellQuote(file)}`);
    else await this.tmux('pipe-pane', '-t', this.target);
  }

  /**
   * Poll the screen until `check` accepts it (a throwing check counts as
   * "not yet"); the error names what was awaited and shows the last screen.
   */
  async waitFor(check: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 60_000): Promise<string> {
    const test = typeof check === 'function' ? check : (s: string) => check.test(s);
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = await this.capture();
      try {
        if (test(screen)) return screen;
      } catch {
        // e.g. a recording file that does not exist yet
      }
      await sleep(150);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${screen}`);
  }

  /**
   * The screen once it has stopped changing (two captures `quietMs` apart
   * agree), so a frame is never read half drawn; returns the last capture
   * after `timeoutMs` when something keeps moving (a spinner).
   */
  async settled(quietMs = 300, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = await this.capture();
    while (Date.now() < end) {
      await sleep(quietMs);
      const now = await this.capture();
      if (now === last) return now;
      last = now;
    }
    return last;
  }

  /** Stop the session and its private tmux server, and remove the server's socket file. */
  async kill(): Promise<void> {
    const socketPath = (await this.tmux('display-message', '-p', '#{socket_path}').catch(() => '')).trim();
    await this.tmux('kill-server').catch(() => undefined);
    if (socketPath) await rm(socketPath, { force: true });
  }
}

/** Quote for `sh`: single quotes, with embedded ones closed and escaped. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
