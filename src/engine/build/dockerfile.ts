import { UserError } from '../errors.js';

/** One logical Dockerfile instruction, which may span several physical lines. */
export interface Instruction {
  /** Upper-cased keyword, e.g. `RUN`. */
  keyword: string;
  /** Index of the first and last physical line (0-based). */
  startLine: number;
  endLine: number;
  /** The instruction text with continuations joined. */
  text: string;
}

/** One `FROM` block. */
export interface Stage {
  /** The `AS` name, lower-cased as Docker compares it; undefined when unnamed. */
  name?: string;
  index: number;
  instructions: Instruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/;

/** The escape character from a leading `# escape=` parser directive (`\` by default). */
export function escapeCharOf(lines: readonly string[]): string {
  for (const line of lines) {
    const m = DIRECTIVE.exec(line);
    if (!m) break;
    if (m[1]?.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/**
 * Split a Dockerfile into logical instructions and stages. Handles line
 * continuations (with the `escape` directive), comments and blank lines
 * inside continuations, the way the classic builder's parser does.
 */
export function parseDockerfile(text: string): { instructions: Instruction[]; stages: Stage[]; escape: string } {
  const lines = text.split(/\r?\n/);
  const escape = escapeCharOf(lines);
  const instructions: Instruction[] = [];
  let current: { start: number; parts: string[] } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = raw.replace(/\s+$/, '');
    const continues = body.endsWith(escape);
    const part = continues ? body.slice(0, -1) : body;
    if (!current) current = { start: i, parts: [] };
    current.parts.push(part.trim());
    if (!continues) {
      instructions.push(toInstruction(current.start, i, current.parts));
      current = undefined;
    }
  });
  // A continuation at end of file simply ends the instruction.
  if (current) instructions.push(toInstruction(current.start, lines.length - 1, current.parts));
  return { instructions, stages: groupStages(instructions), escape };
}

function toInstruction(start: number, end: number, parts: string[]): Instruction {
  const text = parts.join(' ').trim();
  const keyword = (text.split(/\s+/, 1)[0] ?? '').toUpperCase();
  return { keyword, startLine: start, endLine: end, text };
}

function groupStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.text.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w, i) => i > 1 && w.toLowerCase() === 'as');
      const name = asAt > 0 ? words[asAt + 1]?.toLowerCase() : undefined;
      stages.push({ index: stages.length, instructions: [ins], ...(name ? { name } : {}) });
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return stages;
}

/**
 * The instruction lines that replace an image's entrypoint. ENTRYPOINT gets
 * the whole array in exec form (each element JSON-quoted, so quotes, spaces,
 * backslashes and `$` survive verbatim); `CMD []` follows because an
 * ENTRYPOINT only drops an inherited CMD when the stage set no CMD of its
 * own, and a leftover CMD would be appended to the override as arguments.
 */
export function entrypointLines(entrypoint: readonly string[]): string[] {
  return [`ENTRYPOINT ${JSON.stringify(entrypoint)}`, 'CMD []'];
}

/**
 * Return a copy of `text` with the entrypoint override appended to the stage
 * that gets built: the `target` stage when one is set, else the last stage.
 */
export function applyEntrypointOverride(text: string, entrypoint: readonly string[], target?: string): string {
  const { stages, escape } = parseDockerfile(text);
  if (stages.length === 0) throw new UserError('the Dockerfile has no FROM instruction');
  let stage = stages.at(-1) as Stage;
  if (target) {
    const found = stages.find((s) => s.name === target.toLowerCase());
    if (!found) throw new UserError(`build target "${target}" is not a stage of the Dockerfile`);
    stage = found;
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const last = stage.instructions.at(-1) as Instruction;
  const endLine = lines[last.endLine] ?? '';
  // A dangling continuation at end of file would swallow the added lines.
  if (endLine.replace(/\s+$/, '').endsWith(escape)) lines[last.endLine] = endLine.replace(/\s+$/, '').slice(0, -1);
  lines.splice(last.endLine + 1, 0, ...entrypointLines(entrypoint));
  return lines.join(eol);
}

/** The words after an instruction's keyword: `--flags` first, then the arguments (JSON or shell form). */
function argumentsOf(ins: Instruction): { flags: string[]; args: string[] } {
  let rest = ins.text.slice(ins.keyword.length).trim();
  const flags: string[] = [];
  for (let m = /^(--\S+)\s*/.exec(rest); m; m = /^(--\S+)\s*/.exec(rest)) {
    flags.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed)) return { flags, args: parsed.map(String) };
    } catch {
      // Not valid JSON: Docker then reads it in shell form too.
    }
  }
  return { flags, args: rest.split(/\s+/).filter(Boolean) };
}

/**
 * The first COPY or ADD that reads from the build context: not `--from` another stage or image, and with
 * a source that is neither a URL nor a heredoc. An empty context makes such an instruction fail (or, for
 * `COPY . /app`, silently copy nothing).
 */
export function firstContextCopy(text: string): Instruction | undefined {
  return parseDockerfile(text).instructions.find((ins) => {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return false;
    const { flags, args } = argumentsOf(ins);
    if (flags.some((f) => f.toLowerCase().startsWith('--from'))) return false;
    return args.slice(0, -1).some((src) => !/^(https?:\/\/|git@|<<)/i.test(src));
  });
}
