import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImages } from '../../../src/engine/build/types.js';
import type { DevspaceConfig } from '../../../src/engine/config/index.js';
import { createDeployStage, type DeployStageContext } from '../../../src/engine/deploy/index.js';
import { createEngine } from '../../../src/engine/pipeline/engine.js';
import type { EngineContext } from '../../../src/engine/pipeline/dev-stages.js';
import type { Stage } from '../../../src/engine/stage.js';
import { tempProject } from '../../fixtures/deploy/project.js';
import { BASE_IMAGE, tempNamespace, testKubeConfig } from '../support/testbed.js';
import { recorder, testTarget } from './helpers.js';

// The deploy stage inside the dev pipeline: it reads the references the build
// stage left on the shared context and deploys with them.

const kc = testKubeConfig();
const [baseRepo, baseTag] = BASE_IMAGE.split(/:(?=[^:/]+$)/) as [string, string];
let ns: { name: string; dispose(): Promise<void> };
let project: Awaited<ReturnType<typeof tempProject>>;

beforeAll(async () => {
  ns = await tempNamespace(kc, 'e2e-deploy-stage');
  project = await tempProject();
});
afterAll(async () => {
  await ns?.dispose();
  await project?.dispose();
});

describe('createDeployStage', () => {
  it('deploys with the built references handed on through the context', async () => {
    const built: BuiltImages = {
      app: { key: 'app', image: baseRepo, tag: baseTag, ref: BASE_IMAGE, rebuilt: true, local: true, skipPush: false, createPullSecret: false, builder: 'docker' },
    };
    // Stands in for the build stage's hand-off only (it sets ctx.builtImages, as createBuildStage does).
    const handOff: Stage<EngineContext> = { name: 'build', run: async (ctx) => void ((ctx as DeployStageContext).builtImages = built) };
    const config: DevspaceConfig = {
      version: 'v1beta2',
      images: { app: { image: baseRepo } },
      deployments: [{ name: 'sleeper', component: { containers: [{ image: baseRepo, command: ['sleep', '100000'] }] } }],
    };
    const rec = recorder();
    const engine = createEngine({ root: project.root, config, kube: await testTarget(ns.name), events: rec.events, stages: [handOff, createDeployStage()] });
    await engine.start();
    await engine.stop();
    expect(rec.of('deploy:done')).toHaveLength(1);
    const pods = rec.of('deploy:rollout').at(-1)!;
    expect(pods).toMatchObject({ workload: 'Deployment/sleeper', ready: 1, desired: 1 });
    const apps = await import('@kubernetes/client-node').then((k) => kc.makeApiClient(k.AppsV1Api));
    const dep = await apps.readNamespacedDeployment({ name: 'sleeper', namespace: ns.name });
    expect(dep.spec!.template.spec!.containers[0]!.image).toBe(BASE_IMAGE);
  });
});
