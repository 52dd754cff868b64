import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderKustomizations } from '../../../src/engine/deploy/kustomize.js';
import { tempProject } from '../../fixtures/deploy/project.js';

// How kustomize entries become folders and errors; the rendering itself is kubectl's (see the e2e test).

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject({
    'kube/kustomization.yaml': 'resources: []\n',
    // Prints one object named after the folder it was asked to render, or fails like kubectl does.
    'fake-kubectl': '#!/bin/sh\n[ "$1" = kustomize ] || exit 9\ncase "$2" in *broken*) echo "error: accumulating resources: missing.yaml: no such file" >&2; exit 1;; esac\nprintf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: %s\\n" "$(basename "$2")"\n',
    'broken/kustomization.yaml': 'resources: [missing.yaml]\n',
  });
  await chmod(path.join(project.root, 'fake-kubectl'), 0o755);
});
afterEach(() => project.dispose());

const render = (manifests: string[], cmdPath = path.join(project.root, 'fake-kubectl')) =>
  renderKustomizations(project.root, { manifests, kustomize: true, cmdPath }, 'deployments[0].kubectl');

describe('kustomize entries', () => {
  it('takes a folder, a folder glob or the kustomization file itself (v3.5 trims it)', async () => {
    for (const entry of ['kube', 'kube/*', 'kube/kustomization.yaml', './kube/']) {
      const { objects, dirs } = await render([entry]);
      expect(dirs, entry).toEqual([path.join(project.root, 'kube')]);
      expect(objects.map((o) => `${o.source} ${o.object.metadata.name}`), entry).toEqual(['kustomize kube kube']);
    }
  });

  it('says which entry has no kustomization, with exit code 2', async () => {
    await expect(render(['kube', 'nothing-here'])).rejects.toMatchObject({ exitCode: 2, message: 'deployments[0].kubectl.manifests[1]: nothing-here has no kustomization.yaml' });
  });

  it("passes kustomize's own reason on in one line, with exit code 2", async () => {
    await expect(render(['broken'])).rejects.toMatchObject({ exitCode: 2, message: 'deployments[0].kubectl.manifests[0]: kustomize broken failed: accumulating resources: missing.yaml: no such file' });
  });

  it('says kubectl is needed when cmdPath does not exist, with exit code 1', async () => {
    await expect(render(['kube'], '/nonexistent/kubectl')).rejects.toMatchObject({
      exitCode: 1,
      message: 'deployments[0].kubectl.manifests[0]: kustomize deployments are rendered with `/nonexistent/kubectl kustomize`, and /nonexistent/kubectl was not found',
      hint: 'install kubectl or set kubectl.cmdPath',
    });
  });
});
