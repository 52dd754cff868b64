import * as k8s from '@kubernetes/client-node';
import { SpdySession } from './dist/engine/kube/spdy-session.js';
const kc = new k8s.KubeConfig(); kc.loadFromFile('/work/main/testbed/kubeconfig');
const s = await SpdySession.open(kc, 'pfdbg-x1', 'web', { onClose: (_, r) => console.log('closed', r) });
const t = () => Number(process.hrtime.bigint()) / 1e6;
const rep = [], resp = [], pipe = [];
for (let i = 0; i < 200; i++) {
  // sequential: wait for reply then send
  await new Promise((done) => {
    const rid = s.nextRequestId();
    const t0 = t(); let t1;
    const e = s.openStream({ streamtype: 'error', port: '8080', requestid: rid }, {}, true);
    const d = s.openStream({ streamtype: 'data', port: '8080', requestid: rid }, {
      onReply() { t1 = t(); rep.push(t1 - t0); d.write(Buffer.from('GET /small HTTP/1.0\r\n\r\n')); },
      onData() { if (t1) { resp.push(t() - t1); t1 = 0; d.release(); e.release(); done(); } },
    });
  });
  // pipelined: send data right after SYN
  await new Promise((done) => {
    const rid = s.nextRequestId();
    const t0 = t(); let got = false;
    const e = s.openStream({ streamtype: 'error', port: '8080', requestid: rid }, {}, true);
    const d = s.openStream({ streamtype: 'data', port: '8080', requestid: rid }, {
      onData() { if (!got) { got = true; pipe.push(t() - t0); d.release(); e.release(); done(); } },
    });
    s.sendData(d.id, Buffer.from('GET /small HTTP/1.0\r\n\r\n'));
  });
}
const q = (x, p) => { const a = [...x].sort((m, n) => m - n); return a[Math.floor(p * (a.length - 1))].toFixed(2); };
console.log('reply p50', q(rep, .5), 'then response p50', q(resp, .5), '| pipelined first byte p50', q(pipe, .5));
s.close();
