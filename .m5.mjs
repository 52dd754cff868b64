import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import { startPortForward } from './dist/engine/portforward/index.js';
const kc = new k8s.KubeConfig(); kc.loadFromFile('/work/main/testbed/kubeconfig');
const fwd = await startPortForward(kc, { target: { namespace: 'pfdbg-x1', pod: 'web' }, forward: [{ port: 0, remotePort: 8081 }] }, { protocol: process.env.PROTO || 'auto' });
const port = fwd.listeners[0].port;
async function run(prt, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out = []; let reused = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((res, rej) => { const req = http.get({ host: '127.0.0.1', port: prt, path: '/small', agent }, (r) => { if (req.reusedSocket) reused++; r.resume(); r.on('end', res); }); req.on('error', rej); });
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  return { out, reused };
}
await new Promise((r) => setTimeout(r, 1000));
await run(port, 50); await run(18081, 50);
const q = (x, p) => { const s = [...x].sort((m, n) => m - n); return s[Math.floor(p * (s.length - 1))].toFixed(2); };
for (let k = 0; k < 2; k++) {
  const a = await run(port, 1000), b = await run(18081, 1000);
  console.log('keepalive devspace p50', q(a.out, .5), 'p95', q(a.out, .95), 'reused', a.reused, '| kubectl p50', q(b.out, .5), 'p95', q(b.out, .95), 'reused', b.reused);
}
await fwd.close();
