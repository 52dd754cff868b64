import type { BuiltImages } from '../build/types.js';
import type { EngineContext } from '../pipeline/dev-stages.js';
import type { Stage } from '../stage.js';
import { deployAll } from './deploy.js';
import type { DeployOutcome } from './types.js';

/**
 * The pipeline context as the deploy stage reads it: the build stage leaves
 * its references in `builtImages` (as `createBuildStage` does on its
 * context), and deploy leaves its outcome in `deployed` for later stages.
 */
export interface DeployStageContext extends EngineContext {
  builtImages?: BuiltImages;
  deployed?: DeployOutcome[];
}

/**
 * The `deploy` stage of `devspace dev`: every deployment, with the images
 * the build stage produced (or the newest cached builds when it did not
 * run), honouring `-d`. It leaves nothing running, so it has no teardown.
 */
export function createDeployStage(): Stage<EngineContext> {
  return {
    name: 'deploy',
    async run(ctx, signal) {
      const c = ctx as DeployStageContext;
      c.deployed = await deployAll({
        root: c.root,
        config: c.config,
        kube: c.kube,
        events: c.events,
        force: c.options.forceDeploy ?? false,
        signal,
        ...(c.builtImages ? { builtImages: c.builtImages } : {}),
      });
    },
  };
}
