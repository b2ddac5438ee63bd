#!/usr/bin/env node
// `npm run bench`: start-up, require/import-heavy, memory and per-call costs of wrapt-hooks on
// every Node line available, against the goals of issue #6 and against dd-trace and
// OpenTelemetry; then where the start-up time goes. Writes bench/RESULTS.md.
//
// Environment:
//   WRAPT_BENCH_NODES=/path/node,/path/node   Node binaries to measure (default: the `node` running
//                                            this script, then Node 22 and 24 from
//                                            /root/.cache/wrapt-node/n{22,24} where they exist)
//   WRAPT_BENCH_QUICK=1                      few pairs, for a smoke run (~2 min); writes
//                                            bench/.work/RESULTS-quick.md unless WRAPT_BENCH_OUT is set
//   WRAPT_BENCH_PAIRS=N                      pairs per goal/comparison row (default 21, quick 5)
//   WRAPT_BENCH_ONLY=goals,compare,breakdown,timer,profile,micro,trace   sections to run (default all)
//   WRAPT_BENCH_OUT=file                     where to write the report
//   WRAPT_BENCH_SKIP_INSTALL=1               do not run npm in bench/ (peers then missing rows say so)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApps, HEAVY_MODULES, TARGETS, LOADED } from './lib/fixtures.mjs';
import { comparePair, describe, median, runOnce } from './lib/measure.mjs';
import { buildBundledPackage, buildFloor, buildUnbundledPackage } from './lib/bundle.mjs';
import { writeProbes } from './lib/probes.mjs';
import { traceCost } from './lib/trace-cost.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const WORK = path.join(BENCH, '.work');
const BENCH_MODULES = path.join(BENCH, 'node_modules');
const QUICK = truthy(process.env.WRAPT_BENCH_QUICK);
const PAIRS = Number(process.env.WRAPT_BENCH_PAIRS || (QUICK ? 5 : 21));
const WARMUP = QUICK ? 1 : 3;
const BREAKDOWN_PAIRS = QUICK ? 4 : 11;
const TIMER_RUNS = QUICK ? 3 : 9;
const PROFILE_RUNS = QUICK ? 1 : 5;
const COMPARE_PAIRS = QUICK ? PAIRS : Math.max(11, Math.ceil(PAIRS / 2));
const ONLY = new Set(
  (process.env.WRAPT_BENCH_ONLY || 'goals,compare,breakdown,timer,profile,micro,trace')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const OUT = process.env.WRAPT_BENCH_OUT
  ? path.resolve(process.env.WRAPT_BENCH_OUT)
  : QUICK
    ? path.join(WORK, 'RESULTS-quick.md')
    : path.join(BENCH, 'RESULTS.md');

function truthy(value) {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Setup: the benchmark's own dependencies, the apps, the prototypes.

function ensureBenchDependencies() {
  if (truthy(process.env.WRAPT_BENCH_SKIP_INSTALL)) return;
  const stamp = path.join(BENCH_MODULES, '.package-lock.json');
  const lock = path.join(BENCH, 'package-lock.json');
  const fresh =
    existsSync(stamp) &&
    existsSync(lock) &&
    statSync(stamp).mtimeMs >= statSync(lock).mtimeMs &&
    existsSync(path.join(BENCH_MODULES, 'shimmer')) &&
    existsSync(path.join(BENCH_MODULES, 'require-in-the-middle'));
  if (fresh) return;
  log('installing the benchmark dependencies into bench/node_modules (dd-trace, OpenTelemetry, shimmer, require-in-the-middle, esbuild)...');
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund', '--loglevel=error'] : ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  const result = spawnSync('npm', args, { cwd: BENCH, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`npm ${args[0]} in bench/ failed (exit ${result.status}); run it by hand to see why, or set WRAPT_BENCH_SKIP_INSTALL=1`);
}

function nodeList() {
  const configured = process.env.WRAPT_BENCH_NODES;
  const candidates = configured
    ? configured
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [process.execPath, '/root/.cache/wrapt-node/n22/node_modules/.bin/node', '/root/.cache/wrapt-node/n24/node_modules/.bin/node'];
  const seen = new Set();
  const nodes = [];
  for (const bin of candidates) {
    if (!configured && !existsSync(bin)) continue;
    let version;
    try {
      version = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    } catch (error) {
      throw new Error(`WRAPT_BENCH_NODES names ${bin}, which does not run (${error.message.split('\n')[0]})`, { cause: error });
    }
    if (seen.has(version)) continue;
    seen.add(version);
    nodes.push({ bin, version, major: Number(version.split('.')[0]), label: `Node ${version.split('.')[0]}` });
  }
  return nodes;
}

/** Whether the preload uses in-thread module.registerHooks on this Node (import-in-the-middle's rule). */
function syncHooks(version) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (major >= 26) return true;
  if (major < 22 || major === 23) return false;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  return minor > 22 || (minor === 22 && patch >= 3);
}

// Children get a clean environment: none of our variables, no NODE_OPTIONS, and the peers kept
// off the network (their exporters off; OpenTelemetry's cloud resource detectors, which query
// metadata addresses, replaced by the local ones; dd-trace's agent on loopback, telemetry and
// remote config off). The same environment is used on both sides of every pair.
const CHILD_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance',
  OTEL_SDK_DISABLED: 'false',
  DD_TRACE_AGENT_URL: 'http://127.0.0.1:8126',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false',
};

function cmd(node, cwd, args, extraEnv = {}) {
  return { node: node.bin, cwd, args, env: { ...CHILD_ENV, ...extraEnv }, shownEnv: extraEnv };
}

// ---------------------------------------------------------------------------------------------
// Sections.

function sanity(node, apps) {
  // The benchmark must measure a working preload: the heavy apps patch pg and redis; the
  // start-up app patches nothing; the bundled prototype behaves the same.
  const check = (dir, args, applied, what) => {
    const r = runOnce(cmd(node, dir, args, { WRAPT_HOOKS_DEBUG: '1' }));
    const m = /summary: (\d+) applied, (\d+) failed, (\d+) skipped, (\d+) never imported/.exec(r.stderr);
    if (!m || Number(m[1]) !== applied || Number(m[2]) !== 0) {
      throw new Error(
        `${node.label}: ${what}: expected ${applied} patches applied and none failed, got: ${m ? m[0] : 'no summary'}\n${r.stderr.slice(0, 3000)}`,
      );
    }
  };
  check(apps.startup, ['-r', 'wrapt-hooks/register', 'app.js'], 0, 'start-up app (CommonJS)');
  check(apps.startup, ['--import', 'wrapt-hooks/register', 'app.mjs'], 0, 'start-up app (ESM)');
  check(apps.cjsHeavy, ['-r', 'wrapt-hooks/register', 'app.js'], 2, 'require-heavy app');
  check(apps.esmHeavy, ['--import', 'wrapt-hooks/register', 'app.mjs'], 2, 'import-heavy app');
  if (apps.bundled) {
    check(apps.cjsHeavy, ['-r', path.join(apps.bundled, 'register.js'), 'app.js'], 2, 'require-heavy app, bundled prototype');
    check(apps.esmHeavy, ['--import', path.join(apps.bundled, 'register.mjs'), 'app.mjs'], 2, 'import-heavy app, bundled prototype');
  }
  check(apps.cjsHeavy, ['-r', path.join(apps.unbundled, 'register.js'), 'app.js'], 2, 'require-heavy app, unbundled tsc output');
}

function goals(node, apps) {
  const rows = [];
  const run = (id, a, b) => {
    log(`${node.label}: ${id}`);
    const result = comparePair(a, b, { pairs: PAIRS, warmup: WARMUP });
    rows.push({ id, a, b, ...result });
    return result;
  };
  run('cjs-startup', cmd(node, apps.startup, ['-r', 'wrapt-hooks/register', 'app.js']), cmd(node, apps.startup, ['app.js']));
  run('esm-startup', cmd(node, apps.startup, ['--import', 'wrapt-hooks/register', 'app.mjs']), cmd(node, apps.startup, ['app.mjs']));
  run(
    'esm-vs-empty-loader',
    cmd(node, apps.startup, ['--import', 'wrapt-hooks/register', 'app.mjs']),
    cmd(node, apps.startup, ['--import', './empty-register.mjs', 'app.mjs']),
  );
  run('cjs-heavy', cmd(node, apps.cjsHeavy, ['-r', 'wrapt-hooks/register', 'app.js']), cmd(node, apps.cjsHeavy, ['app.js']));
  run('esm-heavy', cmd(node, apps.esmHeavy, ['--import', 'wrapt-hooks/register', 'app.mjs']), cmd(node, apps.esmHeavy, ['app.mjs']));
  return rows;
}

function comparisons(node, apps) {
  const rows = [];
  const peers = [
    ['dd-trace', 'dd-trace', ['-r', 'dd-trace/init', 'app.js']],
    ['opentelemetry', '@opentelemetry/auto-instrumentations-node', ['--require', '@opentelemetry/auto-instrumentations-node/register', 'app.js']],
  ];
  for (const [id, pkg, args] of peers) {
    if (!existsSync(path.join(apps.startup, 'node_modules', pkg))) {
      rows.push({ id, missing: `${pkg} is not installed in bench/node_modules` });
      continue;
    }
    log(`${node.label}: compare ${id}`);
    rows.push({
      id,
      a: cmd(node, apps.startup, args),
      b: cmd(node, apps.startup, ['app.js']),
      ...comparePair(cmd(node, apps.startup, args), cmd(node, apps.startup, ['app.js']), { pairs: COMPARE_PAIRS, warmup: 2 }),
    });
  }
  return rows;
}

function breakdown(node, apps, probes) {
  const rows = [];
  for (const probe of probes) {
    if (probe.when && !probe.when(node)) continue;
    log(`${node.label}: breakdown ${probe.id}`);
    const dir = apps[probe.app ?? 'startup'];
    const entry = probe.esm ? 'app.mjs' : 'app.js';
    const a = cmd(node, dir, [...probe.args, entry], probe.env ? probe.env(node) : {});
    const b = cmd(node, dir, [...(probe.versus ?? []), entry]);
    const pairs = QUICK ? Math.min(BREAKDOWN_PAIRS, probe.pairs ?? BREAKDOWN_PAIRS) : (probe.pairs ?? BREAKDOWN_PAIRS);
    rows.push({ ...probe, a, b, ...comparePair(a, b, { pairs, warmup: probe.warmup ?? 2 }) });
  }
  return rows;
}

/** Inclusive/self time of every require made by the preload, median over runs. */
function requireTimer(node, apps) {
  const runs = [];
  for (let i = 0; i < TIMER_RUNS + 1; i++) {
    const r = runOnce(cmd(node, apps.startup, ['-r', path.join(BENCH, 'lib', 'require-timer.cjs'), '-r', path.join(apps.unbundled, 'register.js'), 'app.js']));
    const at = r.stderr.indexOf('@@require-timer@@');
    if (at === -1) throw new Error(`${node.label}: require timer printed nothing:\n${r.stderr.slice(0, 2000)}`);
    if (i > 0) runs.push(JSON.parse(r.stderr.slice(at + '@@require-timer@@'.length).split('\n')[0]));
  }
  // Flatten each run by path of ids; a path seen twice in one run (a require repeated) is summed.
  const byPath = new Map();
  const order = [];
  for (const [index, tree] of runs.entries()) {
    const walk = (n, prefix, depth) => {
      const key = prefix === '' ? n.id : `${prefix} > ${n.id}`;
      let entry = byPath.get(key);
      if (!entry) {
        entry = { key, id: n.id, depth, total: new Array(runs.length).fill(0), self: new Array(runs.length).fill(0) };
        byPath.set(key, entry);
        order.push(key);
      }
      entry.total[index] += n.total;
      entry.self[index] += n.self;
      for (const child of n.children) walk(child, key, depth + 1);
    };
    walk(tree, '', 0);
  }
  return order.map((key) => {
    const e = byPath.get(key);
    return { id: e.id, depth: e.depth, total: median(e.total), self: median(e.self) };
  });
}

/**
 * --cpu-prof of the start-up app with and without the preload: self time grouped by script, and
 * the difference per group (what the preload added, wherever in Node it was spent).
 */
function profile(node, apps) {
  const results = {};
  const sample = (id, args) => {
    const dir = path.join(WORK, 'profiles', `node${node.major}-${id}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < PROFILE_RUNS; i++) runOnce(cmd(node, apps.startup, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, ...args]));
    const groups = new Map();
    let total = 0;
    let files = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
      files++;
      const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      const byId = new Map(prof.nodes.map((n) => [n.id, n]));
      for (let s = 0; s < prof.samples.length; s++) {
        const n = byId.get(prof.samples[s]);
        const us = prof.timeDeltas[s + 1] ?? 0;
        const group = groupOf(n.callFrame);
        if (group === '(idle)') continue;
        total += us;
        groups.set(group, (groups.get(group) ?? 0) + us);
      }
    }
    // Divided by runs, not files: on Node 20 the off-thread loader writes a profile of its own.
    for (const [k, v] of groups) groups.set(k, v / 1000 / PROFILE_RUNS);
    return { dir, files, totalMs: total / 1000 / PROFILE_RUNS, groups };
  };
  for (const [id, withArgs, withoutArgs] of [
    ['cjs', ['-r', 'wrapt-hooks/register', 'app.js'], ['app.js']],
    ['esm', ['--import', 'wrapt-hooks/register', 'app.mjs'], ['app.mjs']],
  ]) {
    const a = sample(`${id}-preload`, withArgs);
    const b = sample(`${id}-bare`, withoutArgs);
    const keys = new Set([...a.groups.keys(), ...b.groups.keys()]);
    const diff = [...keys].map((group) => ({ group, ms: (a.groups.get(group) ?? 0) - (b.groups.get(group) ?? 0), with: a.groups.get(group) ?? 0 }));
    results[id] = { dir: a.dir, totalMs: a.totalMs, bareMs: b.totalMs, top: diff.sort((x, y) => y.ms - x.ms).slice(0, 14) };
  }
  return results;
}

function groupOf(frame) {
  const url = frame.url || '';
  if (url === '')
    return frame.functionName === '(garbage collector)'
      ? '(garbage collector)'
      : frame.functionName === '(program)'
        ? '(program: native, compile, I/O)'
        : frame.functionName === '(idle)'
          ? '(idle)'
          : `(native) ${frame.functionName || 'anonymous'}`;
  if (url.startsWith('node:internal/')) {
    const parts = url.slice('node:internal/'.length).split('/');
    return `node:internal/${parts.length > 1 ? `${parts[0]}/${parts[1].replace(/\.js$/, '')}` : parts[0]}`;
  }
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const inner = rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/');
    return pkg === 'import-in-the-middle' || pkg === 'require-in-the-middle' ? `${pkg}/${inner}` : pkg;
  }
  if (file.startsWith(ROOT + '/')) return `wrapt-hooks/${path.relative(ROOT, file)}`;
  return path.basename(file);
}

function micro(node) {
  const rows = [];
  const env = { ...CHILD_ENV };
  if (QUICK) Object.assign(env, { WRAPT_BENCH_MICRO_PAIRS: '5', WRAPT_BENCH_MICRO_ITER: '300000' });
  for (const shape of ['method', 'plain', 'poly']) {
    log(`${node.label}: micro ${shape}`);
    const r = spawnSync(node.bin, [path.join(BENCH, 'lib', 'micro.mjs'), shape, ROOT, BENCH_MODULES], { env, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${node.label}: microbenchmark ${shape} failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Report.

const GOALS = {
  'cjs-startup': {
    scenario: 'start-up, CommonJS app, config with 20 patches whose targets are not imported',
    goal: '≤ 1.10 on Node 24',
    max: 1.1,
    lines: [24],
  },
  'esm-startup': { scenario: 'start-up, ESM app, same config', goal: '≤ 1.15 on Node 24', max: 1.15, lines: [24] },
  'esm-vs-empty-loader': {
    scenario: 'start-up, ESM app, against an empty `module.register` loader',
    goal: 'on Node 20 within 1.05 of an empty `module.register` loader',
    max: 1.05,
    lines: [20],
  },
  'cjs-heavy': {
    scenario: `require-heavy app: ${HEAVY_MODULES.toLocaleString('en')} generated CommonJS modules, ${LOADED.length} of the ${TARGETS.length} targets loaded`,
    goal: '≤ 1.10',
    max: 1.1,
  },
  'esm-heavy': {
    scenario: `import-heavy ESM app: ${HEAVY_MODULES.toLocaleString('en')} generated modules, ${LOADED.length} of the ${TARGETS.length} targets imported`,
    goal: '≤ 1.20 on Node 24',
    max: 1.2,
    lines: [24],
  },
};

const f2 = (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2));
const f1 = (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));
const mib = (kib) => (kib === undefined ? '—' : (kib / 1024).toFixed(1));
const verdict = (ok) => (ok ? '**pass**' : '**FAIL**');

function shorten(arg) {
  if (arg.startsWith(WORK + '/')) return `bench/.work/${path.relative(WORK, arg)}`;
  if (arg.startsWith(BENCH + '/')) return `bench/${path.relative(BENCH, arg)}`;
  if (arg.startsWith(ROOT + '/')) return path.relative(ROOT, arg);
  return arg;
}
const show = (c) => `\`${describe(c, shorten)}\``;

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function pkgVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function gitDescribe() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src', 'register.js', 'register.mjs', 'package.json'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

function report(ctx) {
  const { nodes, data, started, finished, loadStart, loadEnd, bundle } = ctx;
  const m = machine();
  const L = [];
  const p = (line = '') => L.push(line);
  p('# wrapt-hooks benchmarks');
  p();
  p(
    `Generated by \`npm run bench\` (bench/run.mjs)${QUICK ? ' in **QUICK mode (few pairs: indicative only)**' : ''} on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((finished - started) / 60000).toFixed(1)} min. Do not edit by hand: run it again.`,
  );
  p();
  p('## Machine and software');
  p();
  p(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memGiB} GiB; ${m.kernel}`);
  p(
    `- load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)}${Math.max(loadStart, loadEnd) > m.cores ? ' — **the machine was busy with other work: absolute times are inflated; the paired ratios are more robust but noisier**' : ''}`,
  );
  p(
    `- Node: ${nodes.map((n) => `${n.label} = v${n.version} (\`${shorten(n.bin)}\`, ESM hooks: ${syncHooks(n.version) ? 'in-thread module.registerHooks' : 'off-thread module.register'})`).join('; ')}`,
  );
  p(
    `- wrapt-hooks ${pkgVersion(ROOT)} at ${gitDescribe()}; import-in-the-middle ${pkgVersion(path.join(ROOT, 'node_modules', 'import-in-the-middle'))}, semver ${pkgVersion(path.join(ROOT, 'node_modules', 'semver'))}`,
  );
  p(
    `- peers (bench/package.json): dd-trace ${pkgVersion(path.join(BENCH_MODULES, 'dd-trace'))}, @opentelemetry/auto-instrumentations-node ${pkgVersion(path.join(BENCH_MODULES, '@opentelemetry', 'auto-instrumentations-node'))} (the newest lines that still run on Node 20), shimmer ${pkgVersion(path.join(BENCH_MODULES, 'shimmer'))}, require-in-the-middle ${pkgVersion(path.join(BENCH_MODULES, 'require-in-the-middle'))} (reference), esbuild ${pkgVersion(path.join(BENCH_MODULES, 'esbuild'))}`,
  );
  p();
  p('## Method');
  p();
  p(
    `Each row compares two commands run alternately by one process (A B, B A, A B, …), each timed around a synchronous spawn (wall clock, process start to exit). ${WARMUP} warm-up pairs are thrown away, then ${PAIRS} pairs are kept; **ratio** is the median of the per-pair ratios A/B (IQR in brackets), **Δ ms** the median per-pair difference. RSS is the child's peak resident set (\`process.resourceUsage().maxRSS\`, printed by every app at exit, with and without the preload alike). The apps live in \`bench/.work/apps/\` and install wrapt-hooks as users do (\`node_modules/wrapt-hooks\` → this repository), so \`wrapt-hooks/register\` goes through the package's exports map. The config (\`.wrapt-hooksrc.json\`, found by the normal search) has ${TARGETS.length} targets — ${TARGETS.map((t) => `\`${t}\``).join(', ')} — each with a lazy patch specifier; a quarter of them carry a \`versions\` range. The heavy apps load ${HEAVY_MODULES.toLocaleString('en')} generated modules (40 packages in node_modules of 25 modules each) plus fake \`pg\` and \`redis\` packages, whose patches (\`wrapFunctionWrapper\` on \`Client.prototype.query\`, \`connect\`, \`createClient\`) are checked to be applied before anything is timed. Children run with a clean environment; the peers' exporters and cloud detectors are off (see CHILD_ENV in run.mjs).`,
  );
  p();

  // Goals
  p('## Goals (issue #6)');
  p();
  p(`| scenario | measured (A / B) | goal | ${nodes.map((n) => n.label).join(' | ')} | result |`);
  p(`| --- | --- | --- | ${nodes.map(() => '---').join(' | ')} | --- |`);
  const goalRows = [];
  for (const id of Object.keys(GOALS)) {
    const g = GOALS[id];
    const per = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === id));
    if (per.every((r) => r === undefined)) continue;
    const sample = per.find(Boolean);
    const cells = per.map((r) =>
      r ? `${f2(r.ratio)} [${f2(r.ratioIqr[0])}–${f2(r.ratioIqr[1])}] (${f1(r.aMs)} / ${f1(r.bMs)} ms; CPU ${f2(r.cpuRatio)})` : '—',
    );
    const judged = nodes.map((n, i) => ({ n, r: per[i] })).filter(({ n, r }) => r && (!g.lines || g.lines.includes(n.major)));
    const ok = judged.length > 0 && judged.every(({ r }) => r.ratio <= g.max);
    const result = judged.length === 0 ? `n/a (no ${g.lines.map((x) => `Node ${x}`).join('/')} measured)` : `${verdict(ok)}${g.lines ? '' : ' (all lines)'}`;
    goalRows.push({ scenario: g.scenario, ok: judged.length === 0 ? undefined : ok });
    p(`| ${g.scenario} | ${show(sample.a)} / ${show(sample.b)} | ${g.goal} | ${cells.join(' | ')} | ${result} |`);
  }
  // Wrapper call
  {
    const per = nodes.map((n) => data[n.version]?.micro);
    if (per.some(Boolean)) {
      for (const shape of ['method', 'plain', 'poly']) {
        const cells = per.map((rows) => {
          const row = rows?.find((r) => r.shape === shape);
          const ours = row?.results.find((r) => r.impl === 'wrapt-hooks (dist)');
          const ref = row?.results.find((r) => r.impl === row.reference);
          return ours ? `${f2(ours.ratio)} (${f1(ours.ns)} / ${f1(ref.ns)} ns)` : '—';
        });
        const ok = per.every((rows) => {
          const ours = rows?.find((r) => r.shape === shape)?.results.find((r) => r.impl === 'wrapt-hooks (dist)');
          return ours === undefined || ours.ratio <= 1.1;
        });
        goalRows.push({ scenario: `wrapper call (${shape})`, ok });
        p(
          `| a call through \`wrapFunctionWrapper\` vs the same wrapper written with \`shimmer\`: ${SHAPES[shape]} | ns per call, \`(w, i, args) => w(...args)\` / \`shimmer.wrap(o, k, (orig) => function () { return orig.apply(this, arguments) })\` | ≤ 1.10 | ${cells.join(' | ')} | ${verdict(ok)} (all lines) |`,
        );
      }
    }
  }
  // Memory
  for (const id of ['cjs-startup', 'esm-startup', 'cjs-heavy', 'esm-heavy']) {
    const per = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === id));
    if (per.every((r) => r === undefined)) continue;
    const ok = per.every((r) => r === undefined || r.rssDeltaKiB === undefined || r.rssDeltaKiB <= 5 * 1024);
    goalRows.push({ scenario: `peak RSS added (${id})`, ok });
    p(
      `| peak memory added by the preload: ${GOALS[id].scenario.split(':')[0].replace(/, config.*/, '')} | RSS with − without (MiB) | ≤ 5 MiB | ${per.map((r) => (r ? `${mib(r.rssDeltaKiB)} (${mib(r.aRssKiB)} vs ${mib(r.bRssKiB)})` : '—')).join(' | ')} | ${verdict(ok)} (all lines) |`,
    );
  }
  p();
  p(
    'Cells: median wall-time ratio [interquartile range of the per-pair ratios] (median A / median B; median ratio of the CPU time the two processes used). A goal that names a Node line is judged on that line only; the other lines are shown for information.',
  );
  p();
  const failing = goalRows.filter((r) => r.ok === false).map((r) => r.scenario);
  p(failing.length === 0 ? '**All goals pass.**' : `**Failing:** ${failing.join('; ')}.`);
  p();

  // Comparisons
  if (nodes.some((n) => data[n.version]?.compare)) {
    p('## Comparisons: start-up cost of the peers (same app, same machine)');
    p();
    p(`| command A / \`node app.js\` | ${nodes.map((n) => n.label).join(' | ')} |`);
    p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
    const ours = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === 'cjs-startup'));
    if (ours.some(Boolean))
      p(
        `| ${show(ours.find(Boolean).a)} (this project, 20 patches) | ${ours.map((r) => (r ? `${f2(r.ratio)} (+${f1(r.deltaMs)} ms, +${mib(r.rssDeltaKiB)} MiB)` : '—')).join(' | ')} |`,
      );
    for (const id of ['dd-trace', 'opentelemetry']) {
      const per = nodes.map((n) => data[n.version]?.compare?.find((r) => r.id === id));
      const sample = per.find((r) => r && !r.missing);
      if (!sample) {
        p(`| ${id} | ${per.map((r) => r?.missing ?? '—').join(' | ')} |`);
        continue;
      }
      p(
        `| ${show(sample.a)} | ${per.map((r) => (r && !r.missing ? `${f2(r.ratio)} (+${f1(r.deltaMs)} ms, +${mib(r.rssDeltaKiB)} MiB)` : (r?.missing ?? '—'))).join(' | ')} |`,
      );
    }
    p();
    p(
      `Peers: ${COMPARE_PAIRS} pairs after 2 warm-up pairs (their ratios are large and stable; the goal rows use ${PAIRS}). OpenTelemetry runs with \`OTEL_{TRACES,METRICS,LOGS}_EXPORTER=none\` and \`OTEL_NODE_RESOURCE_DETECTORS=env,host,os,process,serviceinstance\` (no cloud metadata queries: the benchmark sends nothing off the machine); dd-trace with its agent URL on loopback and telemetry / remote configuration off. Both still load all their instrumentations.`,
    );
    p();
  }

  // Breakdown
  if (nodes.some((n) => data[n.version]?.breakdown)) {
    p('## Where the start-up time goes: component probes');
    p();
    p(
      `Each probe is a preload that does one part of what the preload does (or a candidate replacement), measured like the goals (${BREAKDOWN_PAIRS} pairs after 2 warm-up; \`heavy\` rows 7 pairs after 1, in the require-heavy or import-heavy app: treat differences under ~5 % there as noise) against the bare app (\`node app.js\`, or \`node app.mjs\`) unless another baseline is named. Δ ms = the median added wall time.`,
    );
    p();
    p(`| probe | what it does | ${nodes.map((n) => `${n.label} Δ ms (ratio; CPU ratio; Δ RSS)`).join(' | ')} |`);
    p(`| --- | --- | ${nodes.map(() => '---').join(' | ')} |`);
    const ids = [];
    for (const n of nodes) for (const r of data[n.version]?.breakdown ?? []) if (!ids.includes(r.id)) ids.push(r.id);
    for (const id of ids) {
      const per = nodes.map((n) => data[n.version]?.breakdown?.find((r) => r.id === id));
      const sample = per.find(Boolean);
      p(
        `| ${sample.id} | ${sample.what}${sample.versus ? ` (baseline: \`node ${sample.versus.map(shorten).join(' ')}\`)` : ''} | ${per.map((r) => (r ? `${r.deltaMs >= 0 ? '+' : ''}${f1(r.deltaMs)} (${f2(r.ratio)}; CPU ${f2(r.cpuRatio)}; ${r.rssDeltaKiB >= 0 ? '+' : ''}${mib(r.rssDeltaKiB)} MiB)` : 'n/a')).join(' | ')} |`,
      );
    }
    p();
    if (bundle)
      p(
        `The bundle prototype (bench/lib/bundle.mjs): esbuild bundles dist/bootstrap.js with what it requires at start-up (${bundle.inputs.length} files: ${summarizeInputs(bundle.inputs)}) into one ${(bundle.bytes / 1024).toFixed(0)} KiB file (${(bundle.minBytes / 1024).toFixed(0)} KiB minified); import-in-the-middle, semver, cosmiconfig, dist/trace.js and dist/patches.js stay files of their own, loaded when needed (import-in-the-middle must: its lib/register.js is shared state its generated modules import by URL).`,
      );
    p();
  }

  // Require timer
  if (nodes.some((n) => data[n.version]?.timer)) {
    p('## Where the start-up time goes: every require of the CommonJS preload');
    p();
    p(
      `\`node -r bench/lib/require-timer.cjs -r bench/.work/pkg-unbundled/register.js app.js\` in the start-up app — the preload as tsc emits it, one file per module, so that each module's cost shows (the shipped build may bundle them: see \`shipped vs unbundled\` above): Module._load timed in-process (inclusive / self ms, median of ${TIMER_RUNS} runs after one discarded). Requires made from inside \`bootstrap()\` appear under the register file, whose self time is the work bootstrap does itself (config search and validation, registry, installing the hooks, and on Node 20 starting the off-thread loader). Rows under 0.2 ms are left out.`,
    );
    p();
    p(`| module | ${nodes.map((n) => `${n.label} incl. / self`).join(' | ')} |`);
    p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
    const keys = [];
    const index = nodes.map((n) => {
      const map = new Map();
      const counts = new Map();
      for (const row of data[n.version]?.timer ?? []) {
        const base = `${row.depth}|${row.id}`;
        const k = counts.get(base) ?? 0;
        counts.set(base, k + 1);
        const key = `${base}|${k}`;
        map.set(key, row);
        if (!keys.includes(key)) keys.push(key);
      }
      return map;
    });
    for (const key of keys) {
      const rows = index.map((map) => map.get(key));
      if (rows.every((r) => !r || r.total < 0.2)) continue;
      const sample = rows.find(Boolean);
      p(
        `| ${'&nbsp;&nbsp;'.repeat(sample.depth)}${sample.id.replace(/^.*\/node_modules\//, '')} | ${rows.map((r) => (r ? `${f2(r.total)} / ${f2(r.self)}` : '—')).join(' | ')} |`,
      );
    }
    p();
  }

  // Profile
  if (nodes.some((n) => data[n.version]?.profile)) {
    p('## Where the start-up time goes: CPU profile');
    p();
    p(
      `\`node --cpu-prof --cpu-prof-interval 100 -r wrapt-hooks/register app.js\` against \`node --cpu-prof … app.js\` (and \`--import … app.mjs\` against \`app.mjs\`), ${PROFILE_RUNS} run(s) each averaged; self time (idle excluded) grouped by script — node internals by subsystem, packages by name — and the groups listed by how much the preload **added** to them (ms with − without). The profiles are kept in \`bench/.work/profiles/\` for Chrome DevTools.`,
    );
    p();
    for (const n of nodes) {
      const prof = data[n.version]?.profile;
      if (!prof) continue;
      for (const id of ['cjs', 'esm']) {
        const r = prof[id];
        p(
          `- **${n.label}, ${id === 'cjs' ? '`-r`, app.js' : '`--import`, app.mjs'}** (${f1(r.totalMs)} ms sampled with the preload, ${f1(r.bareMs)} without): ${r.top.map((t) => `${t.group} +${f1(t.ms)}`).join(' · ')}`,
        );
      }
    }
    p();
  }

  // Micro
  if (nodes.some((n) => data[n.version]?.micro)) {
    p('## Per-call cost of a wrapper');
    p();
    p(
      `bench/lib/micro.mjs: ns per call through a pass-through wrapper, median of ${QUICK ? 5 : 21} alternating pairs (implementation, reference) of ${QUICK ? '300,000' : '500,000'} calls each, after warm-up; one process per call shape. The original does little at run time but has more bytecode than V8 inlines, so it is a real call for every implementation (as a library function is); **ratio** is against shimmer with \`original.apply(this, arguments)\`. \`variant …\` rows are prototypes of src/wrappers.ts makeWrapper in bench/lib/wrapper-variants.cjs that keep the contract (wrapped calls the original with the original this, also when called later). \`wrapt-hooks wrapObject (raw)\` is the opt-in form for hot paths: \`wrapObject(proto, name, (original) => function () { … return original.apply(this, arguments); })\`, where the patch writes the replacement itself.`,
    );
    p();
    for (const shape of ['method', 'plain', 'poly']) {
      p(`**${SHAPES[shape]}**`);
      p();
      p(`| implementation | ${nodes.map((n) => `${n.label} ns (ratio)`).join(' | ')} |`);
      p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
      const impls = [];
      for (const n of nodes)
        for (const r of data[n.version]?.micro?.find((x) => x.shape === shape)?.results ?? []) if (!impls.includes(r.impl)) impls.push(r.impl);
      for (const impl of impls) {
        p(
          `| ${impl} | ${nodes
            .map((n) => {
              const r = data[n.version]?.micro?.find((x) => x.shape === shape)?.results.find((x) => x.impl === impl);
              return r ? `${f1(r.ns)} (${f2(r.ratio)})` : '—';
            })
            .join(' | ')} |`,
        );
      }
      p();
    }
  }

  if (nodes.some((n) => data[n.version]?.trace)) {
    p('## Per-call cost of tracing and of a recipe');
    p();
    p(
      'bench/lib/trace-cost.mjs: ns per call, median of batches after a warm-up, one process per row started with the preload and the row\'s `WRAPT_TRACE`/`WRAPT_PATCHES`; lines go to `WRAPT_TRACE_FILE=/dev/null`, so the rows show what wrapt-hooks does per call (inspecting, formatting, the writer), not a terminal. The traced function is `(s) => "v" + s`; the recipe row is a node:sqlite `statement.get` (Node 22.13+).',
    );
    p();
    p(`| row | ${nodes.map((n) => `${n.label} ns`).join(' | ')} |`);
    p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
    const labels = [];
    for (const n of nodes) for (const r of data[n.version]?.trace ?? []) if (!labels.includes(r.label)) labels.push(r.label);
    for (const label of labels) {
      p(
        `| ${label} | ${nodes
          .map((n) => {
            const r = data[n.version]?.trace?.find((x) => x.label === label);
            return r ? f1(r.ns) : '—';
          })
          .join(' | ')} |`,
      );
    }
    p();
  }

  p('## Exact commands');
  p();
  p('Run from the app directory named (all under `bench/.work/apps/`); `node` is the binary of each line above.');
  p();
  const seen = new Set();
  for (const n of nodes) {
    for (const section of ['goals', 'compare', 'breakdown']) {
      for (const r of data[n.version]?.[section] ?? []) {
        if (!r.a) continue;
        const line = `- \`${path.basename(r.a.cwd)}/\`: ${show(r.a)} vs ${show(r.b)}`;
        if (seen.has(line)) continue;
        seen.add(line);
        p(line);
      }
    }
  }
  p();
  return L.join('\n');
}

function summarizeInputs(inputs) {
  const groups = new Map();
  for (const input of inputs) {
    const nm = input.lastIndexOf('node_modules/');
    const key = nm === -1 ? input.split('/')[0] : input.slice(nm + 'node_modules/'.length).split('/')[0];
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, count]) => `${key} (${count})`).join(', ');
}

const SHAPES = {
  method: 'method call `obj.m(i, 1)` (class method)',
  exports: 'module function called on its module `mod.f(i, 1)`',
  plain: 'plain call `f(i, 1)` (`this` undefined)',
  poly: 'method call after 12 other functions were wrapped the same way (shared wrapper code sees many wrappers)',
};

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = new Date();
  const loadStart = os.loadavg()[0];
  if (!existsSync(path.join(ROOT, 'dist', 'preload.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does it first)');
  ensureBenchDependencies();
  const nodes = nodeList();
  log(`Node lines: ${nodes.map((n) => `v${n.version}`).join(', ')}; ${QUICK ? 'QUICK mode, ' : ''}${PAIRS} pairs; sections: ${[...ONLY].join(', ')}`);
  mkdirSync(WORK, { recursive: true });
  const apps = makeApps({ work: path.join(WORK, 'apps'), root: ROOT, benchModules: BENCH_MODULES });
  let bundle;
  if (existsSync(path.join(BENCH_MODULES, 'esbuild'))) {
    bundle = await buildBundledPackage({ root: ROOT, work: WORK, benchModules: BENCH_MODULES });
    const min = await buildBundledPackage({ root: ROOT, work: WORK, benchModules: BENCH_MODULES, minify: true });
    bundle.minBytes = min.bytes;
    bundle.minDir = min.dir;
    apps.bundled = bundle.dir;
  }
  const unbundled = buildUnbundledPackage({ root: ROOT, work: WORK });
  apps.unbundled = unbundled;
  const floor = existsSync(path.join(BENCH_MODULES, 'esbuild')) ? await buildFloor({ work: WORK, benchModules: BENCH_MODULES, root: ROOT }) : undefined;
  const probes = writeProbes({ work: WORK, root: ROOT, apps, bundle, floor, unbundled, targets: TARGETS, syncHooks });
  const data = {};
  for (const node of nodes) {
    const d = (data[node.version] = {});
    sanity(node, apps);
    if (ONLY.has('goals')) d.goals = goals(node, apps);
    if (ONLY.has('compare')) d.compare = comparisons(node, apps);
    if (ONLY.has('breakdown')) d.breakdown = breakdown(node, apps, probes);
    if (ONLY.has('timer')) d.timer = requireTimer(node, apps);
    if (ONLY.has('profile')) d.profile = profile(node, apps);
    if (ONLY.has('micro')) d.micro = micro(node);
    if (ONLY.has('trace')) {
      log(`${node.label}: trace and recipe cost`);
      d.trace = traceCost(node.bin, ROOT, WORK);
    }
  }
  const finished = new Date();
  const text = report({ nodes, data, started, finished, loadStart, loadEnd: os.loadavg()[0], bundle });
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, text.endsWith('\n') ? text : `${text}\n`);
  writeFileSync(
    path.join(WORK, 'results.json'),
    JSON.stringify({ nodes, data }, (k, v) => (k === 'env' ? undefined : v), 2),
  );
  log(`wrote ${path.relative(process.cwd(), OUT) || OUT} (${((finished - started) / 60000).toFixed(1)} min)`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack || error}\n`);
  process.exitCode = 1;
});
