import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sample } from './stats.js';

const bin = fileURLToPath(new URL('../bin/devspace.js', import.meta.url));

function timeCommand(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CLI start-up: `devspace --version` and `--help`, against bare `node -e 0` as the floor. */
export default {
  name: 'cli-startup',
  description: 'devspace --version / --help wall time; baseline: node -e 0',
  async run({ runs }) {
    const n = Math.max(runs, 20);
    const floor = await sample(async () => timeCommand(['-e', '0']), { runs: n, warmup: 3 });
    const version = await sample(async () => timeCommand([bin, '--version']), { runs: n, warmup: 3 });
    const help = await sample(async () => timeCommand([bin, '--help']), { runs: n, warmup: 3 });
    return [
      { metric: 'devspace --version', unit: 'ms', samples: version, baseline: { name: 'node -e 0', samples: floor }, target: { max: 200 } },
      { metric: 'devspace --help', unit: 'ms', samples: help, baseline: { name: 'node -e 0', samples: floor }, target: { max: 200 } },
    ];
  },
};
