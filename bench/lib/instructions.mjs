#!/usr/bin/env node
// Instructions executed by a start-up, counted by valgrind's callgrind: a number that load from
// other processes does not move, for comparing two preloads on a busy machine where wall-time
// ratios are too noisy to resolve a few percent. Slow (each run takes about 50 times a normal
// start) and optional: not part of `npm run bench`; valgrind must be installed.
//
//   node bench/lib/instructions.mjs [--node /path/to/node] [--runs N] [--esm] [--app NAME] [--flags '…'] [--shared-cache] <preload>…
//
// Each preload gets a code cache directory of its own (XDG_CACHE_HOME in a temporary directory), so
// that its first run, in this app, writes the entry the later runs use: what an entry holds depends
// on the start that wrote it (src/start.ts), and a shared one made the counts depend on whichever
// app ran first. `--shared-cache` uses the user's own directory instead. The first run is the one
// that writes it: compare the later ones.
//
// A patch's `require('wrapt-hooks')` goes through the app's node_modules/wrapt-hooks, a link to
// this repository: while a copy elsewhere is counted (another build, a worktree), the link points
// at that copy, or the count would include loading this repository's build as a second copy
// (about 60 M in the real-package app, whose fastify patch requires the library).
//
// Each <preload> is `bare` (no preload) or a register file (`register.js`, or a copy of the
// package elsewhere); every one runs in the start-up app, or in `--app` cjs-heavy, esm-heavy or
// real (bench/.work/apps/NAME, made by `npm run bench`). Prints one line per preload: the median instruction count, and the same
// without the instructions spent in functions whose cost varies from run to run by itself
// (OpenSSL's prime tests and V8's hash seed, together up to ±5 million; see FINDINGS.md).
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORK } from './context.mjs';
import { median } from './measure.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  return args.splice(at, 2)[1];
};
const node = option('--node', process.execPath);
const runs = Number(option('--runs', '1'));
// Node flags before the preload, e.g. `--flags --single-threaded` (no V8 background threads: the
// heavy apps' counts then do not depend on how the threads were scheduled).
const flags = option('--flags', '').split(' ').filter(Boolean);
const esm = args.includes('--esm') ? args.splice(args.indexOf('--esm'), 1) && true : false;
const appName = option('--app', 'startup');
const sharedCache = args.includes('--shared-cache') ? args.splice(args.indexOf('--shared-cache'), 1) && true : false;
const app = path.join(WORK, 'apps', appName);
if (!existsSync(app)) throw new Error(`bench/.work/apps/${appName} is missing: run \`npm run bench\` once (WRAPT_BENCH_QUICK=1 is enough)`);
const NOISE = /sprp|HashSeed/;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'wrapt-instructions-'));

function count(preload, run, cacheHome) {
  const out = path.join(tmp, `${run}.out`);
  const flag = esm ? '--import' : '-r';
  const nodeArgs = [...flags, ...(preload === 'bare' ? [] : [flag, path.resolve(preload)])];
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, node, ...nodeArgs, esm ? 'app.mjs' : 'app.js'], {
    cwd: app,
    encoding: 'utf8',
    env: sharedCache ? process.env : { ...process.env, XDG_CACHE_HOME: cacheHome },
  });
  if (r.status !== 0) throw new Error(`valgrind failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const text = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout;
  rmSync(out, { force: true });
  let total = 0;
  let noise = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+) \(/.exec(line);
    if (!m) continue;
    const n = Number(m[1].replace(/,/g, ''));
    if (line.includes('PROGRAM TOTALS')) total = n;
    else if (NOISE.test(line)) noise += n;
  }
  return { total, steady: total - noise };
}

const link = path.join(app, 'node_modules', 'wrapt-hooks');
const linked = existsSync(link) && lstatSync(link).isSymbolicLink() ? readlinkSync(link) : undefined;

/** Points the app's node_modules/wrapt-hooks at `target` (replaced in one rename). */
function pointLink(target) {
  const next = `${link}.${process.pid}`;
  symlinkSync(target, next, 'dir');
  renameSync(next, link);
}

function countWith(preload, cacheHome) {
  const root = preload === 'bare' ? undefined : path.dirname(path.resolve(preload));
  const elsewhere = linked !== undefined && root !== undefined && root !== path.resolve(app, 'node_modules', linked);
  if (elsewhere) pointLink(root);
  try {
    return Array.from({ length: runs }, (_, run) => count(preload, run, cacheHome));
  } finally {
    if (elsewhere) pointLink(linked);
  }
}

for (const [index, preload] of args.entries()) {
  const cacheHome = path.join(tmp, `cache-${index}`);
  const results = countWith(preload, cacheHome);
  const m = (key) => (median(results.map((r) => r[key])) / 1e6).toFixed(1);
  const each = runs > 1 ? `\t(each: ${results.map((r) => (r.steady / 1e6).toFixed(1)).join(', ')})` : '';
  process.stdout.write(`${preload}\t${m('total')} M instructions\t${m('steady')} M without the varying functions${each}\n`);
}
rmSync(tmp, { recursive: true, force: true });
