import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
const kcfg = '/work/main/testbed/kubeconfig';
async function child(protocol, port) {
  const c = spawn(process.execPath, ['bench/forward-child.js', kcfg, 'pfdbg-x1', 'web', protocol, String(port)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } });
  const line = await new Promise((r) => createInterface({ input: c.stdout }).once('line', r));
  return { c, port: JSON.parse(line)[0] };
}
const dl = (port) => new Promise((res, rej) => { const t0 = Date.now(); http.get({ host: '127.0.0.1', port, path: '/big', agent: false }, (r) => { let n = 0; r.on('data', (c) => n += c.length); r.on('end', () => res(n / 1048576 / ((Date.now() - t0) / 1000))); }).on('error', rej); });
const a = await child('auto', 8080), b = await child('channel', 8080);
await new Promise((r) => setTimeout(r, 1500));
const res = { auto: [], channel: [], kubectl: [] };
await dl(a.port); await dl(b.port); await dl(18080);
for (let i = 0; i < Number(process.env.N || 6); i++) { res.auto.push(await dl(a.port)); res.channel.push(await dl(b.port)); res.kubectl.push(await dl(18080)); }
const med = (x) => [...x].sort((m, n) => m - n)[x.length >> 1].toFixed(0);
console.log('MiB/s median auto', med(res.auto), 'channel', med(res.channel), 'kubectl', med(res.kubectl), JSON.stringify(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.map((x) => Math.round(x))]))));
a.c.kill(); b.c.kill();
