import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { Explanation } from './explain-exit.js';
import { clip } from './text.js';

/** The registry host of an image reference, as containerd resolves it (`nginx` → `docker.io`). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** `repo:tag` without the registry, for "the registry has no …". */
function nameAndTag(image: string): string {
  const reg = registryOf(image);
  const rest = image.startsWith(`${reg}/`) ? image.slice(reg.length + 1) : image;
  return /[:@]/.test(rest.split('/').pop() ?? '') ? rest : `${rest}:latest`;
}

/** The useful part of a pull error: containerd's `rpc error: code = X desc =` wrapper removed. */
function pullDetail(message: string): string {
  return clip(message.replace(/^Back-off pulling image "[^"]*":\s*/, '').replace(/rpc error: code = \w+ desc = /g, ''), 300);
}

/**
 * Explain an image that cannot be pulled (ErrImagePull, ImagePullBackOff,
 * InvalidImageName…), telling apart a missing name/tag, a login problem and
 * an unreachable registry. `pullable` lists registries this cluster is known
 * to pull from, so the hint can say where images have to go.
 */
export function explainPull(image: string, reason: string, message: string, pullable: readonly string[]): Explanation {
  const reg = registryOf(image);
  const others = pullable.filter((r) => r !== reg);
  const pushThere = others.length
    ? `; this cluster pulls images from ${others.join(', ')}: push the image there (\`docker tag\`, \`docker push\`, or \`devspace build\`) and use that name`
    : '';
  const detail = message ? `: ${pullDetail(message)}` : '';
  if (reason === 'InvalidImageName') {
    return { why: `the image name "${image}" is not a valid reference${detail}`, hint: 'fix the image name: lowercase [registry/]name[:tag], no spaces or uppercase letters' };
  }
  if (reason === 'ErrImageNeverPull') {
    return { why: `the image ${image} is not on the node and imagePullPolicy is Never`, hint: 'set imagePullPolicy to IfNotPresent, or load the image onto the node first' };
  }
  if (/not found|manifest unknown|name unknown|NotFound/i.test(message)) {
    return {
      why: `the registry ${reg} has no image ${nameAndTag(image)}${detail}`,
      hint: `check the repository name and tag for typos, and that the image was pushed to ${reg}${pushThere || ' (`devspace build` pushes it)'}`,
    };
  }
  if (/unauthorized|authentication required|denied|forbidden|\b40[13]\b/i.test(message)) {
    return {
      why: `the registry ${reg} refused to hand out ${nameAndTag(image)} without valid credentials${detail}`,
      hint: `give the pod an imagePullSecret for ${reg} (kubectl create secret docker-registry …), or check that the repository name is right${pushThere}`,
    };
  }
  if (/no such host|connection refused|i\/o timeout|dial tcp|network is unreachable|x509|tls|server gave HTTP response|context deadline/i.test(message)) {
    return {
      why: `the cluster cannot reach the registry ${reg}${detail}`,
      hint: `the nodes need network access to ${reg} (DNS, proxy, firewall; HTTP registries must be configured as insecure)${pushThere}`,
    };
  }
  return { why: `the image ${image} cannot be pulled${detail}`, hint: `check the image name, the tag and that ${reg} is reachable from the nodes${pushThere}` };
}

/**
 * Explain CreateContainerConfigError: env/envFrom/volumes refer to a
 * ConfigMap, Secret or key that does not exist.
 */
export function explainConfigError(message: string, spec: V1Container | undefined, namespace: string): Explanation {
  const why = `it refers to configuration that does not exist: ${clip(message, 300)}`;
  const missing = /(secret|configmap)s? "([^"]+)" not found/i.exec(message);
  if (missing) {
    const kind = missing[1]!.toLowerCase() === 'secret' ? 'secret' : 'configmap';
    const name = missing[2]!;
    const keys = referencedKeys(spec, kind, name);
    const from = keys.length ? keys.map((k) => ` --from-literal=${k}=…`).join('') : ' --from-literal=KEY=…';
    const create = kind === 'secret' ? `kubectl create secret generic ${name} -n ${namespace}${from}` : `kubectl create configmap ${name} -n ${namespace}${from}`;
    return { why, hint: `create it (\`${create}\`), fix the name in env/envFrom, or mark the reference optional: true` };
  }
  const key = /couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)\/(\S+)/i.exec(message);
  if (key) {
    return { why, hint: `add the key ${key[1]} to ${key[2]} ${key[4]}, or fix the key name in the container's env` };
  }
  return { why, hint: 'check the ConfigMaps, Secrets and service account the container refers to' };
}

/** Keys a container reads from one secret/configmap, for a ready-to-run `kubectl create`. */
function referencedKeys(spec: V1Container | undefined, kind: 'secret' | 'configmap', name: string): string[] {
  const keys = new Set<string>();
  for (const e of spec?.env ?? []) {
    const ref = kind === 'secret' ? e.valueFrom?.secretKeyRef : e.valueFrom?.configMapKeyRef;
    if (ref?.name === name && ref.key) keys.add(ref.key);
  }
  return [...keys];
}

/** `HTTP GET :8080/healthz`, `TCP :5432`, `exec "cat /ready"`: what the probe does. */
export function describeProbe(p: V1Probe | undefined): string {
  if (!p) return 'the probe';
  if (p.httpGet) return `HTTP GET :${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  if (p.tcpSocket) return `TCP :${p.tcpSocket.port}`;
  if (p.grpc) return `gRPC :${p.grpc.port}`;
  if (p.exec?.command) return `exec \`${clip(p.exec.command.join(' '), 60)}\``;
  return 'the probe';
}

/** Explain a readiness probe that keeps failing, from its latest failure message. */
export function explainReadiness(probe: V1Probe | undefined, failure: string | undefined): string {
  const what = describeProbe(probe);
  const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
  if (failure && /connection refused|connect: no route/i.test(failure)) {
    return `nothing accepts connections on port ${port ?? '?'}: make the app listen there on 0.0.0.0 (not 127.0.0.1), or point the probe (${what}) at the port it uses`;
  }
  if (failure && /statuscode: (\d+)/i.test(failure)) {
    const status = /statuscode: (\d+)/i.exec(failure)![1];
    return `the app answers ${what} with HTTP ${status}: fix that endpoint, or the probe's path`;
  }
  if (failure && /timeout|deadline exceeded/i.test(failure)) {
    return `the app answers ${what} too slowly: make the check cheaper or raise timeoutSeconds`;
  }
  return `the check (${what}) keeps failing: run it by hand in the container (\`devspace enter\`) to see why, or fix the probe`;
}

/** The scheduler's verdict without the preemption boilerplate it appends. */
export function schedulerMessage(message: string): string {
  return clip(message.replace(/\s*(no new claims to deallocate,\s*)?preemption:.*$/s, '').trim(), 400);
}

function requested(pod: V1Pod, resource: 'cpu' | 'memory'): string {
  const per = (pod.spec?.containers ?? []).map((c) => c.resources?.requests?.[resource]).filter((v): v is string => Boolean(v));
  return per.length ? ` (it requests ${per.join(' + ')}${resource === 'cpu' ? ' CPU' : ''})` : '';
}

/** What to change when the scheduler cannot place a pod, read from its message. */
export function explainUnschedulable(pod: V1Pod, message: string): string {
  if (/Insufficient cpu/i.test(message)) {
    return `no node has enough free CPU for the pod${requested(pod, 'cpu')}: lower resources.requests.cpu, or free up or add nodes`;
  }
  if (/Insufficient memory/i.test(message)) {
    return `no node has enough free memory for the pod${requested(pod, 'memory')}: lower resources.requests.memory, or free up or add nodes`;
  }
  if (/node affinity\/selector|node\(s\) didn't match/i.test(message)) {
    const sel = Object.entries(pod.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
    return `no node has the labels the pod asks for${sel.length ? ` (nodeSelector ${sel.join(', ')})` : ''}: fix the nodeSelector/affinity, or label a node`;
  }
  if (/taint/i.test(message)) return 'the nodes have taints the pod does not tolerate: add a matching toleration, or run it on other nodes';
  if (/PersistentVolumeClaim|volume node affinity|persistentvolume/i.test(message)) {
    return 'a PersistentVolumeClaim of the pod is missing or not bound: check that it exists and that its StorageClass can provision it';
  }
  if (/free ports/i.test(message)) return 'the hostPort the pod asks for is taken on every node: drop hostPort, or use another port';
  if (/anti-affinity/i.test(message)) return 'the pod anti-affinity rules leave no node: relax them or add nodes';
  if (/unschedulable/i.test(message)) return 'the nodes are cordoned (unschedulable): uncordon a node or add one';
  if (/SchedulingGated|scheduling gate/i.test(message)) return 'the pod has schedulingGates that nobody removed yet';
  return "compare the pod's resources, nodeSelector, affinity and tolerations with the nodes (`kubectl describe nodes`)";
}
