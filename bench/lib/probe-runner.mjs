// Runs the probes in bench/lib/probes/: every `*.mjs` file there is one section of RESULTS.md.
// A probe file exports
//
//   export const title = 'Heading of its section';
//   export const about = 'One paragraph: what its rows measure and how (Markdown).';
//   export default async function rows(ctx) { return [/* rows */]; }
//
// and is called once per Node line. A row is either
//   - a start-up pair, made by `ctx.pair({ id, what, args, … })`: `node <args> app.js` against the
//     bare app (or against `versus`), alternating, like the goal rows; or
//   - a value the probe measured itself: `{ id, what, value, unit, range?: [low, high] }` (ns per
//     call, ms to build, KiB, …), typically printed as JSON by a script run in a child with
//     `ctx.child(script, args)` on the Node line being measured.
// `ctx` (see makeContext) has the Node line, the apps, the repository and a few helpers. A probe
// that does not apply to a Node line returns no row for it; one that throws fails the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH, BENCH_MODULES, CHILD_ENV, ROOT, WORK, cmd, log, record, syncHooks } from './context.mjs';
import { comparePair } from './measure.mjs';
import { LOADED, TARGETS } from './fixtures.mjs';

const DIR = path.join(BENCH, 'lib', 'probes');

/** The probe modules, in file-name order; `only` (a Set of file names without .mjs) filters them. */
export async function loadProbes(only) {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const probes = [];
  for (const file of files) {
    const name = file.replace(/\.mjs$/, '');
    if (only && !only.has(name)) continue;
    const mod = await import(pathToFileURL(path.join(DIR, file)).href);
    if (typeof mod.default !== 'function') throw new Error(`bench/lib/probes/${file}: the default export must be a function returning rows`);
    probes.push({ name, title: mod.title ?? name, about: mod.about ?? '', run: mod.default });
  }
  return probes;
}

export function makeContext({ node, apps, quick }) {
  const pairs = quick ? 4 : 11;
  const probeDir = path.join(WORK, 'probes');
  mkdirSync(probeDir, { recursive: true });
  return {
    node,
    apps,
    quick,
    root: ROOT,
    bench: BENCH,
    work: WORK,
    benchModules: BENCH_MODULES,
    targets: TARGETS,
    loaded: LOADED,
    syncHooks: syncHooks(node.version),
    log: (message) => log(`${node.label}: ${message}`),
    /** Writes a small file under bench/.work/probes/ and returns its path. */
    file(name, body) {
      const full = path.join(probeDir, name);
      writeFileSync(full, body);
      return full;
    },
    /**
     * A start-up pair: `node <args> <entry>` in the app `app` (startup, cjsHeavy, esmHeavy) against
     * `node <versus> <entry>` (default: the bare app). `esm` runs app.mjs; `env` is added to A only.
     */
    pair({ id, what, app = 'startup', esm = false, args, versus = [], env = {}, pairs: n, warmup = 2 }) {
      log(`${node.label}: probe ${id}`);
      const dir = apps[app];
      const entry = esm || app === 'esmHeavy' ? 'app.mjs' : 'app.js';
      const a = cmd(node, dir, [...args, entry], env);
      const b = cmd(node, dir, [...versus, entry]);
      const result = comparePair(a, b, { pairs: quick ? Math.min(n ?? pairs, 4) : (n ?? pairs), warmup: quick ? 1 : warmup });
      return { kind: 'pair', id, what, a: record(a), b: record(b), ...result };
    },
    /** Runs `node <script> <args>` on this Node line; returns the JSON object its last stdout line holds. */
    child(script, args = [], env = {}) {
      const r = spawnSync(node.bin, [script, ...args], { env: { ...CHILD_ENV, ...env }, encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`${node.label}: ${path.basename(script)} failed (exit ${r.status}):\n${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop());
    },
  };
}

export async function runProbes(probes, ctx) {
  const out = {};
  for (const probe of probes) {
    const rows = (await probe.run(ctx)) ?? [];
    out[probe.name] = rows.map((row) => ({ kind: row.kind ?? 'value', ...row }));
  }
  return out;
}

export { cmd };
