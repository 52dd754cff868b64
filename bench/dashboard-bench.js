// Dashboard under load, against the real test bed (run `npm run build` first; `npm run bench` does).
// A container prints numbered lines at `linesPerSec` for `durationSec` while `devspace dev` shows them in a
// real terminal (tmux). Measured: key press → screen latency, devspace CPU (% of one core), peak RSS, and
// whether the full log view shows the newest lines without gaps.
// Standalone: `node bench/dashboard-bench.js [seconds]`; from a harness: `import { dashboardBench } from './dashboard-bench.js'`.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'bin', 'devspace.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * The container's program: numbered ~100-byte lines at `linesPerSec`. busybox awk has no clock finer than a
 * second (`srand()` returns the previous seed, i.e. the time), so each second's quota is written in chunks
 * of `chunk` lines as soon as the second starts, then it naps until the next one.
 */
function printer(linesPerSec, chunk) {
  const pad = 'x'.repeat(80);
  return `exec awk 'BEGIN { srand(); start = srand(); n = 0; while (1) { owed = (srand() - start + 1) * ${linesPerSec}; if (n < owed) { for (i = 0; i < ${chunk} && n < owed; i++) printf "line %09d ${pad}\\n", n++; fflush() } else system("usleep 20000") } }'`;
}

/** A copy of the quickstart whose container is the printer; no forwards or sync, so logs and the dashboard are what is measured. */
async function project(o) {
  const dir = await mkdtemp(path.join(tmpdir(), 'dashboard-bench-'));
  await cp(path.join(repo, 'examples', 'quickstart'), dir, { recursive: true, filter: (src) => !src.includes('.devspace') });
  let config = await readFile(path.join(dir, 'devspace.yaml'), 'utf8');
  config = config
    .replace(/entrypoint: \[.*\]/, `entrypoint: ${JSON.stringify(['sh', '-c', printer(o.linesPerSec, o.chunk)])}`)
    .replace(/\n {2}ports:\n(?: {2}- .*\n| {4}.*\n)*/, '\n')
    .replace(/\n {2}sync:\n(?: {2}- .*\n| {4}.*\n)*/, '\n');
  await writeFile(path.join(dir, 'devspace.yaml'), config);
  return dir;
}

class Term {
  constructor(socket) {
    this.socket = socket;
  }
  async tmux(...args) {
    return (await exec('tmux', ['-L', this.socket, ...args], { maxBuffer: 16 << 20 })).stdout;
  }
  capture() {
    return this.tmux('capture-pane', '-p', '-t', 'main');
  }
  press(key) {
    return this.tmux('send-keys', '-t', 'main', key);
  }
  async waitFor(test, timeoutMs, what, everyMs = 100) {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = await this.capture();
      if (test(screen)) return screen;
      await sleep(everyMs);
    }
    throw new Error(`timed out waiting for ${what}; last screen:\n${screen}`);
  }
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid, hz) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / hz;
}

/** VmHWM (peak) or VmRSS (now) of a process, in MiB. */
function rssMiB(pid, field = 'VmHWM') {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Line numbers on a screen, top to bottom. */
const numbersOn = (screen) => [...screen.matchAll(/line (\d{9})/g)].map((m) => Number(m[1]));

/**
 * Run the benchmark and return its figures. Options: `durationSec` (60), `linesPerSec` (5000),
 * `kubeconfig`, `columns`/`rows` (120×40), `keyEveryMs` (one key sample pair per interval), `log`.
 */
export async function dashboardBench(opts = {}) {
  const o = { durationSec: 60, linesPerSec: 5000, chunk: 250, columns: 120, rows: 40, keyEveryMs: 2000, log: (m) => process.stderr.write(`${m}\n`), ...opts };
  const kubeconfig = o.kubeconfig ?? process.env.DEVSPACE_TEST_KUBECONFIG ?? process.env.KUBECONFIG ?? path.join(repo, 'testbed/kubeconfig');
  const hz = Number((await exec('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = `bench-dash-${Math.random().toString(16).slice(2, 8)}`;
  const dir = await project(o);
  const term = new Term(`devspace-bench-${process.pid}`);
  try {
    const command = `exec env KUBECONFIG=${quote(kubeconfig)} ${quote(process.execPath)} ${quote(bin)} dev -n ${namespace}`;
    await term.tmux('new-session', '-d', '-s', 'main', '-x', String(o.columns), '-y', String(o.rows), '-c', dir, command);
    const pid = Number((await term.tmux('display-message', '-p', '-t', 'main', '#{pane_pid}')).trim());
    o.log(`dashboard bench: devspace pid ${pid}, namespace ${namespace}, ${o.linesPerSec} lines/s for ${o.durationSec} s`);
    await term.waitFor((s) => numbersOn(s).length > 5, 240_000, 'numbered lines in the Logs pane', 500);

    const pods = await core.listNamespacedPod({ namespace });
    const podName = pods.items[0]?.metadata?.name;
    // The newest line number the container has printed, read from the API (not through devspace).
    const podNewest = async () => numbersOn(String(await core.readNamespacedPodLog({ name: podName, namespace, tailLines: 1 }))).at(-1) ?? NaN;
    const printed0 = { n: await podNewest(), at: Date.now() };
    const latencies = [];
    const rss = [];
    const startPeak = rssMiB(pid);
    const cpu0 = cpuSeconds(pid, hz);
    const t0 = Date.now();
    const end = t0 + o.durationSec * 1000;
    // A key that changes the screen (help on, help off), timed until the change is visible.
    const sample = async (key, shows, what) => {
      const sent = performance.now();
      await term.press(key);
      await term.waitFor(shows, 10_000, what, 0);
      latencies.push(performance.now() - sent);
    };
    while (Date.now() < end) {
      rss.push(rssMiB(pid, 'VmRSS'));
      await sample('?', (s) => /─ Keys ─/.test(s), 'help to open');
      await sample('?', (s) => /─ 4 Logs ─/.test(s), 'help to close');
      await sleep(Math.max(0, Math.min(o.keyEveryMs, end - Date.now())));
    }
    const wall = (Date.now() - t0) / 1000;
    const cpuPercent = ((cpuSeconds(pid, hz) - cpu0) / wall) * 100;
    const peak = rssMiB(pid);

    // The full log view: its rows must be consecutive line numbers, and close to what the container printed last.
    await term.press('l');
    const view = await term.waitFor((s) => /^╭─ Logs ─/m.test(s) && numbersOn(s).length > 5, 10_000, 'the full log view', 0);
    const printed1 = { n: await podNewest(), at: Date.now() };
    const shown = numbersOn(view);
    const gaps = shown.slice(1).filter((n, i) => n !== shown[i] + 1).length;
    const newestShown = shown.at(-1) ?? NaN;
    await term.press('q');
    await sleep(2500);

    return {
      durationSec: round(wall),
      linesPerSecTarget: o.linesPerSec,
      // What the container really printed meanwhile (awk's pacing runs a little slow).
      linesPerSecProduced: round((printed1.n - printed0.n) / ((printed1.at - printed0.at) / 1000), 0),
      keyLatencyMs: { n: latencies.length, p50: round(pct(latencies, 50)), p95: round(pct(latencies, 95)), max: round(Math.max(...latencies)), samples: latencies.map((x) => round(x)) },
      cpuPercentOfOneCore: round(cpuPercent),
      peakRssMiB: round(peak),
      // Peak before the load was measured (build, deploy, first log burst), and RSS sampled during it.
      peakRssAtStartMiB: round(startPeak),
      rssDuringLoadMiB: { p50: round(pct(rss, 50)), max: round(Math.max(...rss)) },
      logView: { visibleLines: shown.length, gaps, newestShown, podNewest: printed1.n, lagLines: printed1.n - newestShown },
    };
  } finally {
    const socketPath = (await term.tmux('display-message', '-p', '#{socket_path}').catch(() => '')).trim();
    await term.tmux('kill-server').catch(() => undefined);
    if (socketPath) await rm(socketPath, { force: true });
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** For `npm run bench`: one run, its figures as metric rows with the issue's targets. */
export default {
  description: 'dashboard under 5,000 log lines/s (key → screen, CPU, peak RSS, log view tail)',
  async run({ kubeconfig }) {
    const r = await dashboardBench({ kubeconfig, durationSec: Number(process.env.DASHBOARD_BENCH_SECONDS ?? 60) });
    return [
      { metric: 'key press → screen', unit: 'ms', samples: r.keyLatencyMs.samples, target: { max: 200 }, note: `(p95 ${r.keyLatencyMs.p95} ms)` },
      { metric: 'devspace CPU', unit: '% of one core', value: r.cpuPercentOfOneCore, target: { max: 100 } },
      { metric: 'devspace peak RSS', unit: 'MiB', value: r.peakRssMiB, target: { max: 200 } },
      { metric: 'log view gaps in the newest lines', unit: 'gaps', value: r.logView.gaps, target: { max: 0 }, note: `(${r.logView.visibleLines} rows, ${r.logView.lagLines} lines behind the pod)` },
    ];
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const seconds = Number(process.argv[2] ?? 60);
  dashboardBench({ durationSec: seconds }).then(
    (r) => console.log(JSON.stringify({ ...r, keyLatencyMs: { ...r.keyLatencyMs, samples: undefined } }, null, 2)),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
