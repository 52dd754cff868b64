import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KUBECTL, kubeConfig, runPod, until, withNamespace } from './cluster.js';

// Port-forward throughput and latency, devspace's forward against
// `kubectl port-forward` to the same pod, measured in the same run and
// interleaved in blocks so a noisy machine hits both alike. Both forwards
// run as processes of their own, so the CPU each spends can be read too.

const MB = 1024 * 1024;
const BIG_MB = 200;
const KEEP_ALIVE = 2000;
const NEW_CONNECTIONS = 500;

// busybox httpd (8080) closes the connection after every reply, so keep-alive is measured against a
// tiny responder (8081) that answers every request on a connection and keeps it open.
const SCRIPT = `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1048576 count=${BIG_MB} 2>/dev/null && echo ok > /www/small
cat > /keepalive.sh <<'EOF'
#!/bin/sh
CR=$(printf '\\r')
while read -r line; do
  while read -r h; do case "$h" in "$CR"|"") break;; esac; done
  printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\n\\r\\nok\\n'
done
EOF
chmod +x /keepalive.sh
nc -ll -p 8081 -e /keepalive.sh &
exec httpd -f -p 8080 -h /www`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function download(port) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => {
        const s = Number(process.hrtime.bigint() - start) / 1e9;
        if (bytes !== BIG_MB * MB) reject(new Error(`got ${bytes} bytes`));
        else resolve(bytes / MB / s);
      });
    }).on('error', reject);
  });
}

/** `count` sequential GETs; with `keepAlive` they must all share one connection. */
async function requests(port, count, keepAlive) {
  const agent = new http.Agent({ keepAlive, maxSockets: 1 });
  const out = [];
  let reused = 0;
  try {
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      await new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/small', agent }, (res) => {
          if (req.reusedSocket) reused++;
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
      });
      out.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  if (keepAlive && reused < count - 1) throw new Error(`only ${reused} of ${count} keep-alive requests reused the connection`);
  return out;
}

/** Alternate blocks of `per` requests between the two ports until each has `count`. */
async function interleaved(ours, theirs, count, keepAlive, per) {
  const a = [];
  const b = [];
  while (a.length < count) {
    const n = Math.min(per, count - a.length);
    a.push(...(await requests(ours, n, keepAlive)));
    b.push(...(await requests(theirs, n, keepAlive)));
  }
  return [a, b];
}

async function kubectlForward(kubeconfig, namespace, pod, ports) {
  const child = spawn(KUBECTL, ['kubectl', '--kubeconfig', kubeconfig, '-n', namespace, 'port-forward', `pod/${pod}`, ...ports], { stdio: 'ignore' });
  return { pid: child.pid, stop: () => child.kill() };
}

/** devspace's forward in a child process; resolves with its local ports (one per remote port). */
async function devspaceForward(kubeconfig, namespace, pod, protocol, remotePorts) {
  const script = fileURLToPath(new URL('./forward-child.js', import.meta.url));
  const child = spawn(process.execPath, [script, kubeconfig, namespace, pod, protocol, ...remotePorts.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the forward exited ${code}`)));
  });
  return { pid: child.pid, ports: JSON.parse(line), stop: () => (child.kill('SIGTERM'), exited) };
}

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
}

/** Throughput of one download, and the CPU the forward process spent on it. */
async function measuredDownload(port, pid) {
  const cpu0 = cpuMs(pid);
  const mibps = await download(port);
  return { mibps, cpu: cpuMs(pid) - cpu0 };
}

export default {
  name: 'portforward',
  description: `${BIG_MB} MB download, ${KEEP_ALIVE} keep-alive and ${NEW_CONNECTIONS} new-connection requests, devspace vs kubectl port-forward`,
  async run({ runs, kubeconfig }) {
    const kc = kubeConfig(kubeconfig);
    return withNamespace(kc, 'bench-pf', async (namespace) => {
      await runPod(kc, namespace, 'web', SCRIPT, 8080);
      const ours = await devspaceForward(kubeconfig, namespace, 'web', 'auto', [8080, 8081]);
      // The per-connection WebSocket devspace falls back to on API servers that cannot tunnel SPDY.
      const fallback = await devspaceForward(kubeconfig, namespace, 'web', 'channel', [8080]);
      const [web, ka] = ours.ports;
      const [old] = fallback.ports;
      const kWeb = await freePort();
      const kKa = await freePort();
      const theirs = await kubectlForward(kubeconfig, namespace, 'web', [`${kWeb}:8080`, `${kKa}:8081`]);
      try {
        for (const p of [web, ka, old, kWeb, kKa]) await until(() => requests(p, 1, false), 30_000);
        const tput = { ours: [], theirs: [], oursCpu: [], theirsCpu: [] };
        await download(web); // warm-up both
        await download(kWeb);
        for (let i = 0; i < runs; i++) {
          const a = await measuredDownload(web, ours.pid);
          const b = await measuredDownload(kWeb, theirs.pid);
          tput.ours.push(a.mibps);
          tput.oursCpu.push(a.cpu);
          tput.theirs.push(b.mibps);
          tput.theirsCpu.push(b.cpu);
        }
        await interleaved(ka, kKa, 50, true, 50); // warm-up
        const [keepOurs, keepTheirs] = await interleaved(ka, kKa, KEEP_ALIVE, true, 250);
        await interleaved(web, kWeb, 20, false, 20);
        const [newOurs, newTheirs] = await interleaved(web, kWeb, NEW_CONNECTIONS, false, 100);
        await requests(old, 20, false);
        const newOld = await requests(old, NEW_CONNECTIONS, false);
        const kubectl = (samples) => ({ name: 'kubectl port-forward', samples });
        return [
          { metric: `${BIG_MB} MB download throughput`, unit: 'MiB/s', samples: tput.ours, baseline: kubectl(tput.theirs), target: { ratioMin: 1 } },
          { metric: `CPU time of the forward process per ${BIG_MB} MB download`, unit: 'ms', samples: tput.oursCpu, baseline: kubectl(tput.theirsCpu) },
          { metric: `${KEEP_ALIVE} keep-alive requests, latency`, unit: 'ms', samples: keepOurs, baseline: kubectl(keepTheirs), target: { ratioMax: 1 } },
          { metric: `${NEW_CONNECTIONS} new-connection requests, latency`, unit: 'ms', samples: newOurs, baseline: kubectl(newTheirs), target: { ratioMax: 1 } },
          {
            metric: `${NEW_CONNECTIONS} new-connection requests, latency, one WebSocket per connection`,
            unit: 'ms',
            samples: newOld,
            baseline: kubectl(newTheirs),
            note: '(the fallback for API servers without SPDY tunnelling, and what devspace did before)',
          },
        ];
      } finally {
        theirs.stop();
        await Promise.all([ours.stop(), fallback.stop()]);
      }
    });
  },
};
