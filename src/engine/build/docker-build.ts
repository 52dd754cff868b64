import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { isAbortError, UserError } from '../errors.js';
import type { DevEngineEmitter } from '../events.js';
import type { ContextPlan } from './context.js';
import { engineMessage, engineUnreachable, followStream, type DockerStreamEvent } from './docker-client.js';
import { packContext } from './pack-context.js';
import { scrubSecrets } from '../secrets.js';
import { formatBytes, LineBatcher, LineSplitter, parseStep, ProgressThrottle } from './progress.js';
import type { DockerBuildOptions } from './types.js';

/** Lines of the failing step kept for `build:failed`. */
const FAILED_OUTPUT_LINES = 200;

export interface DockerBuildRequest {
  docker: Docker;
  events: DevEngineEmitter;
  /** Image key, used in events and messages. */
  key: string;
  ref: string;
  plan: ContextPlan;
  options?: DockerBuildOptions;
  /** `X-Registry-Config` for pulling private base images. */
  registryConfig?: Record<string, { username?: string; password?: string; serveraddress?: string }>;
  signal?: AbortSignal;
}

/** Shorten an instruction for a one-line message. */
export function shortInstruction(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Build one image with the classic builder, reporting steps, batched log
 * lines and layer pulls. `forcerm` matters: with only `rm`, a failing RUN
 * leaves its container behind. Resolves with the new image id.
 */
export async function dockerBuild(req: DockerBuildRequest): Promise<{ imageId?: string }> {
  const { docker, events, key, ref, plan, signal } = req;
  const started = Date.now();
  const batcher = new LineBatcher((lines) => events.send('build:log', { image: key, lines }));
  const splitter = new LineSplitter();
  const pulls = new ProgressThrottle(1000);
  let step: { step: number; total: number; instruction: string } | undefined;
  let stepOutput: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;

  const onLines = (lines: string[]): void => {
    for (const line of lines) {
      const parsed = parseStep(line);
      if (parsed) {
        batcher.flush();
        step = parsed;
        stepOutput = [];
        events.send('build:step', { image: key, ...parsed, elapsedMs: Date.now() - started });
      } else {
        stepOutput.push(line);
        if (stepOutput.length > FAILED_OUTPUT_LINES) stepOutput.shift();
      }
      batcher.add(line);
    }
  };
  const onEvent = (e: DockerStreamEvent): void => {
    if (e.stream !== undefined) onLines(splitter.push(e.stream));
    if (e.aux?.ID) imageId = e.aux.ID;
    if (e.status) {
      const layer = e.id ?? '';
      const { current, total } = e.progressDetail ?? {};
      if (pulls.pass(layer, e.status)) {
        const bytes = current && total ? ` ${formatBytes(current)}/${formatBytes(total)}` : '';
        batcher.add(layer ? `${layer}: ${e.status}${bytes}` : e.status);
      }
    }
    if (e.error || e.errorDetail) failure = e.errorDetail?.message ?? e.error ?? 'unknown error';
  };

  try {
    const stream = await docker.buildImage(packContext(plan, signal) as unknown as NodeJS.ReadableStream, {
      t: ref,
      dockerfile: plan.dockerfile,
      rm: true,
      forcerm: true,
      version: '1',
      ...(req.options?.target ? { target: req.options.target } : {}),
      ...(req.options?.network ? { networkmode: req.options.network } : {}),
      ...(req.options?.buildArgs ? { buildargs: req.options.buildArgs } : {}),
      ...(req.registryConfig && Object.keys(req.registryConfig).length
        ? { registryconfig: req.registryConfig as Docker.RegistryConfig }
        : {}),
      ...(signal ? { abortSignal: signal } : {}),
    });
    await followStream(docker, stream as unknown as Readable, onEvent, signal);
  } catch (err) {
    batcher.flush();
    if (isAbortError(err) || signal?.aborted) throw err;
    const unreachable = engineUnreachable(docker, err);
    if (unreachable) throw unreachable;
    failure = engineMessage(err);
  }
  onLines(splitter.flush());
  batcher.flush();
  if (failure !== undefined) {
    const where = step ? ` at step ${step.step}/${step.total} (${shortInstruction(step.instruction)})` : '';
    // A registry refusing a base image may echo the credentials the Engine sent it.
    const reason = scrubSecrets(failure.split('\n')[0]?.trim() ?? failure);
    events.send('build:failed', {
      image: key,
      ...(step ? { step: step.step, instruction: step.instruction } : {}),
      message: reason,
      output: stepOutput,
    });
    throw new UserError(`build of image "${key}" failed${where}: ${reason}`);
  }
  if (!imageId) imageId = (await docker.getImage(ref).inspect()).Id;
  return { imageId };
}
