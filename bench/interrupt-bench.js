import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { kubeConfig } from './cluster.js';

// Ctrl-C (SIGINT) to `devspace dev --no-tui` at each stage of its run, and
// the time until the process is gone: during the build (a `RUN sleep 30`
// step), the push (a loopback proxy in front of the registry that holds every
// connection), the deploy (a rollout waiting on a pod whose readiness never
// passes), the initial sync (2,000 files and 32 MiB not yet in the pod) and in
// steady state. Target: ≤ 2 s each.

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'bin', 'devspace.js');
const TARGET_MS = 2000;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A proxy that accepts connections and never passes them on: a push through it is in flight until cancelled. */
async function holdingProxy() {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get accepted() {
      return sockets.size;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Start `devspace dev`, wait until `ready(output)` is true, SIGINT it and time the exit. */
async function interruptAt(project, kubeconfig, namespace, ready, what) {
  const child = spawn(process.execPath, [bin, 'dev', '--no-tui', '-n', namespace], {
    cwd: project,
    env: { ...process.env, KUBECONFIG: kubeconfig, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const end = Date.now() + 300_000;
  while (!(await ready(out))) {
    if (child.exitCode !== null) throw new Error(`devspace dev exited ${child.exitCode} before ${what}:\n${out.slice(-2000)}`);
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`no ${what} within 300 s:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const started = process.hrtime.bigint();
  child.kill('SIGINT');
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(guard);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 130) throw new Error(`Ctrl-C during ${what} ended with exit code ${code}, not 130:\n${out.slice(-2000)}`);
  if (what === 'the initial sync' && /initial sync done/.test(out)) throw new Error('the initial sync finished before the Ctrl-C: nothing measured during it');
  return ms;
}

/** Run a shell snippet in the first pod of the example (to reset what the initial sync has to do). */
async function shInPod(kc, namespace, script) {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=quickstart' });
  const pod = pods.items.find((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
  if (!pod) return;
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  await new Promise((resolve, reject) => {
    new k8s.Exec(kc).exec(namespace, pod.metadata.name, 'container-0', ['sh', '-c', script], sink, sink, null, false, resolve).catch(reject);
  });
}

export default {
  name: 'interrupt',
  description: 'devspace dev --no-tui: SIGINT → process exit during build, push, deploy, initial sync and steady state',
  async run({ runs, kubeconfig }) {
    const kc = kubeConfig(kubeconfig);
    const project = await mkdtemp(path.join(tmpdir(), 'devspace-bench-int-'));
    const namespace = `bench-int-${process.pid}`;
    const image = `127.0.0.1:5000/bench-int-${process.pid}`;
    await cp(path.join(repo, 'examples', 'quickstart'), project, { recursive: true, filter: (s) => !s.includes('.devspace') });
    const port = await freePort();
    const cfgFile = path.join(project, 'devspace.yaml');
    const original = (await readFile(cfgFile, 'utf8'))
      .replace('    forward:\n    - port: 8080\n', `    forward:\n    - port: ${port}\n      remotePort: 8080\n`)
      .replaceAll('127.0.0.1:5000/quickstart', image);
    const setConfig = (edit = (t) => t) => writeFile(cfgFile, edit(original));
    const dockerfile = path.join(project, 'Dockerfile');
    const plainDockerfile = await readFile(dockerfile, 'utf8');
    const setStep = (step) => writeFile(dockerfile, step ? plainDockerfile.replace(/^EXPOSE /m, `${step}\nEXPOSE `) : plainDockerfile);
    const has = (re) => async (out) => re.test(out);
    await appendFile(path.join(project, '.dockerignore'), 'public/bulk\n');
    const samples = { build: [], push: [], deploy: [], initial: [], steady: [] };
    try {
      await setConfig();
      for (let i = 0; i < runs; i++) {
        // A new marker each time, so the slow step is never cached.
        const marker = `bench-int-${randomBytes(4).toString('hex')}`;
        await setStep(`RUN echo ${marker} && sleep 30`);
        samples.build.push(await interruptAt(project, kubeconfig, namespace, has(new RegExp(`RUN echo ${marker}[\\s\\S]*Running in`)), 'the build'));
      }
      await setStep(undefined);
      for (let i = 0; i < runs; i++) {
        const proxy = await holdingProxy();
        try {
          // A fixed, new tag: built at once (no registry question), then pushed through the proxy.
          const tag = `push-${randomBytes(4).toString('hex')}`;
          await setConfig((t) => t.replace(`    image: ${image}\n`, `    image: 127.0.0.1:${proxy.port}/bench-int-${process.pid}\n    tag: ${tag}\n`));
          const pushing = async (out) => /push\s+default\s+start/.test(out) && proxy.accepted > 0;
          samples.push.push(await interruptAt(project, kubeconfig, namespace, pushing, 'the push'));
        } finally {
          await proxy.close();
        }
      }
      const never = '    - readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}\n      image: ';
      await setConfig((t) => t.replace('    - image: ', never));
      for (let i = 0; i < runs; i++) {
        // The interrupted rollout leaves no deploy hash, so every run deploys and waits again.
        samples.deploy.push(await interruptAt(project, kubeconfig, namespace, has(/deploy quickstart\s+Deployment\/quickstart 0\/1 ready/), 'the deploy'));
      }
      await setConfig();
      const bulk = path.join(project, 'public', 'bulk');
      await mkdir(bulk, { recursive: true });
      for (let i = 0; i < 2000; i++) await writeFile(path.join(bulk, `f${i}.txt`), randomBytes(2048).toString('hex'));
      await writeFile(path.join(bulk, 'big.bin'), randomBytes(32 * 1024 * 1024));
      for (let i = 0; i < runs; i++) {
        await shInPod(kc, namespace, 'rm -rf /app/public/bulk').catch(() => undefined);
        samples.initial.push(await interruptAt(project, kubeconfig, namespace, has(/sync\s+\S+ → \S+:\/app\/public initial/), 'the initial sync'));
      }
      for (let i = 0; i < runs; i++) {
        const steady = async (out) => /sync\s+\S+ → \S+:\/app\/public watching/.test(out) && (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false));
        samples.steady.push(await interruptAt(project, kubeconfig, namespace, steady, 'steady state'));
      }
      const row = (metric, s, note) => ({ metric: `SIGINT → exit, ${metric}`, unit: 'ms', samples: s, target: { max: TARGET_MS }, ...(note ? { note } : {}) });
      return [
        row('during build (RUN sleep 30)', samples.build),
        row('during push (registry behind a holding proxy)', samples.push),
        row('during deploy (rollout waiting on readiness)', samples.deploy),
        row('during initial sync (2,000 files + 32 MiB)', samples.initial),
        row('in steady state (forward, sync, logs running)', samples.steady),
      ];
    } finally {
      await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
      await rm(project, { recursive: true, force: true });
      // The images built here, under the registry's name and the proxies' (the Engine is shared).
      const docker = new Docker();
      const images = await docker.listImages({ filters: { reference: [`*/bench-int-${process.pid}`] } }).catch(() => []);
      for (const img of images) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
    }
  },
};
