import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { DevEngineEmitter, type EngineEvent } from '../../../src/engine/events.js';
import { dockerBuild } from '../../../src/engine/build/docker-build.js';

/** A dockerode client whose buildImage replays recorded Engine messages, cut into awkward fragments. */
function fakeDocker(messages: object[]): Docker {
  const docker = new Docker({ socketPath: '/nonexistent.sock' });
  const text = messages.map((m) => JSON.stringify(m)).join('\r\n') + '\r\n';
  const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
  docker.buildImage = (async (ctx: NodeJS.ReadableStream) => {
    (ctx as unknown as Readable).resume();
    return Readable.from(chunks.map((c) => Buffer.from(c)));
  }) as unknown as Docker['buildImage'];
  return docker;
}

function record(): { events: DevEngineEmitter; seen: EngineEvent[] } {
  const events = new DevEngineEmitter();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return { events, seen };
}

const plan = { contextDir: '/tmp', entries: [], dockerfile: 'Dockerfile' };

describe('dockerBuild over a recorded Engine stream', () => {
  it('reports steps, whole log lines, pulls and the image id', async () => {
    const { events, seen } = record();
    const docker = fakeDocker([
      { stream: 'Step 1/2 : FROM 127.0.0.1:5000/base' },
      { stream: '\n' },
      { status: 'Pulling from base', id: 'latest' },
      { status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 2048 } },
      { status: 'Downloading', id: 'abc', progressDetail: { current: 20, total: 2048 } },
      { stream: ' ---> 5bc2\nStep 2/2 : RUN echo hi\n ---> Running in 1f\nhi' },
      { stream: '\n' },
      { aux: { ID: 'sha256:feed' } },
      { stream: 'Successfully built feed\n' },
    ]);
    const out = await dockerBuild({ docker, events, key: 'api', ref: 'r/api:1', plan });
    expect(out.imageId).toBe('sha256:feed');
    const steps = seen.filter((e) => e.type === 'build:step').map((e) => e.payload);
    expect(steps.map((s) => [s.step, s.total, s.instruction])).toEqual([
      [1, 2, 'FROM 127.0.0.1:5000/base'],
      [2, 2, 'RUN echo hi'],
    ]);
    const lines = seen.flatMap((e) => (e.type === 'build:log' ? e.payload.lines : []));
    expect(lines).toEqual([
      'Step 1/2 : FROM 127.0.0.1:5000/base',
      'latest: Pulling from base',
      'abc: Downloading 10B/2.0kB',
      ' ---> 5bc2',
      'Step 2/2 : RUN echo hi',
      ' ---> Running in 1f',
      'hi',
      'Successfully built feed',
    ]);
  });

  it('fails with the step, its output and a one-line UserError when the stream carries an error', async () => {
    const { events, seen } = record();
    const docker = fakeDocker([
      { stream: 'Step 1/3 : FROM base\n ---> 1\nStep 2/3 : COPY . .\n ---> 2\n' },
      { stream: 'Step 3/3 : RUN make\n ---> Running in 9\n' },
      { stream: 'make: *** No rule to make target.  Stop.\n' },
      { errorDetail: { code: 2, message: "The command '/bin/sh -c make' returned a non-zero code: 2" }, error: "The command '/bin/sh -c make' returned a non-zero code: 2" },
    ]);
    const err = await dockerBuild({ docker, events, key: 'api', ref: 'r/api:1', plan }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(1);
    expect((err as UserError).message).toBe(
      `build of image "api" failed at step 3/3 (RUN make): The command '/bin/sh -c make' returned a non-zero code: 2`,
    );
    const failed = seen.find((e) => e.type === 'build:failed')?.payload;
    expect(failed).toEqual({
      image: 'api',
      step: 3,
      instruction: 'RUN make',
      message: "The command '/bin/sh -c make' returned a non-zero code: 2",
      output: [' ---> Running in 9', 'make: *** No rule to make target.  Stop.'],
    });
    // Every log line arrives before the failure event.
    expect(seen.findIndex((e) => e.type === 'build:failed')).toBe(seen.length - 1);
  });

  it('turns an Engine HTTP error into the same kind of message', async () => {
    const { events } = record();
    const docker = new Docker({ socketPath: '/nonexistent.sock' });
    docker.buildImage = (async () => {
      throw Object.assign(new Error('(HTTP code 400) unexpected'), { statusCode: 400, json: { message: 'dockerfile parse error line 2: unknown instruction: RUNN' } });
    }) as unknown as Docker['buildImage'];
    await expect(dockerBuild({ docker, events, key: 'api', ref: 'r:1', plan })).rejects.toThrow(
      'build of image "api" failed: dockerfile parse error line 2: unknown instruction: RUNN',
    );
  });

  it('says the Engine is unreachable instead of printing a socket error', async () => {
    const { events } = record();
    const docker = new Docker({ socketPath: '/nonexistent.sock' });
    const err = await dockerBuild({ docker, events, key: 'api', ref: 'r:1', plan }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('the Docker Engine is not reachable at unix:///nonexistent.sock (no such socket)');
  });
});
