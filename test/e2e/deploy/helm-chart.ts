import { existsSync } from 'node:fs';
import path from 'node:path';
import { HELM_DIR } from '../support/testbed.js';

// A small chart for the Helm end-to-end tests: a Deployment running `image` and a Service in front of it.

/** The test bed's helm; throws with the reason when `testbed.sh up` could not build it. */
export function helm(): string {
  const bin = path.join(HELM_DIR, 'helm');
  if (!existsSync(bin)) throw new Error(`no helm at ${bin}: testbed.sh up builds it (see /var/lib/devspace-testbed/logs/helm-build.log)`);
  return bin;
}

/** The chart's own values.yaml. */
export const chartValues = (image: string, replicas: number): string => `image: ${image}\nreplicas: ${replicas}\nmessage: from-the-chart\n`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: {{ .Values.image | quote }}
        env: [{name: MESSAGE, value: {{ .Values.message | quote }}}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: {{ .Release.Name }}}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: 8080}]
`;

/** The chart's files under `dir`, for tempProject. */
export function chartFiles(dir: string, image: string, replicas: number): Record<string, string> {
  return {
    [`${dir}/Chart.yaml`]: 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
    [`${dir}/values.yaml`]: chartValues(image, replicas),
    [`${dir}/templates/deployment.yaml`]: DEPLOYMENT,
    [`${dir}/templates/service.yaml`]: SERVICE,
  };
}
