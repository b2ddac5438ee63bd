// Paired measurements: two commands run alternately in this process (A B, then B A, ...),
// each timed around a synchronous spawn, after warm-up pairs whose numbers are thrown away.
// A pair gives one ratio A/B and one difference A-B; we report their medians, so a burst of
// load from something else on the machine moves single pairs, not the result. The apps also
// print their own CPU time at exit: its ratio is a second opinion that waiting for a busy CPU
// does not inflate (it misses only the process teardown after the exit handlers).
import { spawnSync } from 'node:child_process';

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The interquartile range [q1, q3] (for the spread column). */
export function quartiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  return [at(0.25), at(0.75)];
}

/**
 * Runs one command; returns { ms, rss (KiB, from the app's `rss=` line, if printed), stdout }.
 * Throws when the command fails: a benchmark of a broken command measures nothing.
 */
export function runOnce(cmd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd.node, cmd.args, { cwd: cmd.cwd, env: cmd.env, encoding: 'utf8', timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || result.status !== 0) {
    throw new Error(
      `benchmark command failed (${result.error ? result.error.message : `exit ${result.status}`}): ${describe(cmd)}\n${(result.stderr || '').slice(0, 2000)}`,
    );
  }
  const match = /rss=(\d+) cpu=(\d+)/.exec(result.stdout);
  return { ms, rss: match ? Number(match[1]) : undefined, cpuMs: match ? Number(match[2]) / 1000 : undefined, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Measures A against B: `warmup` pairs discarded, then `pairs` pairs alternating the order.
 * Returns medians of per-pair ratio and difference, and of each side's time and RSS.
 */
export function comparePair(a, b, { pairs, warmup }) {
  for (let i = 0; i < warmup; i++) {
    runOnce(a);
    runOnce(b);
  }
  const ratios = [];
  const deltas = [];
  const aMs = [];
  const bMs = [];
  const rssDeltas = [];
  const cpuRatios = [];
  const aRss = [];
  const bRss = [];
  for (let i = 0; i < pairs; i++) {
    let ra;
    let rb;
    if (i % 2 === 0) {
      ra = runOnce(a);
      rb = runOnce(b);
    } else {
      rb = runOnce(b);
      ra = runOnce(a);
    }
    ratios.push(ra.ms / rb.ms);
    deltas.push(ra.ms - rb.ms);
    aMs.push(ra.ms);
    bMs.push(rb.ms);
    if (ra.rss !== undefined && rb.rss !== undefined) {
      rssDeltas.push(ra.rss - rb.rss);
      cpuRatios.push(ra.cpuMs / rb.cpuMs);
      aRss.push(ra.rss);
      bRss.push(rb.rss);
    }
  }
  return {
    pairs,
    ratio: median(ratios),
    ratioIqr: quartiles(ratios),
    deltaMs: median(deltas),
    aMs: median(aMs),
    bMs: median(bMs),
    cpuRatio: cpuRatios.length ? median(cpuRatios) : undefined,
    rssDeltaKiB: rssDeltas.length ? median(rssDeltas) : undefined,
    aRssKiB: aRss.length ? median(aRss) : undefined,
    bRssKiB: bRss.length ? median(bRss) : undefined,
  };
}

/**
 * Measures several commands against each other in rounds: every round runs each command once,
 * in an order that rotates from round to round (so no command always runs first, or always right
 * after a given other one). `warmup` rounds are discarded. Returns each command's median time and
 * RSS, and for every ordered pair [i, j] the median of the per-round ratios i/j and differences
 * i - j, so that "before vs bare", "after vs bare" and "after vs before" come from the same rounds.
 */
export function compareRounds(cmds, { rounds, warmup }) {
  const n = cmds.length;
  const samples = cmds.map(() => []);
  for (let r = -warmup; r < rounds; r++) {
    const order = Array.from({ length: n }, (_, k) => (k + Math.max(r, 0)) % n);
    if (Math.max(r, 0) % 2 === 1) order.reverse();
    const got = new Array(n);
    for (const i of order) got[i] = runOnce(cmds[i]);
    if (r >= 0) got.forEach((result, i) => samples[i].push(result));
  }
  const each = samples.map((list) => ({
    ms: median(list.map((s) => s.ms)),
    cpuMs: list[0].cpuMs === undefined ? undefined : median(list.map((s) => s.cpuMs)),
    rssKiB: list[0].rss === undefined ? undefined : median(list.map((s) => s.rss)),
  }));
  const pair = (i, j) => {
    const ratios = samples[i].map((s, k) => s.ms / samples[j][k].ms);
    const cpu = samples[i][0].cpuMs === undefined ? undefined : median(samples[i].map((s, k) => s.cpuMs / samples[j][k].cpuMs));
    const rss = samples[i][0].rss === undefined ? undefined : median(samples[i].map((s, k) => s.rss - samples[j][k].rss));
    return {
      ratio: median(ratios),
      ratioIqr: quartiles(ratios),
      deltaMs: median(samples[i].map((s, k) => s.ms - samples[j][k].ms)),
      cpuRatio: cpu,
      rssDeltaKiB: rss,
    };
  };
  return { rounds, each, pair };
}

/** The command as a user would type it (env additions first, paths shortened by `shorten`). */
export function describe(cmd, shorten = (s) => s) {
  const env = Object.entries(cmd.shownEnv ?? {})
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return `${env}node ${cmd.args.map((arg) => shorten(arg)).join(' ')}`;
}
