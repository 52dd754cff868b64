import path from 'node:path';

/** A port a Dockerfile EXPOSEs. */
export interface ExposedPort {
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** What `init` needs from a Dockerfile: the final stage's ports and working directory. */
export interface DockerfileFacts {
  ports: ExposedPort[];
  /** Absolute WORKDIR of the final stage, when it could be worked out. */
  workdir?: string;
  /** Things skipped on purpose (variables, ranges), to tell the user. */
  notes: string[];
}

interface StageFacts {
  ports: ExposedPort[];
  workdir?: string;
}

/** Join `\`-continued lines and drop comments, as the Docker parser does. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // Comment lines vanish, even inside a continuation.
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * Read EXPOSE and WORKDIR of the final build stage. Values with variables
 * are skipped with a note rather than guessed; `FROM <earlier stage>`
 * inherits that stage's values, as Docker does.
 */
export function parseDockerfile(text: string): DockerfileFacts {
  const notes: string[] = [];
  const stages = new Map<string, StageFacts>();
  let stage: StageFacts = { ports: [] };
  for (const line of instructions(text)) {
    const [word = '', ...rest] = line.split(/\s+/);
    const keyword = word.toUpperCase();
    const args = rest.filter((a) => !a.startsWith('--')); // FROM --platform=..., etc.
    if (keyword === 'FROM') {
      const base = stages.get((args[0] ?? '').toLowerCase());
      stage = base ? { ports: [...base.ports], ...(base.workdir ? { workdir: base.workdir } : {}) } : { ports: [] };
      const asIdx = args.findIndex((a) => a.toUpperCase() === 'AS');
      const alias = asIdx >= 0 ? args[asIdx + 1] : undefined;
      if (alias) stages.set(alias.toLowerCase(), stage);
    } else if (keyword === 'WORKDIR') {
      const dir = rest.join(' ');
      if (dir.includes('$')) notes.push(`WORKDIR ${dir}: variables are not expanded; using /app for sync`);
      else stage.workdir = path.posix.resolve(stage.workdir ?? '/', dir.replace(/^["']|["']$/g, ''));
    } else if (keyword === 'EXPOSE') {
      for (const spec of args) addPort(stage.ports, spec, notes);
    }
  }
  return { ports: stage.ports, ...(stage.workdir ? { workdir: stage.workdir } : {}), notes };
}

function addPort(ports: ExposedPort[], spec: string, notes: string[]): void {
  const m = /^(\d+)(?:\/(tcp|udp))?$/i.exec(spec);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) {
    notes.push(`EXPOSE ${spec}: only plain port numbers are used; add it by hand if needed`);
    return;
  }
  const protocol = m[2]?.toUpperCase() === 'UDP' ? 'UDP' : 'TCP';
  if (!ports.some((p) => p.port === port && p.protocol === protocol)) ports.push({ port, protocol });
}

/** The patterns of a .dockerignore, without blanks and comments. */
export function parseDockerignore(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
