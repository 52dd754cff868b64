// devspace's port forward in a process of its own, as `devspace dev` runs it (the benchmark's HTTP
// client must not share its event loop): `node forward-child.js KUBECONFIG NAMESPACE POD PROTOCOL PORT...`
// prints the local ports as one JSON line and forwards until SIGTERM.
import { startPortForward } from '../dist/engine/portforward/index.js';
import { kubeConfig } from './cluster.js';

const [kubeconfig, namespace, pod, protocol, ...ports] = process.argv.slice(2);
const ctl = new AbortController();
const fwd = await startPortForward(
  kubeConfig(kubeconfig),
  { target: { namespace, pod }, forward: ports.map((p) => ({ port: 0, remotePort: Number(p) })) },
  { signal: ctl.signal, protocol, onWarning: (w) => process.stderr.write(`forward: ${w}\n`) },
);
process.stdout.write(`${JSON.stringify(fwd.listeners.map((l) => l.port))}\n`);
process.on('SIGTERM', () => {
  ctl.abort();
  void fwd.close().then(() => process.exit(0));
});
