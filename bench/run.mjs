#!/usr/bin/env node
// `npm run bench`: start-up, the 1,000-module apps, memory and per-call cost of wrapt-hooks on
// every Node line given, against the goals and against dd-trace and OpenTelemetry; then the
// probes (bench/lib/probes/). Writes bench/results/<date>-<label>.json and renders
// bench/RESULTS.md from it (bench/render.mjs). The variables are listed in bench/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeApps, HEAVY_MODULES, TARGETS, LOADED, REAL_PACKAGES } from './lib/fixtures.mjs';
import { comparePair, compareRounds, runOnce } from './lib/measure.mjs';
import { BENCH, BENCH_MODULES, CHILD_ENV, ROOT, WORK, alias, cmd, log, nodeList, record, truthy } from './lib/context.mjs';
import { loadProbes, makeContext, runProbes } from './lib/probe-runner.mjs';
import { profile } from './lib/profile.mjs';
import { renderFile } from './render.mjs';

const env = process.env;
const QUICK = truthy(env.WRAPT_BENCH_QUICK);
const PAIRS = Number(env.WRAPT_BENCH_PAIRS || (QUICK ? 5 : 21));
const WARMUP = QUICK ? 1 : 3;
const COMPARE_PAIRS = QUICK ? PAIRS : Math.max(11, Math.ceil(PAIRS / 2));
const PROFILE_RUNS = QUICK ? 1 : 5;
const SECTIONS = ['goals', 'versus', 'compare', 'probes', 'profile', 'micro'];
const ONLY = new Set(
  (env.WRAPT_BENCH_ONLY || SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const PROBES = env.WRAPT_BENCH_PROBES ? new Set(env.WRAPT_BENCH_PROBES.split(',').map((s) => s.trim())) : undefined;
const BASELINE = env.WRAPT_BENCH_BASELINE ? path.resolve(env.WRAPT_BENCH_BASELINE) : undefined;
const RESULTS = QUICK ? path.join(WORK, 'results') : path.join(BENCH, 'results');

function ensureBenchDependencies() {
  if (truthy(env.WRAPT_BENCH_SKIP_INSTALL)) return;
  const stamp = path.join(BENCH_MODULES, '.package-lock.json');
  const lock = path.join(BENCH, 'package-lock.json');
  const present = ['shimmer', ...REAL_PACKAGES].every((name) => existsSync(path.join(BENCH_MODULES, name)));
  if (existsSync(stamp) && existsSync(lock) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs && present) return;
  log("installing the benchmark dependencies into bench/node_modules (dd-trace, OpenTelemetry, shimmer, require-in-the-middle, the real app's packages)...");
  const args = ['ci', '--no-audit', '--no-fund', '--loglevel=error'];
  const result = spawnSync('npm', args, { cwd: BENCH, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm ci in bench/ failed (exit ${result.status}); run it by hand to see why, or set WRAPT_BENCH_SKIP_INSTALL=1`);
}

/**
 * The benchmark measures working preloads: the heavy apps must have pg and redis patched, the real
 * app fastify (and, there, whichever builtins its packages load: their patches do nothing).
 */
function sanity(node, apps, what) {
  const check = (dir, args, applied, name, mustApply = []) => {
    const r = runOnce(cmd(node, dir, args, { WRAPT_HOOKS_DEBUG: '1' }));
    const m = /summary(?: for pid \d+ \([^\n]*?\))?: (\d+) applied, (\d+) failed/.exec(r.stderr);
    const missing = mustApply.filter((target) => !new RegExp(`^wrapt-hooks: +applied ${target}(@\\S+)? `, 'm').test(r.stderr));
    if (!m || (applied !== undefined && Number(m[1]) !== applied) || Number(m[2]) !== 0 || missing.length)
      throw new Error(
        `${node.label}, ${what}: ${name}: expected ${applied ?? 'some'} patches applied${missing.length ? ` (${missing.join(', ')} among them)` : ''} and none failed, got: ${m ? m[0] : 'no summary'}\n${r.stderr.slice(0, 3000)}`,
      );
  };
  check(apps.startup, ['-r', 'wrapt-hooks/register', 'app.js'], 0, 'start-up app (CommonJS)');
  check(apps.startup, ['--import', 'wrapt-hooks/register', 'app.mjs'], 0, 'start-up app (ESM)');
  check(apps.cjsHeavy, ['-r', 'wrapt-hooks/register', 'app.js'], 2, 'require-heavy app');
  check(apps.esmHeavy, ['--import', 'wrapt-hooks/register', 'app.mjs'], 2, 'import-heavy app');
  if (apps.real) {
    check(apps.real, ['-r', 'wrapt-hooks/register', 'app.js'], undefined, 'real-package app (CommonJS)', ['fastify']);
    check(apps.real, ['--import', 'wrapt-hooks/register', 'app.mjs'], undefined, 'real-package app (ES imports)', ['fastify']);
  }
}

/** The goal scenarios: [id, app, preload args, entry, bare args]. */
const SCENARIOS = [
  ['cjs-startup', 'startup', ['-r', 'wrapt-hooks/register'], 'app.js', []],
  ['esm-startup', 'startup', ['--import', 'wrapt-hooks/register'], 'app.mjs', []],
  ['esm-vs-empty-loader', 'startup', ['--import', 'wrapt-hooks/register'], 'app.mjs', ['--import', './empty-register.mjs']],
  ['cjs-heavy', 'cjsHeavy', ['-r', 'wrapt-hooks/register'], 'app.js', []],
  ['esm-heavy', 'esmHeavy', ['--import', 'wrapt-hooks/register'], 'app.mjs', []],
  ['real-cjs', 'real', ['-r', 'wrapt-hooks/register'], 'app.js', []],
  ['real-esm', 'real', ['--import', 'wrapt-hooks/register'], 'app.mjs', []],
];

function goals(node, apps) {
  return SCENARIOS.map(([id, app, args, entry, bare]) => {
    if (!apps[app]) return { id, missing: `${REAL_PACKAGES.join(', ')} not installed in bench/node_modules` };
    log(`${node.label}: ${id}`);
    const a = cmd(node, apps[app], [...args, entry]);
    const b = cmd(node, apps[app], [...bare, entry]);
    return { id, a: record(a), b: record(b), ...comparePair(a, b, { pairs: PAIRS, warmup: WARMUP }) };
  });
}

/**
 * The same scenarios with the baseline tree's preload and this tree's, in the same rounds as the
 * bare app: bare, before, after, rotating. Each tree has its own copy of the apps (node_modules/
 * wrapt-hooks links to it), so both are reached as `wrapt-hooks/register`, as users reach them.
 */
function versus(node, apps, baselineApps) {
  const wanted = env.WRAPT_BENCH_VERSUS ? env.WRAPT_BENCH_VERSUS.split(',').map((s) => s.trim()) : ['cjs-startup', 'esm-startup', 'cjs-heavy', 'esm-heavy'];
  return SCENARIOS.filter(([id, app]) => wanted.includes(id) && apps[app] && baselineApps[app]).map(([id, app, args, entry]) => {
    log(`${node.label}: before/after ${id}`);
    const heavy = app !== 'startup';
    const cmds = [cmd(node, apps[app], [entry]), cmd(node, baselineApps[app], [...args, entry]), cmd(node, apps[app], [...args, entry])];
    const r = compareRounds(cmds, { rounds: heavy ? Math.ceil(PAIRS / 2) : PAIRS, warmup: heavy ? 1 : WARMUP });
    return {
      id,
      rounds: r.rounds,
      commands: cmds.map(record),
      bareMs: r.each[0].ms,
      beforeMs: r.each[1].ms,
      afterMs: r.each[2].ms,
      beforeRssKiB: r.each[1].rssKiB,
      afterRssKiB: r.each[2].rssKiB,
      bareRssKiB: r.each[0].rssKiB,
      before: r.pair(1, 0),
      after: r.pair(2, 0),
      afterVsBefore: r.pair(2, 1),
    };
  });
}

function comparisons(node, apps) {
  const peers = [
    ['dd-trace', 'dd-trace', ['-r', 'dd-trace/init', 'app.js']],
    ['opentelemetry', '@opentelemetry/auto-instrumentations-node', ['--require', '@opentelemetry/auto-instrumentations-node/register', 'app.js']],
  ];
  return peers.map(([id, pkg, args]) => {
    if (!existsSync(path.join(apps.startup, 'node_modules', pkg))) return { id, missing: `${pkg} is not installed in bench/node_modules` };
    log(`${node.label}: compare ${id}`);
    const a = cmd(node, apps.startup, args);
    const b = cmd(node, apps.startup, ['app.js']);
    return { id, a: record(a), b: record(b), ...comparePair(a, b, { pairs: COMPARE_PAIRS, warmup: 2 }) };
  });
}

function micro(node) {
  const rows = [];
  const microEnv = { ...CHILD_ENV, ...(QUICK ? { WRAPT_BENCH_MICRO_PAIRS: '5', WRAPT_BENCH_MICRO_ITER: '300000' } : {}) };
  for (const shape of ['exports', 'method', 'plain', 'poly']) {
    log(`${node.label}: micro ${shape}`);
    const r = spawnSync(node.bin, [path.join(BENCH, 'lib', 'micro.mjs'), shape, ROOT, BENCH_MODULES], { env: microEnv, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${node.label}: microbenchmark ${shape} failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  return rows;
}

function pkgVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function gitState(dir) {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    const subject = execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dir, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src', 'scripts', 'register.js', 'register.mjs', 'package.json'], {
        cwd: dir,
        encoding: 'utf8',
      }).trim() !== '';
    return { commit, subject: subject.length > 120 ? `${subject.slice(0, 117)}…` : subject, dirty };
  } catch {
    return { commit: 'unknown', subject: '', dirty: false };
  }
}

async function main() {
  const started = new Date();
  const loadStart = os.loadavg()[0];
  if (!existsSync(path.join(ROOT, 'dist', 'preload.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does it first)');
  if (BASELINE && !existsSync(path.join(BASELINE, 'register.js')))
    throw new Error(`WRAPT_BENCH_BASELINE=${BASELINE}: no register.js there (a built checkout of wrapt-hooks?)`);
  ensureBenchDependencies();
  const nodes = nodeList();
  const git = gitState(ROOT); // at the start: the tree that was built and is measured
  const baseline = BASELINE ? { ...gitState(BASELINE), label: env.WRAPT_BENCH_BASELINE_LABEL || 'before' } : undefined;
  if (BASELINE) alias(BASELINE, `<${baseline.label}: ${baseline.commit}>`);
  log(`Node lines: ${nodes.map((n) => `v${n.version}`).join(', ')}; ${QUICK ? 'QUICK, ' : ''}${PAIRS} pairs; sections: ${[...ONLY].join(', ')}`);
  mkdirSync(WORK, { recursive: true });
  const apps = makeApps({ work: path.join(WORK, 'apps'), root: ROOT, benchModules: BENCH_MODULES });
  const baselineApps =
    BASELINE && ONLY.has('versus') ? makeApps({ work: path.join(WORK, 'apps-baseline'), root: BASELINE, benchModules: BENCH_MODULES }) : undefined;
  const probes = ONLY.has('probes') ? await loadProbes(PROBES) : [];
  const data = {};
  const cpus = os.cpus();
  const label = (env.WRAPT_BENCH_LABEL || `${git.commit}${git.dirty ? '-dirty' : ''}`).replace(/[^\w.-]+/g, '-');
  const resultNow = (finished, partial) => ({
    format: 1,
    label,
    quick: QUICK,
    started: started.toISOString(),
    finished: finished.toISOString(),
    settings: { pairs: PAIRS, warmup: WARMUP, comparePairs: COMPARE_PAIRS, profileRuns: PROFILE_RUNS, sections: [...ONLY] },
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
      kernel: `${os.type()} ${os.release()} ${os.arch()}`,
      loadStart,
      loadEnd: os.loadavg()[0],
    },
    software: {
      wraptHooks: { version: pkgVersion(ROOT), ...git },
      baseline,
      packages: Object.fromEntries(['import-in-the-middle', 'semver', 'cosmiconfig'].map((p) => [p, pkgVersion(path.join(ROOT, 'node_modules', p))])),
      bench: Object.fromEntries(
        ['dd-trace', '@opentelemetry/auto-instrumentations-node', 'shimmer', 'require-in-the-middle', ...REAL_PACKAGES].map((p) => [
          p,
          pkgVersion(path.join(BENCH_MODULES, p)),
        ]),
      ),
    },
    config: { targets: TARGETS, loaded: LOADED, heavyModules: HEAVY_MODULES, realPackages: REAL_PACKAGES },
    nodes: nodes.map(({ version, major, label: name, esm }) => ({ version, major, label: name, esm })),
    probes: probes.map(({ name, title, about }) => ({ name, title, about })),
    data,
    ...(partial ? { partial: `stopped after ${Object.keys(data).length} of ${nodes.length} Node lines` } : {}),
  });
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${started.toISOString().slice(0, 16).replace(/[:T]/g, '-')}-${label}.json`);
  const save = (result) => writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
  for (const node of nodes) {
    const d = (data[node.version] = {});
    sanity(node, apps, 'this tree');
    if (baselineApps) sanity(node, baselineApps, `baseline ${baseline.commit}`);
    if (ONLY.has('goals')) d.goals = goals(node, apps);
    if (baselineApps) d.versus = versus(node, apps, baselineApps);
    if (ONLY.has('compare')) d.compare = comparisons(node, apps);
    if (probes.length) d.probes = await runProbes(probes, makeContext({ node, apps, quick: QUICK }));
    if (ONLY.has('profile')) d.profile = profile(node, apps, PROFILE_RUNS);
    if (ONLY.has('micro')) d.micro = micro(node);
    // After each Node line: a run stopped later keeps what it measured.
    if (node !== nodes.at(-1)) save(resultNow(new Date(), true));
  }
  const finished = new Date();
  const result = resultNow(finished, false);
  save(result);

  const out = env.WRAPT_BENCH_OUT ? path.resolve(env.WRAPT_BENCH_OUT) : QUICK ? path.join(WORK, 'RESULTS-quick.md') : path.join(BENCH, 'RESULTS.md');
  renderFile(QUICK ? [file] : undefined, out);
  log(`wrote ${path.relative(process.cwd(), file)} and ${path.relative(process.cwd(), out)} (${((finished - started) / 60000).toFixed(1)} min)`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack || error}\n`);
  process.exitCode = 1;
});
