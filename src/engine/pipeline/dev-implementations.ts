import type { BuildStageContext } from '../build/stages.js';
import type { TerminalStageOptions } from '../terminal/stage.js';
import type { Stage } from '../stage.js';
import type { EngineContext, StageImplementations } from './dev-stages.js';

/**
 * The real stages of `devspace dev`, adapted to the one pipeline context.
 * Subsystems are imported when their stage runs, so a project without
 * images never loads dockerode and `devspace --version` stays light.
 */

// Build and push share one context per run: push reads what build produced,
// and deploy reads `builtImages` back from the engine context.
const buildContexts = new WeakMap<EngineContext, BuildStageContext>();

async function buildContextFor(ctx: EngineContext, dev: boolean): Promise<BuildStageContext> {
  let b = buildContexts.get(ctx);
  if (!b) {
    const { specsFromConfig } = await import('../build/from-config.js');
    b = {
      events: ctx.events,
      projectRoot: ctx.root,
      images: specsFromConfig(dev ? ctx.config : { images: ctx.config.images }),
      dev,
      forceBuild: ctx.options.forceBuild ?? false,
      skipPush: ctx.options.skipPush ?? false,
    };
    buildContexts.set(ctx, b);
  }
  return b;
}

function lazyStage(name: string, load: () => Promise<Stage<EngineContext>>): Stage<EngineContext> {
  let stage: Promise<Stage<EngineContext>> | undefined;
  return {
    name,
    async run(ctx, signal) {
      stage ??= load();
      return (await stage).run(ctx, signal);
    },
  };
}

/** Stage implementations for `dev` (`dev: true`, overrides apply) or `deploy`-like runs. */
export function devImplementations(opts: { dev: boolean; terminal?: TerminalStageOptions }): StageImplementations {
  return {
    dependencies: {
      name: 'dependencies',
      async run(ctx, signal) {
        const { deployDependencies } = await import('../dependencies/index.js');
        const { forceBuild, forceDeploy, skipPush } = ctx.options;
        await deployDependencies(ctx.options.dependencies ?? [], { kube: ctx.kube, events: ctx.events, signal, forceBuild: !!forceBuild, forceDeploy: !!forceDeploy, skipPush: !!skipPush });
      },
    },
    build: {
      name: 'build',
      async run(ctx, signal) {
        const [{ createBuildStage }, { runHooks }] = await Promise.all([import('../build/stages.js'), import('../hooks.js')]);
        const b = await buildContextFor(ctx, opts.dev);
        await runHooks(ctx.config.hooks, { when: 'before', stage: 'images' }, { root: ctx.root, events: ctx.events, signal });
        await createBuildStage().run(b, signal);
        (ctx as EngineContext & Pick<BuildStageContext, 'builtImages'>).builtImages = b.builtImages;
        // Without a push stage, "after images" comes right after the build.
        if (ctx.options.skipPush) await runHooks(ctx.config.hooks, { when: 'after', stage: 'images' }, { root: ctx.root, events: ctx.events, signal });
      },
    },
    push: {
      name: 'push',
      async run(ctx, signal) {
        const [{ createPushStage }, { runHooks }] = await Promise.all([import('../build/stages.js'), import('../hooks.js')]);
        await createPushStage().run(await buildContextFor(ctx, opts.dev), signal);
        await runHooks(ctx.config.hooks, { when: 'after', stage: 'images' }, { root: ctx.root, events: ctx.events, signal });
      },
    },
    deploy: lazyStage('deploy', async () => (await import('../deploy/stage.js')).createDeployStage()),
    ports: lazyStage('ports', async () => (await import('../portforward/stage.js')).createPortsStage()),
    sync: lazyStage('sync', async () => (await import('../sync/stage.js')).createSyncStage()),
    logs: lazyStage('logs', async () => (await import('../logs/stage.js')).createLogsStage()),
    terminal: lazyStage('terminal', async () => (await import('../terminal/stage.js')).createTerminalStage(opts.terminal)),
  };
}
