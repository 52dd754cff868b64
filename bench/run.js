#!/usr/bin/env node
// `npm run bench [-- name... --runs N]`: runs each benchmark (warm-up first),
// prints a markdown table (median, p95, ratio to the baseline measured in the
// same run) and writes bench/results.json. Benchmarks that need the cluster
// bring up the test bed through testbed/testbed.sh when no kubeconfig is given.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { summarize } from './stats.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const REGISTRY = [
  ['cli-startup', './cli-startup.js', false],
  ['portforward', './portforward-bench.js', true],
  ['dev', './dev-bench.js', true],
  ['sync', './sync-bench.js', true],
  ['dashboard', './dashboard-bench.js', true],
];

function parseArgs(argv) {
  const names = [];
  let runs = 5;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else names.push(argv[i]);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  return { names, runs };
}

function ensureCluster() {
  if (process.env.DEVSPACE_TEST_KUBECONFIG) return process.env.DEVSPACE_TEST_KUBECONFIG;
  execFileSync('bash', [here('../testbed/testbed.sh'), 'up'], { stdio: 'inherit' });
  return here('../testbed/kubeconfig');
}

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–');

function row(bench, m) {
  const s = m.samples ? summarize(m.samples) : { median: m.value, p95: NaN, n: 1 };
  const b = m.baseline?.samples ? summarize(m.baseline.samples) : m.baseline ? { median: m.baseline.value } : undefined;
  const ratio = b ? s.median / b.median : NaN;
  let verdict = '';
  if (m.target?.max !== undefined) verdict = s.median <= m.target.max ? `ok (≤ ${m.target.max})` : `BEHIND (target ≤ ${m.target.max})`;
  if (m.target?.min !== undefined) verdict = s.median >= m.target.min ? `ok (≥ ${m.target.min})` : `BEHIND (target ≥ ${m.target.min})`;
  if (m.target?.ratioMax !== undefined && b) verdict = ratio <= m.target.ratioMax ? `ok (ratio ≤ ${m.target.ratioMax})` : `BEHIND (ratio target ≤ ${m.target.ratioMax})`;
  if (m.target?.ratioMin !== undefined && b) verdict = ratio >= m.target.ratioMin ? `ok (ratio ≥ ${m.target.ratioMin})` : `BEHIND (ratio target ≥ ${m.target.ratioMin})`;
  return { bench, metric: m.metric, unit: m.unit, n: s.n, median: s.median, p95: s.p95, baseline: m.baseline?.name, baselineMedian: b?.median, ratio, verdict, note: m.note };
}

async function main() {
  const { names, runs } = parseArgs(process.argv.slice(2));
  const chosen = names.length ? REGISTRY.filter(([n]) => names.includes(n)) : REGISTRY;
  const unknown = names.filter((n) => !REGISTRY.some(([r]) => r === n));
  if (unknown.length) throw new Error(`unknown benchmark: ${unknown.join(', ')} (known: ${REGISTRY.map(([n]) => n).join(', ')})`);
  const rows = [];
  let kubeconfig;
  for (const [name, file, needsCluster] of chosen) {
    if (!existsSync(here(file))) {
      rows.push({ bench: name, metric: '(not built yet)', verdict: 'MISSING' });
      continue;
    }
    if (needsCluster) kubeconfig ??= ensureCluster();
    const mod = (await import(file)).default;
    process.stderr.write(`bench: ${name}: ${mod.description}\n`);
    try {
      for (const m of await mod.run({ runs, kubeconfig })) rows.push(row(name, m));
    } catch (err) {
      rows.push({ bench: name, metric: '(failed)', verdict: `ERROR: ${err instanceof Error ? err.message : err}` });
    }
  }
  const header = '| bench | metric | median | p95 | baseline | baseline median | ratio | verdict |\n|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) =>
    `| ${r.bench} | ${r.metric}${r.unit ? ` (${r.unit})` : ''} | ${fmt(r.median)} | ${fmt(r.p95)} | ${r.baseline ?? ''} | ${fmt(r.baselineMedian)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : ''} | ${r.verdict ?? ''}${r.note ? ` ${r.note}` : ''} |`,
  );
  console.log([header, ...lines].join('\n'));
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() };
  writeFileSync(here('results.json'), JSON.stringify({ at: new Date().toISOString(), machine, runs, rows }, null, 2) + '\n');
  process.exitCode = rows.some((r) => String(r.verdict).startsWith('ERROR')) ? 1 : 0;
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
