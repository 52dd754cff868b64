import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { startPortForward } from '../dist/engine/portforward/index.js';
import { KUBECTL, kubeConfig, runPod, until, withNamespace } from './cluster.js';

// Port-forward throughput and latency, devspace's forward against
// `kubectl port-forward` to the same pod, measured in the same run.

const MB = 1024 * 1024;
const BIG_MB = 200;

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

async function requests(port, count, keepAlive) {
  const agent = new http.Agent({ keepAlive, maxSockets: 1 });
  const out = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/small', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  agent.destroy();
  return out;
}

async function kubectlForward(kubeconfig, namespace, pod, port) {
  const child = spawn(KUBECTL, ['kubectl', '--kubeconfig', kubeconfig, '-n', namespace, 'port-forward', `pod/${pod}`, `${port}:8080`], { stdio: 'ignore' });
  await until(() => requests(port, 1, false), 30_000);
  return () => child.kill();
}

export default {
  name: 'portforward',
  description: `${BIG_MB} MB download and small-request latency, devspace vs kubectl port-forward`,
  async run({ runs, kubeconfig }) {
    const kc = kubeConfig(kubeconfig);
    return withNamespace(kc, 'bench-pf', async (namespace) => {
      const script = `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1048576 count=${BIG_MB} 2>/dev/null && echo ok > /www/small && exec httpd -f -p 8080 -h /www`;
      await runPod(kc, namespace, 'web', script, 8080);
      const ours = await freePort();
      const ctl = new AbortController();
      const handle = await startPortForward(kc, { target: { namespace, pod: 'web' }, forward: [{ port: ours, remotePort: 8080 }] }, { signal: ctl.signal });
      const theirs = await freePort();
      const stopKubectl = await kubectlForward(kubeconfig, namespace, 'web', theirs);
      try {
        await until(() => requests(ours, 1, false), 30_000);
        const tput = { ours: [], theirs: [] };
        await download(ours); // warm-up both
        await download(theirs);
        for (let i = 0; i < runs; i++) {
          // Alternate so drift on a noisy machine hits both alike.
          tput.ours.push(await download(ours));
          tput.theirs.push(await download(theirs));
        }
        await requests(ours, 50, true);
        await requests(theirs, 50, true);
        const keepOurs = await requests(ours, 2000, true);
        const keepTheirs = await requests(theirs, 2000, true);
        const newOurs = await requests(ours, 500, false);
        const newTheirs = await requests(theirs, 500, false);
        return [
          { metric: `${BIG_MB} MB download throughput`, unit: 'MiB/s', samples: tput.ours, baseline: { name: 'kubectl port-forward', samples: tput.theirs }, target: { ratioMin: 1 } },
          { metric: '2000 keep-alive requests, latency', unit: 'ms', samples: keepOurs, baseline: { name: 'kubectl port-forward', samples: keepTheirs }, target: { ratioMax: 1 } },
          { metric: '500 new-connection requests, latency', unit: 'ms', samples: newOurs, baseline: { name: 'kubectl port-forward', samples: newTheirs }, target: { ratioMax: 1 } },
        ];
      } finally {
        stopKubectl();
        await handle.close();
        ctl.abort();
      }
    });
  },
};
