// Sync benchmark against the real test bed (run `npm run build` first; `npm run bench` does).
// Standalone: `node bench/sync-bench.js [--quick]`; from a harness: `import { runSyncBench } from './sync-bench.js'`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BASE_IMAGE = '127.0.0.1:5000/devspace-base:busybox';
const DEFAULT_KUBECTL = ['/var/lib/devspace-testbed/bin/localk8s', 'kubectl'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * Measure sync on the test bed and return the figures:
 * upload latency of a small-file save (p50/p95 of `saves` saves) vs one raw exec writing the same file,
 * download latency (p50/p95), initial sync of `files` files / `totalMb` MB vs `kubectl cp` (both directions),
 * bytes of a second start, and idle CPU of devspace and of the in-container side over `idleSeconds`.
 */
export async function runSyncBench(opts = {}) {
  const o = { saves: 100, downloads: 20, files: 10_000, totalMb: 100, idleSeconds: 60, log: (m) => process.stderr.write(`${m}\n`), ...opts };
  const kubeconfig = o.kubeconfig ?? process.env.DEVSPACE_TEST_KUBECONFIG ?? process.env.KUBECONFIG ?? path.join(ROOT, 'testbed/kubeconfig');
  const kubectl = o.kubectl ?? DEFAULT_KUBECTL;
  const { startSync } = await import('../dist/engine/sync/index.js');
  const { DevEngineEmitter } = await import('../dist/engine/events.js');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const ns = `bench-sync-${Math.random().toString(16).slice(2, 8)}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-bench-'));
  const results = { files: o.files, totalMb: o.totalMb };
  const handles = [];
  try {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (let i = 0; ; i++) {
      try {
        await core.readNamespacedServiceAccount({ name: 'default', namespace: ns });
        break;
      } catch {
        if (i > 120) throw new Error('namespace never got its default service account');
        await sleep(500);
      }
    }
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'bench', labels: { app: 'bench' } },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: BASE_IMAGE, command: ['sleep', '100000'], workingDir: '/app' }] },
      },
    });
    for (;;) {
      const pod = await core.readNamespacedPod({ name: 'bench', namespace: ns });
      if (pod.status?.containerStatuses?.[0]?.state?.running) break;
      await sleep(300);
    }
    const ref = { namespace: ns, pod: 'bench', container: 'main' };
    const exec = (script, input) => execIn(kc, ref, script, input);
    const target = { namespace: ns, pod: 'bench', container: 'main' };

    // 1) small-file save latency: local write → the container acknowledged the extracted tar.
    o.log('sync bench: small-file saves');
    const small = path.join(work, 'small');
    fs.mkdirSync(small);
    const ev = new DevEngineEmitter();
    const h1 = await startSync(kc, { id: 'bench', localPath: small, containerPath: '/app/small', target }, { events: ev });
    handles.push(h1);
    await h1.initialSync;
    const up = [];
    for (let i = 0; i < o.saves; i++) {
      const arrived = new Promise((resolve) => {
        const on = (b) => b.direction === 'up' && b.changed.includes('save.txt') && (ev.off('sync:batch', on), resolve());
        ev.on('sync:batch', on);
      });
      const t0 = performance.now();
      fs.writeFileSync(path.join(small, 'save.txt'), `save ${i} ${'x'.repeat(200)}\n`);
      await arrived;
      up.push(performance.now() - t0);
      await sleep(20);
    }
    const check = await exec('cat /app/small/save.txt');
    if (!check.out.startsWith(`save ${o.saves - 1} `)) throw new Error('the last save did not reach the container');
    const raw = [];
    for (let i = 0; i < o.saves; i++) {
      const t0 = performance.now();
      await exec('cat > /app/raw.txt', `raw ${i}\n`);
      raw.push(performance.now() - t0);
    }
    results.uploadSaveMs = { p50: round(pct(up, 50)), p95: round(pct(up, 95)), samples: up.length };
    results.rawExecWriteMs = { p50: round(pct(raw, 50)), p95: round(pct(raw, 95)), samples: raw.length };

    // 2) download latency: a shell already open in the container writes a file → it exists locally.
    o.log('sync bench: container writes');
    const writer = await openShell(kc, ref);
    const down = [];
    for (let i = 0; i < o.downloads; i++) {
      const file = path.join(small, `down-${i}.txt`);
      // A random phase, so samples do not lock onto the watcher's check interval.
      await sleep(Math.random() * 700);
      const t0 = performance.now();
      writer.send(`echo down ${i} > /app/small/down-${i}.txt\n`);
      while (!fs.existsSync(file)) await sleep(5);
      down.push(performance.now() - t0);
    }
    writer.close();
    results.downloadMs = { p50: round(pct(down, 50)), p95: round(pct(down, 95)), samples: down.length };
    await h1.stop();

    // 3) initial sync of a big tree, up and down, against kubectl cp.
    o.log(`sync bench: ${o.files} files / ${o.totalMb} MB`);
    const big = path.join(work, 'big');
    makeTree(big, o.files, o.totalMb);
    let t0 = performance.now();
    const h2 = await startSync(kc, { id: 'bench-big', localPath: big, containerPath: '/app/big', target }, { events: new DevEngineEmitter() });
    handles.push(h2);
    const first = await h2.initialSync;
    results.initialUpload = { ms: Math.round(performance.now() - t0), uploaded: first.uploaded, tarBytes: first.bytes };
    t0 = performance.now();
    await run([...kubectl, '--kubeconfig', kubeconfig, 'cp', big, `${ns}/bench:/app/kcp-up`, '-c', 'main']);
    results.kubectlCpUploadMs = Math.round(performance.now() - t0);

    // idle CPU on the 10k tree while h2 watches it
    o.log(`sync bench: idle CPU over ${o.idleSeconds} s`);
    await sleep(2000);
    const pids = (await exec("ps -o pid,args | grep 'devspace-sync' | grep -v grep | awk '{print $1}'")).out.trim().split(/\s+/).filter(Boolean);
    const ticks = async () => Number((await exec(`for p in ${pids.join(' ')}; do awk '{print $14+$15+$16+$17}' /proc/$p/stat; done | awk '{s+=$1} END {print s+0}'`)).out.trim());
    const c0 = await ticks();
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(o.idleSeconds * 1000);
    const wall = (performance.now() - w0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const c1 = await ticks();
    results.idleCpu = {
      seconds: round(wall, 0),
      devspacePercent: round(((cpu.user + cpu.system) / 1e6 / wall) * 100, 2),
      containerPercent: round(((c1 - c0) / 100 / wall) * 100, 2),
      containerProcesses: pids.length,
    };
    const pass = await exec('cd /app/big && time -p find . -newer /proc/1/cmdline > /dev/null 2>/tmp/t; cat /tmp/t; time -p find . -exec stat -c "%s %Y" {} + > /dev/null');
    results.oneWatchPass = pass.out.trim().replace(/\n/g, '; ');
    await h2.stop();

    // 4) second start with nothing changed
    const h3 = await startSync(kc, { id: 'bench-again', localPath: big, containerPath: '/app/big', target }, { events: new DevEngineEmitter() });
    handles.push(h3);
    const again = await h3.initialSync;
    results.secondStart = { ms: again.ms, uploaded: again.uploaded, downloaded: again.downloaded, tarBytes: again.bytes, listingBytes: again.listingBytes };
    await h3.stop();

    // 5) the same tree downloaded into an empty folder, against kubectl cp from the pod
    const back = path.join(work, 'back');
    t0 = performance.now();
    const h4 = await startSync(kc, { id: 'bench-down', localPath: back, containerPath: '/app/big', target }, { events: new DevEngineEmitter() });
    handles.push(h4);
    const fetched = await h4.initialSync;
    results.initialDownload = { ms: Math.round(performance.now() - t0), downloaded: fetched.downloaded, tarBytes: fetched.bytes };
    await h4.stop();
    t0 = performance.now();
    await run([...kubectl, '--kubeconfig', kubeconfig, 'cp', `${ns}/bench:/app/big`, path.join(work, 'kcp-down'), '-c', 'main']);
    results.kubectlCpDownloadMs = Math.round(performance.now() - t0);
    const n = fs.readdirSync(back, { recursive: true }).length;
    if (n < o.files) throw new Error(`only ${n} entries arrived locally`);
    return results;
  } finally {
    for (const h of handles) await h.stop().catch(() => undefined);
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
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
      .exec(ref.namespace, ref.pod, ref.container, ['sh', '-c', script], sink, sink, stdin, false, (s) => resolve({ out, status: s.status }))
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
