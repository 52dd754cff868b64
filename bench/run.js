#!/usr/bin/env node
// `npm run bench [-- name... --runs N]`: runs each benchmark (warm-up first),
// prints a markdown table (median, p95, ratio to the baseline measured in the
// same run) and writes bench/results.json. Benchmarks that need the cluster
// bring up the test bed through testbed/testbed.sh when no kubeconfig is given.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './stats.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const REGISTRY = [
  ['cli-startup', './cli-startup.js', false],
  ['portforward', './portforward-bench.js', true],
  ['dev', './dev-bench.js', true],
  ['sync', './sync-bench.js', true],
  ['dashboard', './dashboard-bench.js', true],
  ['interrupt', './interrupt-bench.js', true],
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

/**
 * A benchmark module as `{ description, run({ runs, kubeconfig }) → metrics }`. Modules may instead export
 * a function named `run…Bench(opts)` resolving to summarized rows (`median`/`p95`/`n` or `value`, and
 * `baseline` + `baselineMedian`); those are adapted here.
 */
async function load(file, name) {
  const mod = await import(file);
  if (typeof mod.default?.run === 'function') return mod.default;
  const named = Object.entries(mod).find(([k, v]) => /^run\w*Bench$/.test(k) && typeof v === 'function');
  if (!named) throw new Error(`${file} exports neither a default { run } nor a run…Bench function`);
  return {
    description: `${name} (${named[0]})`,
    async run({ runs, kubeconfig }) {
      const rows = await named[1]({ runs, kubeconfig });
      return rows.map((r) => ({
        ...r,
        ...(typeof r.baseline === 'string' ? { baseline: { name: r.baseline, median: r.baselineMedian } } : {}),
      }));
    },
  };
}

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–');

/** One metric's summary: from raw samples, a pre-summarized median, or a single value. */
function stats(m) {
  if (m?.samples) return summarize(m.samples);
  if (m?.median !== undefined) return { median: m.median, p95: m.p95 ?? NaN, n: m.n ?? NaN };
  if (m?.value !== undefined) return { median: m.value, p95: NaN, n: 1 };
  return undefined;
}

function row(bench, m) {
  const s = stats(m);
  const b = m.baseline ? stats(m.baseline) : undefined;
  const ratio = b ? s.median / b.median : NaN;
  let verdict = '';
  const t = m.target ?? {};
  if (t.max !== undefined) verdict = s.median <= t.max ? `ok (≤ ${t.max})` : `BEHIND (target ≤ ${t.max})`;
  if (t.min !== undefined) verdict = s.median >= t.min ? `ok (≥ ${t.min})` : `BEHIND (target ≥ ${t.min})`;
  if (t.ratioMax !== undefined && b) verdict = ratio <= t.ratioMax ? `ok (ratio ≤ ${t.ratioMax})` : `BEHIND (ratio target ≤ ${t.ratioMax})`;
  if (t.ratioMin !== undefined && b) verdict = ratio >= t.ratioMin ? `ok (ratio ≥ ${t.ratioMin})` : `BEHIND (ratio target ≥ ${t.ratioMin})`;
  return {
    bench,
    metric: m.metric,
    unit: m.unit,
    n: s.n,
    median: s.median,
    p95: s.p95,
    baseline: m.baseline?.name,
    baselineMedian: b?.median,
    baselineP95: b?.p95,
    ratio,
    verdict,
    note: m.note,
  };
}

/** Rows of benchmarks not run this time are kept from the previous results (with their own date). */
function previousRows(skip) {
  try {
    const prev = JSON.parse(readFileSync(here('results.json'), 'utf8'));
    return (prev.rows ?? []).filter((r) => !skip.has(r.bench)).map((r) => ({ at: prev.at, ...r }));
  } catch {
    return [];
  }
}

const LOCK = path.join(os.tmpdir(), 'devspace-bench.lock');

/** Two runs at once would disturb each other's figures (and both write results.json): wait for the other. */
async function takeLock() {
  for (let waited = 0; ; waited++) {
    let holder;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
      process.kill(holder, 0);
    } catch {
      holder = undefined; // no lock, or its process is gone
    }
    if (!holder || holder === process.pid) break;
    if (waited % 12 === 0) process.stderr.write(`bench: waiting for the benchmark run of pid ${holder} to finish\n`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  writeFileSync(LOCK, String(process.pid));
  process.on('exit', () => {
    try {
      if (Number(readFileSync(LOCK, 'utf8')) === process.pid) rmSync(LOCK);
    } catch {
      // already gone
    }
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model?.trim(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main() {
  const { names, runs } = parseArgs(process.argv.slice(2));
  const unknown = names.filter((n) => !REGISTRY.some(([r]) => r === n));
  if (unknown.length) throw new Error(`unknown benchmark: ${unknown.join(', ')} (known: ${REGISTRY.map(([n]) => n).join(', ')})`);
  const chosen = names.length ? REGISTRY.filter(([n]) => names.includes(n)) : REGISTRY;
  await takeLock();
  const before = machine();
  const at = new Date().toISOString();
  process.stderr.write(`bench: ${before.cpus} × ${before.model}, ${before.memGiB} GiB, ${before.kernel}, Node ${before.node}, load ${before.loadavg.join(' ')}\n`);
  const rows = [];
  let kubeconfig;
  for (const [name, file, needsCluster] of chosen) {
    if (!existsSync(here(file))) {
      rows.push({ bench: name, metric: '(not built yet)', verdict: 'MISSING' });
      continue;
    }
    try {
      if (needsCluster) kubeconfig ??= ensureCluster();
      const mod = await load(file, name);
      process.stderr.write(`bench: ${name}: ${mod.description}\n`);
      const started = Date.now();
      for (const m of await mod.run({ runs, kubeconfig })) rows.push(row(name, m));
      process.stderr.write(`bench: ${name} took ${Math.round((Date.now() - started) / 1000)} s\n`);
    } catch (err) {
      rows.push({ bench: name, metric: '(failed)', verdict: `ERROR: ${err instanceof Error ? err.message.split('\n')[0] : err}` });
    }
  }
  const header = '| bench | metric | n | median | p95 | baseline | baseline median | ratio | verdict |\n|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) =>
    `| ${r.bench} | ${r.metric}${r.unit ? ` (${r.unit})` : ''} | ${r.n ?? ''} | ${fmt(r.median)} | ${fmt(r.p95)} | ${r.baseline ?? ''} | ${fmt(r.baselineMedian)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : ''} | ${r.verdict ?? ''}${r.note ? ` ${r.note}` : ''} |`,
  );
  console.log([header, ...lines].join('\n'));
  const after = machine();
  const ran = new Set(chosen.map(([n]) => n));
  const results = { at, machine: { ...before, loadavg: { before: before.loadavg, after: after.loadavg } }, runs, rows: [...rows, ...previousRows(ran)] };
  writeFileSync(here('results.json'), JSON.stringify(results, null, 2) + '\n');
  process.exitCode = rows.some((r) => String(r.verdict).startsWith('ERROR')) ? 1 : 0;
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
