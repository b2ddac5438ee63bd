// In-process microbenchmark: ns per call through a wrapper, as medians of alternating pairs
// (implementation X, then shimmer, then shimmer, then X, ...). One process per call shape, so
// the feedback V8 collects for one shape does not leak into another.
//
//   node bench/lib/micro.mjs <shape> <repo root> <bench node_modules>
//   shapes: method   instance.m(i, 1), m a class method (not constructible)
//           exports  mod.f(i, 1), f a plain `function` (constructible) called on its module object
//           plain    f(i, 1), this === undefined
//           poly     instance.m(i, 1) after 12 other functions were wrapped and called through
//                    the same implementation (what a process with many patches looks like)
// Prints one JSON object on stdout.
//
//   node bench/lib/micro.mjs <shape> <repo root> <bench node_modules> --instructions [impl…]
//
// Instead of time: instructions per call, counted by valgrind's callgrind (must be installed),
// which load from other processes does not move. Each implementation runs in its own process
// under callgrind twice, warmed up alike, then once without and once with 2,000,000 more calls
// (WRAPT_BENCH_MICRO_CALLS); the difference over the calls is the count. V8 runs with
// --single-threaded (compiled on the main thread, so the count repeats within about ±2
// instructions). Not run by `npm run bench` (minutes per shape).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

const [shape, root, benchModules, mode, ...chosen] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { wrapFunctionWrapper, wrapObject } = require(path.join(root, 'dist', 'index.js'));
const shimmer = require(path.join(benchModules, 'shimmer'));

const PAIRS = Number(process.env.WRAPT_BENCH_MICRO_PAIRS || 21);
const ITER = Number(process.env.WRAPT_BENCH_MICRO_ITER || 3_000_000);
shimmer({ logger() {} });

// A fresh copy of the target for each implementation (fresh code, fresh maps, fresh feedback).
// Every source is made unique: V8 caches `new Function` by source text, and closures over one
// cached function would share their type feedback.
let unique = 0;
// The original: cheap at run time, but with more bytecode than V8 inlines (a dead branch of
// ~80 statements), as a real library function has. The wrapper layers can still be inlined
// into the caller; the original is always a real call, for every implementation alike.
const BODY = `if (b === undefined) { let t = '';${Array.from({ length: 80 }, (_, i) => ` t += String(a * ${i}) + 'x${i}';`).join('')} return t; } return a + b;`;
function freshTarget() {
  return new Function(`// copy ${unique++}
    class Target { m(a, b) { ${BODY} } }
    function f(a, b) { ${BODY} }
    const mod = { f };
    return { Target, mod };`)();
}
// A fresh loop per implementation: its call site's feedback belongs to that implementation alone.
function freshLoop() {
  const tag = `// loop ${unique++}\n`;
  switch (shape) {
    case 'method':
    case 'poly':
      return new Function('o', 'n', tag + 'let s = 0; for (let i = 0; i < n; i++) s += o.m(i, 1); return s;');
    case 'exports':
      return new Function('o', 'n', tag + 'let s = 0; for (let i = 0; i < n; i++) s += o.f(i, 1); return s;');
    case 'plain':
      return new Function('o', 'n', tag + 'const f = o.f; let s = 0; for (let i = 0; i < n; i++) s += f(i, 1); return s;');
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

// The same pass-through wrapper in each style.
// Each implementation gets its own copy of the wrapper (fresh code): one shared arrow would
// collect the call feedback of every implementation and make the later ones look slower.
const wraptWrapper = () => new Function(`// wrapper ${unique++}\nreturn (wrapped, instance, args) => wrapped(...args);`)();
const shimmerArguments = (original) =>
  function () {
    return original.apply(this, arguments);
  };
const shimmerRest = (original) =>
  function (...args) {
    return original.apply(this, args);
  };

/** Installs implementation `impl` on a fresh target; returns the receiver the loop calls through. */
function install(impl) {
  const { Target, mod } = freshTarget();
  const holder = shape === 'method' || shape === 'poly' ? Target.prototype : mod;
  const name = holder === mod ? 'f' : 'm';
  switch (impl) {
    case 'bare':
      break;
    case 'shimmer (arguments)':
      shimmer.wrap(holder, name, shimmerArguments);
      break;
    case 'shimmer (...args)':
      shimmer.wrap(holder, name, shimmerRest);
      break;
    case 'wrapt-hooks (dist)':
      wrapFunctionWrapper(holder, name, wraptWrapper());
      break;
    case 'wrapt-hooks wrapObject (raw)':
      // The opt-in form for hot paths: the patch writes the replacement itself, as with shimmer.
      wrapObject(holder, name, shimmerArguments);
      break;
    default:
      throw new Error(`unknown implementation ${impl}`);
  }
  return holder === mod ? mod : new Target();
}

/** For `poly`: 12 other functions wrapped by the same implementation with distinct wrappers, all called. */
function pollute(impl) {
  if (shape !== 'poly' || impl === 'bare') return;
  for (let k = 0; k < 12; k++) {
    const { Target } = freshTarget();
    const w = new Function(`// w ${unique++}\nreturn (wrapped, instance, args) => { ${'void 0;'.repeat(k)} return wrapped(...args); }`)();
    const s = new Function('original', `// s ${unique++}\nreturn function () { ${'void 0;'.repeat(k)} return original.apply(this, arguments); }`);
    if (impl.startsWith('shimmer'))
      shimmer.wrap(
        Target.prototype,
        'm',
        impl === 'shimmer (...args)'
          ? (o) =>
              function (...a) {
                return o.apply(this, a);
              }
          : s,
      );
    else if (impl === 'wrapt-hooks (dist)') wrapFunctionWrapper(Target.prototype, 'm', w);
    else if (impl === 'wrapt-hooks wrapObject (raw)') wrapObject(Target.prototype, 'm', s);
    const o = new Target();
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += o.m(i, k);
    if (sum === -1) console.log(sum);
  }
}

function bench(impl) {
  pollute(impl);
  const receiver = install(impl);
  const loop = freshLoop();
  const check = loop(receiver, 10);
  if (check !== 55) throw new Error(`${impl}: the wrapped call returned ${check}, expected 55`);
  return {
    impl,
    loop: (n) => loop(receiver, n),
    run() {
      const start = cpuNow();
      const sum = loop(receiver, ITER);
      const ns = (cpuNow() - start) / ITER;
      if (sum !== expectedSum) throw new Error(`${impl}: wrong result ${sum}`);
      return ns;
    },
  };
}
// CPU time of this process in ns (microsecond resolution): a sample is not charged for the time
// other processes hold the CPU, so pairs stay comparable on a busy machine. Samples are tens of
// milliseconds long.
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};
// sum over i of (i + 1)
const expectedSum = (ITER * (ITER - 1)) / 2 + ITER;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const REFERENCE = 'shimmer (arguments)';
const IMPLS = ['bare', 'shimmer (...args)', 'wrapt-hooks (dist)', 'wrapt-hooks wrapObject (raw)'];

const COUNT = process.env.WRAPT_BENCH_MICRO_COUNT;
if (COUNT !== undefined) {
  // One implementation under callgrind: the same warm-up as a timed run, then `calls` more.
  const [impl, calls] = COUNT.split('\t');
  const one = bench(impl);
  for (let w = 0; w < 5; w++) one.run();
  if (Number(calls) > 0) one.loop(Number(calls));
  process.exit(0);
}
if (mode === '--instructions') {
  const calls = Number(process.env.WRAPT_BENCH_MICRO_CALLS || 2_000_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'wrapt-micro-'));
  const counted = (impl, n) => {
    const out = path.join(tmp, 'callgrind.out');
    const env = { ...process.env, WRAPT_BENCH_MICRO_COUNT: `${impl}\t${n}`, WRAPT_BENCH_MICRO_ITER: process.env.WRAPT_BENCH_MICRO_ITER || '300000' };
    const argv = [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--single-threaded',
      ...process.execArgv,
      process.argv[1],
      shape,
      root,
      benchModules,
    ];
    const r = spawnSync('valgrind', argv, { env, encoding: 'utf8' });
    rmSync(out, { force: true });
    const m = /Collected : (\d+)/.exec(r.stderr);
    if (r.status !== 0 || m === null) throw new Error(`valgrind failed for ${impl} (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
    return Number(m[1]);
  };
  const results = [];
  for (const impl of chosen.length > 0 ? chosen : [REFERENCE, ...IMPLS]) {
    const perCall = (counted(impl, calls) - counted(impl, 0)) / calls;
    results.push({ impl, instructions: Math.round(perCall * 10) / 10 });
  }
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ shape, node: process.version, clock: 'instructions', calls, results }) + '\n');
  process.exit(0);
}

const reference = bench(REFERENCE);
const others = IMPLS.map(bench);
// Warm-up: every loop optimized before any number is kept.
for (let w = 0; w < 5; w++) {
  reference.run();
  for (const other of others) other.run();
}
const refNs = [];
const results = [];
for (const other of others) {
  const ratios = [];
  const ns = [];
  for (let p = 0; p < PAIRS; p++) {
    let a;
    let b;
    if (p % 2 === 0) {
      a = other.run();
      b = reference.run();
    } else {
      b = reference.run();
      a = other.run();
    }
    ratios.push(a / b);
    ns.push(a);
    refNs.push(b);
  }
  results.push({ impl: other.impl, ns: median(ns), ratio: median(ratios) });
}
results.unshift({ impl: REFERENCE, ns: median(refNs), ratio: 1 });
process.stdout.write(JSON.stringify({ shape, node: process.version, clock: 'cpu', pairs: PAIRS, iterations: ITER, reference: REFERENCE, results }) + '\n');
