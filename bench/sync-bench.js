import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { startSync } from '../dist/engine/sync/index.js';
import { DevEngineEmitter } from '../dist/engine/events.js';
import { KUBECTL, kubeConfig, runPod, withNamespace } from './cluster.js';
import { summarize } from './stats.js';

// File sync on the test bed: save latency vs one exec per write, container → local latency,
// initial sync of a 10,000-file / 100 MB tree vs `kubectl cp` (both directions, alternated so
// drift on a noisy machine hits both alike), bytes of a second start, and idle CPU on both sides.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const POD = 'sync';

export default {
  name: 'sync',
  description: 'file sync: save and download latency, 10k-file initial sync vs kubectl cp, second start, idle CPU',
  async run({ runs, kubeconfig, files = 10_000, totalMb = 100, saves = 100, downloads = 20, idleSeconds = 60, log = (m) => process.stderr.write(`${m}\n`) }) {
    const kc = kubeConfig(kubeconfig);
    return withNamespace(kc, 'bench-sync', async (namespace) => {
      await runPod(kc, namespace, POD, 'mkdir -p /app && exec sleep 100000');
      const ref = { namespace, pod: POD, container: 'main' };
      const target = { namespace, pod: POD, container: 'main' };
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-bench-'));
      const exec = (script, input) => execIn(kc, ref, script, input);
      const open = async (id, localPath, containerPath, events = new DevEngineEmitter()) => {
        // Problems are printed, so a figure is never silently based on a partial sync.
        events.on('engine:warning', (w) => log(`sync bench: warning from ${id}: ${w.message}`));
        events.on('sync:state', (st) => st.error && log(`sync bench: ${id} ${st.state}: ${st.error}`));
        const handle = await startSync(kc, { id, localPath, containerPath, target }, { events });
        return { handle, summary: await handle.initialSync };
      };
      try {
        // 1) A small save, from the write to the container's acknowledgement of the extracted tar.
        log('sync bench: small-file saves');
        const small = path.join(work, 'small');
        fs.mkdirSync(small);
        const events = new DevEngineEmitter();
        const { handle } = await open('bench', small, '/app/small', events);
        const save = [];
        for (let i = 0; i < saves; i++) {
          const arrived = new Promise((resolve) => {
            const on = (b) => b.direction === 'up' && b.changed.includes('save.txt') && (events.off('sync:batch', on), resolve());
            events.on('sync:batch', on);
          });
          const t0 = performance.now();
          fs.writeFileSync(path.join(small, 'save.txt'), `save ${i} ${'x'.repeat(200)}\n`);
          await arrived;
          save.push(performance.now() - t0);
          await sleep(20);
        }
        if (!(await exec('cat /app/small/save.txt')).startsWith(`save ${saves - 1} `)) throw new Error('the last save did not reach the container');
        const raw = [];
        for (let i = 0; i < saves; i++) {
          const t0 = performance.now();
          await exec('cat > /app/raw.txt', `raw ${i}\n`);
          raw.push(performance.now() - t0);
        }

        // 2) A write by a shell already open in the container, until the file exists locally.
        log('sync bench: container writes');
        const writer = await openShell(kc, ref);
        const down = [];
        for (let i = 0; i < downloads; i++) {
          const file = path.join(small, `down-${i}.txt`);
          await sleep(Math.random() * 700); // a random phase, so samples do not lock onto the check interval
          const t0 = performance.now();
          writer.send(`echo down ${i} > /app/small/down-${i}.txt\n`);
          while (!fs.existsSync(file)) await sleep(5);
          down.push(performance.now() - t0);
        }
        writer.close();
        await handle.stop();

        // 3) Initial sync of a big tree, up and down, alternating with kubectl cp.
        log(`sync bench: ${files} files / ${totalMb} MB, ${runs} run(s)`);
        const big = path.join(work, 'big');
        makeTree(big, files, totalMb);
        const up = { ours: [], theirs: [] };
        const back = { ours: [], theirs: [] };
        let last;
        for (let r = 0; r < runs; r++) {
          let t0 = performance.now();
          const u = await open(`up-${r}`, big, `/app/up-${r}`);
          up.ours.push(performance.now() - t0);
          const there = Number((await exec(`find /app/up-${r} -type f | wc -l`)).trim());
          if (there !== files) throw new Error(`${there} of ${files} files reached the container`);
          await u.handle.stop();
          t0 = performance.now();
          await run([KUBECTL, 'kubectl', '--kubeconfig', kubeconfig, 'cp', big, `${namespace}/${POD}:/app/kcp-up-${r}`, '-c', 'main']);
          up.theirs.push(performance.now() - t0);
          const into = path.join(work, `down-${r}`);
          t0 = performance.now();
          const d = await open(`down-${r}`, into, '/app/up-0');
          back.ours.push(performance.now() - t0);
          const here = fs.readdirSync(into, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
          if (here !== files) throw new Error(`${here} of ${files} files arrived locally`);
          await d.handle.stop();
          fs.rmSync(into, { recursive: true, force: true });
          t0 = performance.now();
          await run([KUBECTL, 'kubectl', '--kubeconfig', kubeconfig, 'cp', `${namespace}/${POD}:/app/up-0`, path.join(work, `kcp-down-${r}`), '-c', 'main']);
          back.theirs.push(performance.now() - t0);
          fs.rmSync(path.join(work, `kcp-down-${r}`), { recursive: true, force: true });
          last = u.summary;
        }

        // 4) Second start on the synced tree, and idle CPU while it watches 10k files.
        const again = await open('again', big, '/app/up-0');
        log(`sync bench: idle CPU over ${idleSeconds} s`);
        await sleep(2000);
        const pids = (await exec("ps -o pid,args | grep 'devspace-sync' | grep -v grep | awk '{print $1}'")).trim().split(/\s+/).filter(Boolean);
        const ticks = async () => Number((await exec(`for p in ${pids.join(' ')}; do awk '{print $14+$15+$16+$17}' /proc/$p/stat; done | awk '{s+=$1} END {print s+0}'`)).trim());
        const c0 = await ticks();
        const cpu0 = process.cpuUsage();
        const w0 = performance.now();
        await sleep(idleSeconds * 1000);
        const wall = (performance.now() - w0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const containerPct = ((((await ticks()) - c0) / 100) / wall) * 100; // USER_HZ is 100 on Linux
        const devspacePct = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
        await again.handle.stop();

        const s = again.summary;
        return [
          { metric: 'small-file save → in the container', unit: 'ms', samples: save, baseline: { name: 'one new exec writing it', samples: raw }, target: { max: 100 } },
          { metric: 'container write → local file', unit: 'ms', samples: down, target: { max: 2000 } },
          { metric: `initial sync up, ${files} files / ${totalMb} MB`, unit: 'ms', samples: up.ours, baseline: { name: 'kubectl cp', samples: up.theirs }, note: `(${last?.uploaded} entries, ${mb(last?.bytes)} MB of tar)` },
          { metric: `initial sync down into an empty folder, ${files} files`, unit: 'ms', samples: back.ours, baseline: { name: 'kubectl cp', samples: back.theirs } },
          { metric: 'second start, nothing changed: file content moved', unit: 'bytes', value: s.bytes, target: { max: 0 }, note: `(listing ${s.listingBytes} bytes gzip, ${s.ms} ms)` },
          { metric: `idle CPU of devspace, ${files} files, ${idleSeconds} s`, unit: '% of a core', value: devspacePct },
          { metric: `idle CPU in the container, ${files} files, ${idleSeconds} s`, unit: '% of a core', value: containerPct, target: { max: 10 }, note: '(v3.5 helper: 30–50 %, devspace#910)' },
        ];
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  },
};

/** The figures as plain JSON (for `node bench/sync-bench.js` and other harnesses). */
export async function runSyncBench(opts = {}) {
  const kubeconfig = opts.kubeconfig ?? process.env.DEVSPACE_TEST_KUBECONFIG ?? fileURLToPath(new URL('../testbed/kubeconfig', import.meta.url));
  const rows = await (await import('./sync-bench.js')).default.run({ runs: 1, ...opts, kubeconfig });
  const r = (n) => Math.round(n * 10) / 10;
  return rows.map((m) => {
    const s = m.samples ? summarize(m.samples) : undefined;
    const b = m.baseline?.samples ? summarize(m.baseline.samples) : undefined;
    return { metric: m.metric, unit: m.unit, ...(s ? { median: r(s.median), p95: r(s.p95), n: s.n } : { value: r(m.value) }), ...(b ? { baseline: m.baseline.name, baselineMedian: r(b.median), baselineP95: r(b.p95) } : {}), ...(m.note ? { note: m.note } : {}) };
  });
}

/** `files` files of equal size adding up to `totalMb`, 100 per folder. */
function makeTree(dir, files, totalMb) {
  const size = Math.floor((totalMb * 1024 * 1024) / files);
  const chunk = Buffer.alloc(size);
  for (let i = 0; i < files; i++) {
    if (i % 100 === 0) fs.mkdirSync(path.join(dir, `d${i / 100}`), { recursive: true });
    chunk.write(`file ${i} `, 0);
    for (let j = 16; j < size; j += 4096) chunk[j] = (i + j) & 0xff;
    fs.writeFileSync(path.join(dir, `d${Math.floor(i / 100)}`, `f${i}.txt`), chunk);
  }
}

const mb = (n) => (n / 1048576).toFixed(0);

function run(cmd) {
  return new Promise((resolve, reject) =>
    execFile(cmd[0], cmd.slice(1), { maxBuffer: 16 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
  );
}

function execIn(kc, ref, script, input) {
  return new Promise((resolve, reject) => {
    let out = '';
    const sink = new Writable({ write(c, _e, cb) { out += c; cb(); } });
    const stdin = input === undefined ? null : new PassThrough();
    new k8s.Exec(kc)
      .exec(ref.namespace, ref.pod, ref.container, ['sh', '-c', script], sink, sink, stdin, false, () => resolve(out))
      .then(() => stdin?.end(input))
      .catch(reject);
  });
}

async function openShell(kc, ref) {
  const stdin = new PassThrough();
  const ws = await new k8s.Exec(kc).exec(ref.namespace, ref.pod, ref.container, ['sh'], null, null, stdin, false);
  return { send: (line) => stdin.write(line), close: () => (stdin.end(), ws.close()) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const quick = process.argv.includes('--quick');
  runSyncBench(quick ? { saves: 20, downloads: 5, files: 1000, totalMb: 10, idleSeconds: 10 } : {})
    .then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'))
    .catch((err) => {
      process.stderr.write(`sync bench failed: ${err.message}\n`);
      process.exit(1);
    });
}
