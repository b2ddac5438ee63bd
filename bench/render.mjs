#!/usr/bin/env node
// Renders bench/RESULTS.md from the results files bench/run.mjs writes (bench/results/*.json):
// the newest run's goals in detail, each other section from the newest run that has it (a run of
// some sections, WRAPT_BENCH_ONLY, leaves the rest as they were), every run with a baseline as
// "before / after", and one line per run as history. `node bench/render.mjs [results.json …] [--out file]`; run.mjs calls it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(BENCH, 'results');

const f2 = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(2));
const f1 = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(1));
const mib = (kib) => (kib === undefined || kib === null ? '—' : (kib / 1024).toFixed(1));
const signed = (x, f = f1) => (x === undefined || x === null ? '—' : `${x >= 0 ? '+' : ''}${f(x)}`);
const code = (s) => `\`${s}\``;
const verdict = (ok) => (ok ? '**pass**' : '**FAIL**');
/** Whether `run` measured section `key` on any Node line. */
const has = (run, key) => run.nodes.some((n) => run.data[n.version]?.[key]);
/** When `run` started, to the minute (UTC). */
const when = (run) => run.started.slice(0, 16).replace('T', ' ');

// The goals (issue "Cheap again"): a ratio at most `max`, judged on the Node lines in `lines`.
// A row without `max` is measured and shown, not judged.
const GOALS = {
  'cjs-startup': {
    scenario: 'start-up, CommonJS app, config with 20 patches whose targets are not imported',
    goal: '≤ 1.15 on Node 24',
    max: 1.15,
    lines: [24],
  },
  'esm-startup': { scenario: 'start-up, ESM app, same config', goal: '≤ 1.18 on Node 24', max: 1.18, lines: [24] },
  'esm-vs-empty-loader': {
    scenario: 'start-up, ESM app, against an empty `module.register` loader',
    goal: '≤ 1.10 on Node 20',
    max: 1.1,
    lines: [20],
  },
  'cjs-heavy': {
    scenario: 'require-heavy app: 1,000 generated CommonJS modules (40 packages × 25), 2 of the 20 targets loaded',
    goal: '≤ 1.25 on Node 24',
    max: 1.25,
    lines: [24],
  },
  'esm-heavy': { scenario: 'import-heavy ESM app: 1,000 generated modules, 2 of the 20 targets imported', goal: 'not a goal (shown for reference)' },
  'real-cjs': {
    scenario: 'real-package app: @aws-sdk/client-s3, fastify, webpack, eslint, sequelize (about 660 CommonJS modules; fastify a target), CommonJS',
    goal: '≤ 1.06 on Node 24',
    max: 1.06,
    lines: [24],
  },
  'real-esm': { scenario: 'the same real-package app through ES `import`s', goal: '≤ 1.10 on Node 24', max: 1.1, lines: [24] },
};
// Peak RSS added (with − without the preload) at start-up, judged on Node 22 and 24.
const RSS_GOAL = { ids: ['cjs-startup', 'esm-startup'], maxKiB: 3 * 1024, goal: '≤ 3 MiB on Node 22/24', lines: [22, 24] };
const SHAPES = {
  exports: 'call `mod.f(i, 1)` (a function called on its module object)',
  method: 'method call `obj.m(i, 1)` (class method)',
  plain: 'plain call `f(i, 1)` (`this` undefined)',
  poly: 'method call after 12 other functions were wrapped the same way (shared wrapper code sees many wrappers)',
};
// Per-call goals (ours / shimmer), judged on Node 24: a plain call at most as slow as shimmer's,
// a method call within 1.20 of it. A shape without a goal is shown, not judged.
const MICRO_GOALS = { exports: 1.0, plain: 1.0, method: 1.2 };
const MICRO_LINES = [24];
const pairCell = (r) => (r ? `${f2(r.ratio)} [${f2(r.ratioIqr?.[0])}–${f2(r.ratioIqr?.[1])}] (${signed(r.deltaMs)} ms; CPU ${f2(r.cpuRatio)})` : '—');

export function load(files) {
  return files.map((file) => ({ file: path.basename(file), ...JSON.parse(readFileSync(file, 'utf8')) })).sort((a, b) => a.started.localeCompare(b.started));
}

function header(run, p) {
  const m = run.machine;
  const sw = run.software;
  p(
    `- run ${code(run.file)}: ${when(run)} UTC, ${((Date.parse(run.finished) - Date.parse(run.started)) / 60000).toFixed(1)} min${run.quick ? ' — **QUICK mode (few pairs: indicative only)**' : ''}`,
  );
  p(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memGiB} GiB; ${m.kernel}`);
  const busy = Math.max(m.loadStart, m.loadEnd) > m.cores;
  p(
    `- load average (1 min) at start ${f2(m.loadStart)}, at end ${f2(m.loadEnd)}${busy ? ' — **the machine was busy with other work: absolute times are inflated; the paired ratios are more robust but noisier**' : ''}`,
  );
  p(`- Node: ${run.nodes.map((n) => `${n.label} = v${n.version} (ESM hooks: ${n.esm})`).join('; ')}`);
  p(
    `- wrapt-hooks ${sw.wraptHooks.version} at ${sw.wraptHooks.commit}${sw.wraptHooks.dirty ? ' + uncommitted changes' : ''} (${sw.wraptHooks.subject}); ${Object.entries(
      sw.packages,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  if (sw.baseline) p(`- baseline (“${sw.baseline.label}”): ${sw.baseline.commit} (${sw.baseline.subject})`);
  if (run.note) p(`- note: ${run.note}`);
  if (run.partial) p(`- **partial run**: ${run.partial}`);
  p(
    `- bench/package.json: ${Object.entries(sw.bench)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

function goals(run, p) {
  const { nodes, data } = run;
  p(`| scenario | measured (A / B) | goal | ${nodes.map((n) => n.label).join(' | ')} | result |`);
  p(`| --- | --- | --- | ${nodes.map(() => '---').join(' | ')} | --- |`);
  const failing = [];
  const judge = (ok, lines, judgedAny) =>
    judgedAny ? `${verdict(ok)}${lines ? '' : ' (all lines)'}` : lines ? `not measured on Node ${lines.join('/')}` : 'shown only';
  for (const [id, g] of Object.entries(GOALS)) {
    const per = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === id));
    const sample = per.find((r) => r && !r.missing);
    if (!sample) {
      const missing = per.find((r) => r?.missing);
      if (missing) p(`| ${g.scenario} | — | ${g.goal} | ${nodes.map(() => '—').join(' | ')} | not measured: ${missing.missing} |`);
      continue;
    }
    const judged =
      g.max === undefined ? [] : nodes.map((n, i) => ({ n, r: per[i] })).filter(({ n, r }) => r && !r.missing && (!g.lines || g.lines.includes(n.major)));
    const ok = judged.every(({ r }) => r.ratio <= g.max);
    if (judged.length && !ok) failing.push(g.scenario);
    const cells = per.map((r) => (r && !r.missing ? `${pairCell(r)} ${f1(r.aMs)} / ${f1(r.bMs)} ms` : '—'));
    p(
      `| ${g.scenario} | ${code(sample.a.command)} / ${code(sample.b.command)} | ${g.goal} | ${cells.join(' | ')} | ${g.max === undefined ? 'shown only' : judge(ok, g.lines, judged.length > 0)} |`,
    );
  }
  if (has(run, 'micro')) {
    const shapes = [...Object.keys(SHAPES)];
    for (const n of nodes) for (const row of data[n.version]?.micro ?? []) if (!shapes.includes(row.shape)) shapes.push(row.shape);
    for (const shape of shapes) {
      const per = nodes.map((n) => data[n.version]?.micro?.find((r) => r.shape === shape));
      if (!per.some(Boolean)) continue;
      const ours = (row) => row?.results.find((r) => r.impl === 'wrapt-hooks (dist)');
      const goal = MICRO_GOALS[shape];
      const judged = goal === undefined ? [] : nodes.map((n, i) => ({ n, r: ours(per[i]) })).filter(({ n, r }) => r && MICRO_LINES.includes(n.major));
      const ok = judged.every(({ r }) => r.ratio <= goal);
      if (judged.length && !ok) failing.push(`wrapper call (${shape})`);
      const cells = per.map((row) => (ours(row) ? `${f2(ours(row).ratio)} (${f1(ours(row).ns)} / ${f1(row.results[0].ns)} ns)` : '—'));
      p(
        `| a call through \`wrapFunctionWrapper\` vs shimmer: ${SHAPES[shape] ?? shape} | ns per call, \`(w, i, args) => w(...args)\` / \`function () { return orig.apply(this, arguments) }\` | ${goal === undefined ? 'not a goal' : `≤ ${f2(goal)} on Node ${MICRO_LINES.join('/')}`} | ${cells.join(' | ')} | ${goal === undefined ? 'shown only' : judge(ok, MICRO_LINES, judged.length > 0)} |`,
      );
    }
  }
  for (const id of ['cjs-startup', 'esm-startup', 'cjs-heavy', 'esm-heavy', 'real-cjs', 'real-esm']) {
    const per = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === id && !r.missing));
    if (!per.some(Boolean)) continue;
    const goal = RSS_GOAL.ids.includes(id);
    const judged = goal
      ? nodes.map((n, i) => ({ n, r: per[i] })).filter(({ n, r }) => r && r.rssDeltaKiB !== undefined && RSS_GOAL.lines.includes(n.major))
      : [];
    const ok = judged.every(({ r }) => r.rssDeltaKiB <= RSS_GOAL.maxKiB);
    if (judged.length && !ok) failing.push(`peak RSS added (${id})`);
    p(
      `| peak memory added: ${GOALS[id].scenario.split(/[:,]/)[0]} (${id}) | RSS with − without (MiB) | ${goal ? RSS_GOAL.goal : 'not a goal'} | ${per.map((r) => (r ? `${mib(r.rssDeltaKiB)} (${mib(r.aRssKiB)} vs ${mib(r.bRssKiB)})` : '—')).join(' | ')} | ${goal ? judge(ok, RSS_GOAL.lines, judged.length > 0) : 'shown only'} |`,
    );
  }
  p();
  p(
    'Cells: median wall-time ratio A/B [interquartile range of the per-pair ratios] (median Δ per pair; median CPU-time ratio) and the median times of A / B. A goal that names a Node line is judged on that line only; a row whose goal names no line measured here says so.',
  );
  p();
  p(failing.length === 0 ? '**All goals measured here pass.**' : `**Failing:** ${failing.join('; ')}.`);
}

function versus(run, p) {
  const { nodes, data } = run;
  const b = run.software.baseline;
  p(
    `Three commands per round — the bare app, the preload of ${b.label} (${b.commit}) and the preload of this tree (${run.software.wraptHooks.commit}) — in an order that rotates each round; every tree has its own copy of the apps, its preload reached as \`wrapt-hooks/register\`. **after / before** below 1 means this tree starts faster. Cells: median ratio [IQR] (median Δ per round; CPU-time ratio).`,
  );
  p();
  p(`| scenario | Node | before / bare | after / bare | **after / before** | RSS added before → after (MiB) | rounds |`);
  p('| --- | --- | --- | --- | --- | --- | --- |');
  for (const id of ['cjs-startup', 'esm-startup', 'cjs-heavy', 'esm-heavy']) {
    for (const n of nodes) {
      const r = data[n.version]?.versus?.find((x) => x.id === id);
      if (!r) continue;
      p(
        `| ${id} | ${n.label} | ${pairCell(r.before)} | ${pairCell(r.after)} | **${f2(r.afterVsBefore.ratio)}** [${f2(r.afterVsBefore.ratioIqr[0])}–${f2(r.afterVsBefore.ratioIqr[1])}] (${signed(r.afterVsBefore.deltaMs)} ms; CPU ${f2(r.afterVsBefore.cpuRatio)}) | ${mib(r.before.rssDeltaKiB)} → ${mib(r.after.rssDeltaKiB)} | ${r.rounds} |`,
      );
    }
  }
}

function peers(run, p) {
  const { nodes, data } = run;
  p(`| command A / \`node app.js\` | ${nodes.map((n) => n.label).join(' | ')} |`);
  p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
  const cell = (r) => (r && !r.missing ? `${f2(r.ratio)} (${signed(r.deltaMs)} ms, ${signed(r.rssDeltaKiB / 1024)} MiB)` : (r?.missing ?? '—'));
  const ours = nodes.map((n) => data[n.version]?.goals?.find((r) => r.id === 'cjs-startup'));
  if (ours.some(Boolean)) p(`| ${code(ours.find(Boolean).a.command)} (this project, 20 patches) | ${ours.map(cell).join(' | ')} |`);
  for (const id of ['dd-trace', 'opentelemetry']) {
    const per = nodes.map((n) => data[n.version]?.compare?.find((r) => r.id === id));
    const sample = per.find((r) => r && !r.missing);
    p(`| ${sample ? code(sample.a.command) : id} | ${per.map(cell).join(' | ')} |`);
  }
  p();
  p(
    `Peers: ${run.settings.comparePairs} pairs after 2 warm-up pairs. OpenTelemetry runs with \`OTEL_{TRACES,METRICS,LOGS}_EXPORTER=none\` and local resource detectors only; dd-trace with its agent URL on loopback and telemetry / remote configuration off (nothing leaves the machine). Both still load all their instrumentations.`,
  );
}

function probes(run, p, source = () => {}) {
  const { nodes, data } = run;
  for (const probe of run.probes) {
    const ids = [];
    for (const n of nodes) for (const r of data[n.version]?.probes?.[probe.name] ?? []) if (!ids.includes(r.id)) ids.push(r.id);
    if (!ids.length) continue;
    p(`## ${probe.title}`);
    p();
    source();
    p(`${probe.about} (bench/lib/probes/${probe.name}.mjs)`);
    p();
    p(`| probe | what it does | ${nodes.map((n) => n.label).join(' | ')} |`);
    p(`| --- | --- | ${nodes.map(() => '---').join(' | ')} |`);
    for (const id of ids) {
      const per = nodes.map((n) => data[n.version]?.probes?.[probe.name]?.find((r) => r.id === id));
      const s = per.find(Boolean);
      const versusNote = s.kind === 'pair' && s.b.command !== `node ${s.a.command.split(' ').pop()}` ? ` (baseline: ${code(s.b.command)})` : '';
      const cell = (r) =>
        !r
          ? 'n/a'
          : r.kind === 'pair'
            ? `${signed(r.deltaMs)} ms (${f2(r.ratio)} [${f2(r.ratioIqr?.[0])}–${f2(r.ratioIqr?.[1])}]; CPU ${f2(r.cpuRatio)}; ${signed((r.rssDeltaKiB ?? NaN) / 1024)} MiB)`
            : `${typeof r.value === 'number' ? f2(r.value) : r.value} ${r.unit ?? ''}${r.range ? ` [${f2(r.range[0])}–${f2(r.range[1])}]` : ''}`;
      p(`| ${s.id} | ${s.what}${versusNote} | ${per.map(cell).join(' | ')} |`);
    }
    p();
  }
}

function profiles(run, p) {
  for (const n of run.nodes) {
    const prof = run.data[n.version]?.profile;
    if (!prof) continue;
    for (const id of ['cjs', 'esm']) {
      const r = prof[id];
      p(
        `- **${n.label}, ${id === 'cjs' ? '`-r`, app.js' : '`--import`, app.mjs'}** (${f1(r.totalMs)} ms sampled with the preload, ${f1(r.bareMs)} without): ${r.top.map((t) => `${t.group} +${f1(t.ms)}`).join(' · ')}`,
      );
    }
  }
}

function micro(run, p) {
  const { nodes, data } = run;
  for (const shape of Object.keys(SHAPES)) {
    p(`**${SHAPES[shape]}**`);
    p();
    p(`| implementation | ${nodes.map((n) => `${n.label} ns (ratio)`).join(' | ')} |`);
    p(`| --- | ${nodes.map(() => '---').join(' | ')} |`);
    const impls = [];
    for (const n of nodes)
      for (const r of data[n.version]?.micro?.find((x) => x.shape === shape)?.results ?? []) if (!impls.includes(r.impl)) impls.push(r.impl);
    for (const impl of impls) {
      const cells = nodes.map((n) => data[n.version]?.micro?.find((x) => x.shape === shape)?.results.find((x) => x.impl === impl));
      p(`| ${impl} | ${cells.map((r) => (r ? `${f1(r.ns)} (${f2(r.ratio)})` : '—')).join(' | ')} |`);
    }
    p();
  }
}

function history(runs, p) {
  p(
    '| run | commit | quick | load (start / end) | CJS start-up 20 / 22 / 24 | ESM start-up 20 / 22 / 24 | require-heavy 20 / 22 / 24 | after / before, CJS start-up |',
  );
  p('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const by = (run, id, major) => run.data[run.nodes.find((n) => n.major === major)?.version]?.goals?.find((r) => r.id === id)?.ratio;
  for (const run of runs) {
    const three = (id) => [20, 22, 24].map((m) => f2(by(run, id, m))).join(' / ');
    const vs = run.nodes.map((n) => f2(run.data[n.version]?.versus?.find((r) => r.id === 'cjs-startup')?.afterVsBefore.ratio)).join(' / ');
    p(
      `| ${code(run.file)} | ${run.software.wraptHooks.commit} | ${run.quick ? 'yes' : ''} | ${f2(run.machine.loadStart)} / ${f2(run.machine.loadEnd)} | ${three('cjs-startup')} | ${three('esm-startup')} | ${three('cjs-heavy')} | ${run.software.baseline ? vs : ''} |`,
    );
  }
  p();
  p('Runs before the results were kept as data (the tree before the reshape): [results/2026-11-26-0715-f09533f.md](results/2026-11-26-0715-f09533f.md).');
}

export function render(runs) {
  const full = runs.filter((r) => !r.quick);
  // The newest run holding a section (a run of some sections, WRAPT_BENCH_ONLY, leaves the others
  // to older runs); the goals' run is the main one.
  const newest = (key) => [...(full.length ? full : runs)].reverse().find((run) => has(run, key));
  const main = newest('goals') ?? runs.at(-1);
  const L = [];
  const p = (line = '') => L.push(line);
  p('# wrapt-hooks benchmarks');
  p();
  p(
    `Rendered by \`node bench/render.mjs\` from the results files in bench/results/ (written by \`npm run bench\`). Do not edit by hand. What the numbers mean: [FINDINGS.md](FINDINGS.md).`,
  );
  p();
  p('## Machine and software');
  p();
  header(main, p);
  p();
  p('## Method');
  p();
  p(
    `Each row compares two commands run alternately by one process (A B, B A, …), each timed around a synchronous spawn (wall clock, process start to exit). ${main.settings.warmup} warm-up pairs are thrown away, then ${main.settings.pairs} pairs are kept; **ratio** is the median of the per-pair ratios A/B, **Δ** the median per-pair difference. RSS is the child's peak resident set (\`process.resourceUsage().maxRSS\`, printed by every app at exit). The apps (bench/lib/fixtures.mjs, generated in \`bench/.work/apps/\`) install wrapt-hooks as users do (\`node_modules/wrapt-hooks\` links to the repository), so \`wrapt-hooks/register\` goes through the package's exports map. The config (\`.wrapt-hooksrc.json\`) has ${main.config.targets.length} targets — ${main.config.targets.map(code).join(', ')} — each with a lazy patch; a quarter carry a \`versions\` range. The heavy apps load ${main.config.heavyModules.toLocaleString('en')} generated modules plus fake \`pg\` and \`redis\`, whose patches are checked to be applied before anything is timed.${main.config.realPackages ? ` The real-package app loads ${main.config.realPackages.map(code).join(', ')} from bench/node_modules (about 660 CommonJS modules) with the same 20 targets, fastify's patch wrapping its factory and the others doing nothing; fastify's is checked to be applied, by \`require\` and by \`import\`, before anything is timed.` : ''}`,
  );
  p();
  if (has(main, 'goals')) {
    p('## Goals');
    p();
    goals(main, p);
    p();
  }
  const withBaselines = [...runs].reverse().filter((r) => r.software.baseline && has(r, 'versus'));
  if (withBaselines.length) {
    const first = withBaselines[0];
    p(`## Before / after: ${first.software.baseline.label} (${first.software.baseline.commit}) against ${first.software.wraptHooks.commit}`);
    p();
    for (const run of withBaselines) {
      p(
        `**Run ${code(run.file)}** (${when(run)} UTC, load ${f2(run.machine.loadStart)} → ${f2(run.machine.loadEnd)}; ${run.software.baseline.label} = ${run.software.baseline.commit}, after = ${run.software.wraptHooks.commit})${run.note ? `. ${run.note}` : ''}`,
      );
      p();
      versus(run, p);
      p();
    }
  }
  const from = (run) => {
    if (run === main) return;
    p(`From run ${code(run.file)} (${when(run)} UTC, at ${run.software.wraptHooks.commit}), the newest run with this section.`);
    p();
  };
  const compared = newest('compare');
  if (compared) {
    p('## Comparisons: start-up cost of the peers (same app, same machine)');
    p();
    from(compared);
    peers(compared, p);
    p();
  }
  const probed = newest('probes');
  if (probed) probes(probed, p, () => from(probed));
  const profiled = newest('profile');
  if (profiled) {
    p('## Where the start-up time goes: CPU profile');
    p();
    p(
      `\`node --cpu-prof --cpu-prof-interval 100 -r wrapt-hooks/register app.js\` against the bare app (and \`--import … app.mjs\`), ${profiled.settings.profileRuns} run(s) each averaged; self time grouped by script and listed by how much the preload **added** (ms with − without).`,
    );
    p();
    from(profiled);
    profiles(profiled, p);
    p();
  }
  const measured = newest('micro');
  if (measured) {
    p('## Per-call cost of a wrapper');
    p();
    from(measured);
    p(
      'bench/lib/micro.mjs: ns per call through a pass-through wrapper, median of alternating pairs (implementation, shimmer with `original.apply(this, arguments)`), one process per call shape. `wrapt-hooks wrapObject (raw)` is the hot-path form, where the patch writes the replacement itself.',
    );
    p();
    micro(measured, p);
  }
  p('## History');
  p();
  history(runs, p);
  return `${L.join('\n')}\n`;
}

export function renderFile(files, out = path.join(BENCH, 'RESULTS.md')) {
  const list =
    files ??
    readdirSync(RESULTS)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(RESULTS, f));
  writeFileSync(out, render(load(list)));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at === -1 ? undefined : path.resolve(args.splice(at, 2)[1]);
  const files = args.length ? args.map((f) => path.resolve(f)) : undefined;
  process.stdout.write(`wrote ${renderFile(files, out)}\n`);
}
