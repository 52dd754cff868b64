import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import { startPortForward } from './dist/engine/portforward/index.js';
const kc = new k8s.KubeConfig(); kc.loadFromFile('/work/main/testbed/kubeconfig');
const fwd = await startPortForward(kc, { target: { namespace: 'pfdbg-x1', pod: 'web' }, forward: [{ port: 0, remotePort: 8080 }] }, { protocol: process.env.PROTO || 'auto' });
const port = fwd.listeners[0].port;
const get = (prt) => new Promise((res, rej) => { const t0 = process.hrtime.bigint(); http.get({ host: '127.0.0.1', port: prt, path: '/small', agent: false }, (r) => { r.resume(); r.on('end', () => res(Number(process.hrtime.bigint() - t0) / 1e6)); }).on('error', rej); });
await new Promise((r) => setTimeout(r, 1000));
const a = [], b = [];
for (let i = 0; i < 300; i++) { a.push(await get(port)); b.push(await get(18080)); }
const q = (x, p) => { const s = [...x].sort((m, n) => m - n); return s[Math.floor(p * (s.length - 1))].toFixed(2); };
console.log('devspace p50', q(a, .5), 'p95', q(a, .95), '| kubectl p50', q(b, .5), 'p95', q(b, .95));
await fwd.close();
