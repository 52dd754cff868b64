import * as k8s from '@kubernetes/client-node';
import { SpdySession } from './dist/engine/kube/spdy-session.js';
const kc = new k8s.KubeConfig(); kc.loadFromFile('/work/main/testbed/kubeconfig');
const s = await SpdySession.open(kc, 'pfdbg-x1', 'web');
for (const port of ['8080', '9999']) {
  const ev = []; const t0 = Date.now(); const t = () => Date.now() - t0;
  const ids = { port, requestid: s.nextRequestId() };
  const e = s.openStream({ streamtype: 'error', ...ids }, { onData: (c) => ev.push(t() + ' error data'), onEnd: (r) => ev.push(t() + ' error end reset=' + r) }, true);
  const d = s.openStream({ streamtype: 'data', ...ids }, { onReply: () => { ev.push(t() + ' data reply'); d.write(Buffer.from('GET /small HTTP/1.0\r\n\r\n')); }, onData: (c) => ev.push(t() + ' data ' + c.length), onEnd: (r) => ev.push(t() + ' data end reset=' + r) });
  await new Promise((r) => setTimeout(r, 2000));
  console.log(port, ev);
  d.release(); e.release();
}
s.close();
