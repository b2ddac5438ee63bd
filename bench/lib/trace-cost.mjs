// What a traced call and a recipe's wrapper cost, per call, as users run them: one process per
// row, started with the preload and the row's WRAPT_TRACE / WRAPT_PATCHES, lines written to
// /dev/null through WRAPT_TRACE_FILE (the writer's own cost, not a terminal's). Each process
// times batches of calls after a warm-up and prints the median ns per call.
// The OpenTelemetry rows (docs/opentelemetry.md) run an application that registered the SDK's
// tracer provider with a batch processor (its default queue: a loop that never yields keeps at
// most 2,048 spans, as an application whose event loop turns exports them) and an exporter that
// drops what it gets (the SDK's cost, not a collector's), with export off and on; they need
// bench/node_modules (npm run bench installs it) and are left out without it.
//   node bench/lib/trace-cost.mjs <wrapt-hooks root> <work dir>      prints a JSON array of rows
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CALLS = Number(process.env.WRAPT_BENCH_TRACE_CALLS || 20000);
const BATCHES = Number(process.env.WRAPT_BENCH_TRACE_BATCHES || 9);

const TIMER = `
const calls = ${CALLS}, batches = ${BATCHES};
function time(fn) {
  for (let i = 0; i < calls; i++) fn(i);
  const runs = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(i);
    runs.push(Number(process.hrtime.bigint() - start) / calls);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}
`;

const FILES = {
  'package.json': JSON.stringify({ name: 'trace-bench', version: '1.0.0', private: true }),
  'node_modules/greeter/package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'index.js' }),
  'node_modules/greeter/index.js': `exports.shout = function shout(s) { return 'v' + s; };\n`,
  'call.js': `${TIMER}const { shout } = require('greeter');\nprocess.stdout.write(JSON.stringify(time((i) => shout(i))));\n`,
  'otel-call.js': `${TIMER}const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const api = require('@opentelemetry/api');
const dropped = { export(spans, done) { done({ code: 0 }); }, shutdown: async () => {} };
api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropped)] }));
const { shout } = require('greeter');
process.stdout.write(JSON.stringify(time((i) => shout(i))));
`,
  'sqlite.js': `${TIMER}const { DatabaseSync } = require('node:sqlite');\nconst statement = new DatabaseSync(':memory:').prepare('SELECT ? AS x');\nprocess.stdout.write(JSON.stringify(time((i) => statement.get(i))));\n`,
};

/** [label, script, env]: `null` env means no preload at all. */
const ROWS = [
  ['function call, not traced', 'call.js', null],
  ['traced call, line written (text)', 'call.js', { WRAPT_TRACE: 'greeter#shout' }],
  ['traced call, line written (JSON)', 'call.js', { WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_FORMAT: 'json' }],
  ['traced call, line written, the application has a tracer provider (export off)', 'otel-call.js', { WRAPT_TRACE: 'greeter#shout' }],
  [
    'traced call, line written and a span (WRAPT_TRACE_EXPORT=otel, the application provider)',
    'otel-call.js',
    { WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_EXPORT: 'otel' },
  ],
  ['traced call, +stack (caller frame captured)', 'call.js', { WRAPT_TRACE: 'greeter#shout+stack' }],
  ['traced call, +slow=1000 (timed, not written)', 'call.js', { WRAPT_TRACE: 'greeter#shout+slow=1000' }],
  ['traced call, +sample=0 (not written)', 'call.js', { WRAPT_TRACE: 'greeter#shout+sample=0' }],
  ['traced call, +sample=0 with WRAPT_TRACE_SUMMARY (counted and timed)', 'call.js', { WRAPT_TRACE: 'greeter#shout+sample=0', WRAPT_TRACE_SUMMARY: '1' }],
  ['node:sqlite statement.get, no recipe', 'sqlite.js', null],
  ['node:sqlite statement.get, sql recipe (line written)', 'sqlite.js', { WRAPT_PATCHES: 'wrapt-hooks/recipes/sql' }],
];

export function traceCost(nodeBin, root, work) {
  const dir = path.join(work, 'trace-app');
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const [major, minor] = spawnSync(nodeBin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
  const hasSqlite = major > 22 || (major === 22 && minor >= 13);
  const benchModules = path.join(root, 'bench', 'node_modules');
  const hasOtel = existsSync(path.join(benchModules, '@opentelemetry', 'sdk-trace-base'));
  const base = { ...process.env, WRAPT_HOOKS_CONFIG: '', WRAPT_TRACE_FILE: '/dev/null' };
  for (const key of ['WRAPT_TRACE', 'WRAPT_PATCHES', 'WRAPT_TRACE_FORMAT', 'WRAPT_TRACE_SUMMARY', 'WRAPT_TRACE_EXPORT', 'NODE_OPTIONS']) delete base[key];
  const rows = [];
  for (const [label, script, extra] of ROWS) {
    if ((script === 'sqlite.js' && !hasSqlite) || (script === 'otel-call.js' && !hasOtel)) continue;
    const args = ['--no-warnings', ...(extra === null ? [] : ['--require', path.join(root, 'register.js')]), script];
    // OpenTelemetry's packages are the bench's: the application and the preload find them there.
    const env = { ...base, ...(extra ?? {}), ...(script === 'otel-call.js' ? { NODE_PATH: benchModules } : {}) };
    const result = spawnSync(nodeBin, args, { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) throw new Error(`trace-cost ${label}: exit ${result.status}\n${result.stderr}`);
    rows.push({ label, ns: JSON.parse(result.stdout) });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, work] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(traceCost(process.execPath, path.resolve(root), path.resolve(work)), null, 2)}\n`);
}
