import { describe, expect, it } from 'vitest';
import { applyEntrypointOverride, parseDockerfile } from '../../../src/engine/build/dockerfile.js';
import { baseImagesOf } from '../../../src/engine/build/prepare.js';

/** The exec-form array of the instruction with `keyword`, as Docker's JSON parser would read it. */
function execForm(dockerfile: string, keyword: string, stage = -1): unknown[] {
  const stages = parseDockerfile(dockerfile).stages;
  const ins = stages.at(stage)?.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (!ins) throw new Error(`no ${keyword}`);
  return JSON.parse(ins.text.slice(keyword.length).trim()) as unknown[];
}

const MULTI = `# syntax comment
FROM golang:1.22 AS build
RUN go build \\
  -o /app .
CMD ["build"]

FROM alpine:3 as Runtime
COPY --from=build /app /app
CMD ["/app"]
`;

describe('applyEntrypointOverride', () => {
  it('appends ENTRYPOINT with the full array and an empty CMD to the final stage', () => {
    const out = applyEntrypointOverride(MULTI, ['npm', 'run', 'watch']);
    expect(out.split('\n').slice(-4)).toEqual(['CMD ["/app"]', 'ENTRYPOINT ["npm","run","watch"]', 'CMD []', '']);
    expect(execForm(out, 'ENTRYPOINT')).toEqual(['npm', 'run', 'watch']);
    expect(execForm(out, 'CMD')).toEqual([]);
    expect(parseDockerfile(out).stages[0]?.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('puts the override into the target stage (case-insensitive) when one is built', () => {
    const out = applyEntrypointOverride(MULTI, ['sleep', 'infinity'], 'BUILD');
    const [build, runtime] = parseDockerfile(out).stages;
    expect(build?.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'CMD']);
    expect(runtime?.instructions.map((i) => i.keyword)).toEqual(['FROM', 'COPY', 'CMD']);
    // Inserted after the last instruction of the stage, not inside its continuation.
    expect(out).toContain('CMD ["build"]\nENTRYPOINT ["sleep","infinity"]\nCMD []\n\nFROM alpine:3 as Runtime');
  });

  it('finds stage names written in any case and rejects unknown targets', () => {
    expect(() => applyEntrypointOverride(MULTI, ['x'], 'runtime')).not.toThrow();
    expect(() => applyEntrypointOverride(MULTI, ['x'], 'nope')).toThrow(/build target "nope" is not a stage/);
    expect(() => applyEntrypointOverride('# only a comment\n', ['x'])).toThrow(/no FROM/);
  });

  it('quotes quotes, spaces, backslashes, $ and unicode so Docker reads back the same strings', () => {
    const args = ['sh', '-c', 'echo "hi there" \'single\' $HOME \\ C:\\path\\ end\\', 'tab\there', 'line\nbreak', 'ünïcødé ✓ 日本', ''];
    const out = applyEntrypointOverride('FROM busybox\n', args);
    expect(execForm(out, 'ENTRYPOINT')).toEqual(args);
    // Still one physical line each, so no element can start a new instruction.
    expect(out.split('\n').filter((l) => l.startsWith('ENTRYPOINT'))).toHaveLength(1);
  });

  it('handles continuations at end of file, the escape directive and CRLF files', () => {
    const dangling = applyEntrypointOverride('FROM busybox\nRUN echo a \\', ['x']);
    expect(parseDockerfile(dangling).instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'ENTRYPOINT', 'CMD']);

    const backtick = '# escape=`\nFROM mcr/windows\nRUN dir `\n  c:\\\nFROM mcr/other AS final\n';
    const parsed = parseDockerfile(applyEntrypointOverride(backtick, ['a\\b']));
    expect(parsed.escape).toBe('`');
    expect(parsed.stages.map((s) => s.instructions.map((i) => i.keyword))).toEqual([['FROM', 'RUN'], ['FROM', 'ENTRYPOINT', 'CMD']]);

    const crlf = applyEntrypointOverride('FROM busybox\r\nCMD ["x"]\r\n', ['y']);
    expect(crlf).toBe('FROM busybox\r\nCMD ["x"]\r\nENTRYPOINT ["y"]\r\nCMD []\r\n');
  });
});

describe('parseDockerfile', () => {
  it('joins continuations and skips comments and blank lines inside them', () => {
    const { instructions } = parseDockerfile('FROM a\nRUN one \\\n  # comment\n\n  two\nCMD x\n');
    expect(instructions.map((i) => [i.keyword, i.text, i.startLine, i.endLine])).toEqual([
      ['FROM', 'FROM a', 0, 0],
      ['RUN', 'RUN one two', 1, 4],
      ['CMD', 'CMD x', 5, 5],
    ]);
  });

  it('lists pulled base images, not earlier stages, scratch or ARG images', () => {
    const text = 'ARG V=1\nFROM --platform=linux/amd64 reg:5000/a:1 AS one\nFROM one\nFROM scratch\nFROM busybox:$V\nFROM b\n';
    expect(baseImagesOf(text)).toEqual(['reg:5000/a:1', 'b']);
  });
});
