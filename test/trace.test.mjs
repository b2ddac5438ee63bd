// Tracing without a patch file (docs/tracing.md): `trace` config entries, WRAPT_TRACE,
// WRAPT_TRACE_FILE, the line format, promises, stacks, and that the traced program behaves
// exactly as it does without tracing. Every test spawns the application the way users run it;
// scenarios that share an app and a WRAPT_TRACE share one child, each test reading its section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertClean, childEnv, makeApp, NODE, ROOT, runNode, sections } from './helpers.mjs';

// ---- fixture packages -----------------------------------------------------------------------

const GREETER = {
  'package.json': { name: 'greeter', version: '1.2.3', main: 'index.js' },
  'index.js': `'use strict';
exports.shout = function shout(s) { return String(s).toUpperCase(); };
exports.fail = function fail(message) { const error = new Error(message); exports.lastError = error; throw error; };
exports.later = async function later(value) { await new Promise((resolve) => setImmediate(resolve)); return value; };
exports.reject = async function reject(message) { await null; throw new TypeError(message); };
exports.rejectNow = async function rejectNow(message) { throw new RangeError(message); };
exports.kept = Promise.resolve('kept');
exports.same = function same() { return exports.kept; };
exports.echo = function echo(...args) { return args.length; };
exports.long = function long() { return 'L'.repeat(60) + 'TAILSECRET'; };
class Client {
  constructor(name) { this.name = name; }
  query(sql) { return this.name + ':' + sql; }
  whoami() { return this; }
  static create(name) { return new this(name); }
}
exports.Client = Client;
`,
};

const GREETER_ESM = {
  'package.json': { name: 'greeter-esm', version: '2.0.0', type: 'module', exports: './index.js' },
  'index.js': `export function shout(s) { return s.toUpperCase(); }
export async function later(value) { await null; return value; }
export class Counter {
  constructor(n) { this.n = n; }
  inc() { this.n += 1; return this.n; }
  static zero() { return new Counter(0); }
}
`,
};

// A target that is never imported: loading it would print.
const UNTOUCHED = {
  'package.json': { name: 'untouched', version: '0.0.1', main: 'index.js' },
  'index.js': `process.stderr.write('untouched was loaded\\n'); exports.f = () => 1;\n`,
};

const PACKAGES = { greeter: GREETER, 'greeter-esm': GREETER_ESM, untouched: UNTOUCHED };
const REQUIRE = ['--require', 'wrapt-hooks/register'];
const IMPORT = ['--import', 'wrapt-hooks/register'];

// ---- reading the output ---------------------------------------------------------------------

const TRACE_LINE = /^wrapt-hooks: trace (.+) -> (.+) \d+\.\d{1,2}ms$/;
const FRAME_LINE = /^wrapt-hooks: {3}at .+$/;

/** The trace lines (and caller frames) in `text`, times replaced by "Nms". */
function traces(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: trace ') || FRAME_LINE.test(line))
    .map((line) => {
      if (line.startsWith('wrapt-hooks: trace ')) assert.match(line, TRACE_LINE);
      return line.replace(/ \d+\.\d{1,2}ms$/, ' Nms');
    });
}

/** Trace lines only, without the `wrapt-hooks: trace ` prefix and the time. */
function calls(text) {
  return traces(text)
    .filter((line) => line.startsWith('wrapt-hooks: trace '))
    .map((line) => line.slice('wrapt-hooks: trace '.length, -' Nms'.length));
}

/** stderr without trace lines: what the application and Node printed. */
function withoutTraces(text) {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('wrapt-hooks: trace ') && !FRAME_LINE.test(line))
    .join('\n');
}

// ---- tests ----------------------------------------------------------------------------------

test('config entries (strings and {fn, stack}) trace functions, constructors, prototype and static methods; stdout unchanged', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      '.wrapt-hooksrc.json': {
        trace: [
          'greeter#shout',
          { fn: 'greeter#Client.prototype.query', stack: true },
          'greeter#Client.create',
          'greeter#Client',
          { fn: 'greeter#Client.prototype.whoami', stack: false },
          { fn: 'greeter#echo', enabled: false },
        ],
      },
      'app.js': `'use strict';
const g = require('greeter');
console.log(g.shout('x'));
const c = new g.Client('db');
console.log(c.query('select 1'));
console.log(c.whoami() === c, c instanceof g.Client, g.Client.name, g.Client.length);
const s = g.Client.create('s');
console.log(s instanceof g.Client, s.name);
class Sub extends g.Client {}
console.log(new Sub('sub').whoami() instanceof Sub);
console.log(g.echo(1, 2));
`,
    },
  });
  const plain = runNode(app, ['app.js']);
  assertClean(plain, 'plain run');
  const traced = runNode(app, [...REQUIRE, 'app.js']);
  assertClean(traced, 'traced run');
  assert.equal(traced.stdout, plain.stdout, 'stdout is byte-identical with and without tracing');
  assert.equal(plain.stdout, 'X\ndb:select 1\ntrue true Client 1\ntrue s\ntrue\n2\n');
  const lines = traces(traced.stderr);
  assert.deepEqual(
    lines.filter((line) => !FRAME_LINE.test(line)),
    [
      "wrapt-hooks: trace greeter#shout('x') -> 'X' Nms",
      "wrapt-hooks: trace greeter#Client('db') -> Client { name: 'db' } Nms",
      "wrapt-hooks: trace greeter#Client.prototype.query('select 1') -> 'db:select 1' Nms",
      "wrapt-hooks: trace greeter#Client.prototype.whoami() -> Client { name: 'db' } Nms",
      "wrapt-hooks: trace greeter#Client('s') -> Client { name: 's' } Nms",
      "wrapt-hooks: trace greeter#Client.create('s') -> Client { name: 's' } Nms",
      "wrapt-hooks: trace greeter#Client('sub') -> Sub { name: 'sub' } Nms",
      "wrapt-hooks: trace greeter#Client.prototype.whoami() -> Sub { name: 'sub' } Nms",
    ],
  );
  // Only the entry with "stack": true gets a caller frame, and it points into the app.
  const at = lines.indexOf("wrapt-hooks: trace greeter#Client.prototype.query('select 1') -> 'db:select 1' Nms");
  assert.equal(lines.filter((line) => FRAME_LINE.test(line)).length, 1, traced.stderr);
  assert.ok(lines[at + 1].startsWith(`wrapt-hooks:   at Object.<anonymous> (${path.join(app, 'app.js')}:5:`), lines[at + 1]);
});

// ---- several scenarios in one traced child ---------------------------------------------------
// The next tests share the greeter app, the --require preload and one WRAPT_TRACE: one script
// runs their scenarios in turn (`sections` in helpers.mjs), once traced and once without the
// preload, and each test reads its own section of the output, stdout and stderr.

const SCENARIOS = {
  lazy: `
const loaded = () => Object.keys(require.cache).some((file) => file.includes('greeter'));
console.log('before', loaded());
const g = require('greeter');
console.log('after', loaded(), g.shout('hi'));
`,
  redaction: `
const g = require('greeter');
const token = 'sk_live_' + 'A'.repeat(40) + 'SECRETTAIL' + 'B'.repeat(10);
console.log(g.echo(token, { user: 'bob', password: 'hunter2', headers: { authorization: 'Bearer abc' } }, 'postgres://bob:pw123@db/app'));
console.log(g.long().length);
console.log(g.echo('one\\ntwo', [1, 2, 3, 4, 5, 6, 7], { a: { b: { c: { d: 1 } } } }));
`,
  promises: `
const g = require('greeter');
let late;
process.on('unhandledRejection', (reason, promise) => console.log('unhandledRejection', reason.message, promise === late));
process.on('rejectionHandled', (promise) => console.log('rejectionHandled', promise === late));
const tick = () => new Promise((resolve) => setImmediate(resolve));
await (async () => {
  console.log('later', await g.later('v'));
  try { await g.reject('awaited'); } catch (error) { console.log('caught', error.constructor.name, error.message); }
  await g.rejectNow('now').catch((error) => console.log('caught', error.constructor.name, error.message));
  const p = g.same();
  console.log('same promise', p === g.kept, await p);
  late = g.reject('late');
  await tick(); await tick();
  late.catch((error) => console.log('caught late', error.message));
  await tick(); await tick();
  console.log('done');
})();
`,
};

const SCENARIO_TRACE = ['greeter#shout, untouched#f', 'greeter#echo,greeter#long', 'greeter#later,greeter#reject,greeter#rejectNow,greeter#same'].join(',');

const SECTIONS = sections(SCENARIOS, { prelude: "'use strict';" });
let scenarioRuns;
/** { traced, plain }: the scenarios' script run with the preload and WRAPT_TRACE, and without. */
function runScenarios() {
  scenarioRuns ??= (() => {
    const app = makeApp({
      packages: PACKAGES,
      files: {
        'app.js': SECTIONS.script,
        'lazy.js': `'use strict';\n${SCENARIOS.lazy}`,
      },
    });
    return {
      app,
      traced: runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: SCENARIO_TRACE } }),
      plain: runNode(app, ['app.js']),
    };
  })();
  return scenarioRuns;
}

/** What scenario `name` printed on `stream` in `result`. */
const section = (result, name, stream = 'stdout') => SECTIONS.read(result, name, { stream });

test('the scenarios run clean, and without tracing print nothing on stderr', () => {
  const { traced, plain } = runScenarios();
  for (const name of Object.keys(SCENARIOS)) assert.equal(section(plain, name, 'stderr'), '', `${name}: stderr without tracing`);
  assertClean(plain, 'plain run');
  assertClean(traced, 'traced run');
  assert.deepEqual(SECTIONS.outside(plain, 'stderr'), { before: '', after: '' });
  assert.equal(SECTIONS.outside(traced, 'stderr').before, '', 'nothing on stderr before the first scenario');
});

test('WRAPT_TRACE=a,b is lazy: a target never imported loads nothing, prints nothing, and is listed as never imported', () => {
  const { app, traced } = runScenarios();
  assert.equal(section(traced, 'lazy'), 'before false\nafter true HI\n');
  const stderr = section(traced, 'lazy', 'stderr');
  assert.deepEqual(traces(stderr), ["wrapt-hooks: trace greeter#shout('hi') -> 'HI' Nms"]);
  assert.doesNotMatch(traced.stderr, /untouched was loaded/);
  assert.equal(stderr, "wrapt-hooks: trace greeter#shout('hi') -> 'HI' Nms\n".replace(' Nms', stderr.match(/ \d+\.\d+ms/)[0]));

  const debug = runNode(app, [...REQUIRE, 'lazy.js'], { env: { WRAPT_TRACE: 'greeter#shout, untouched#f', WRAPT_HOOKS_DEBUG: '1' } });
  assertClean(debug, 'debug run');
  assert.equal(debug.stdout, 'before false\nafter true HI\n');
  assert.match(debug.stderr, /^wrapt-hooks: {3}never imported untouched \(trace untouched#f.*\)$/m);
  assert.doesNotMatch(debug.stderr, /never imported greeter/);
  assert.doesNotMatch(debug.stderr, /untouched was loaded/);
});

test('long strings are cut, secret-looking keys and URL passwords redacted', () => {
  const { traced, plain } = runScenarios();
  assert.equal(section(plain, 'redaction'), '3\n70\n3\n');
  assert.equal(section(traced, 'redaction'), '3\n70\n3\n');
  for (const secret of ['SECRETTAIL', 'hunter2', 'Bearer abc', 'pw123', 'TAILSECRET'])
    assert.ok(!traced.stderr.includes(secret), `${secret} leaked:\n${traced.stderr}`);
  assert.deepEqual(calls(section(traced, 'redaction', 'stderr')), [
    `greeter#echo('sk_live_${'A'.repeat(40)}'... 20 more characters, { user: 'bob', password: '[redacted]', headers: { authorization: '[redacted]' } }, 'postgres://bob:[redacted]@db/app') -> 3`,
    `greeter#long() -> '${'L'.repeat(48)}'... 22 more characters`,
    "greeter#echo('one\\ntwo', [ 1, 2, 3, 4, 5, ... 2 more items ], { a: { b: [Object] } }) -> 3",
  ]);
});

test('promises: logged when they settle, the same object returned, rejections handled or not exactly as without tracing', () => {
  const { traced, plain } = runScenarios();
  assert.equal(section(traced, 'promises'), section(plain, 'promises'));
  assert.equal(
    section(plain, 'promises'),
    'later v\ncaught TypeError awaited\ncaught RangeError now\nsame promise true kept\nunhandledRejection late true\ncaught late late\nrejectionHandled true\ndone\n',
  );
  assert.deepEqual(calls(section(traced, 'promises', 'stderr')), [
    "greeter#later('v') -> resolved 'v'",
    "greeter#reject('awaited') -> rejected TypeError: awaited",
    "greeter#rejectNow('now') -> rejected RangeError: now",
    "greeter#same() -> resolved 'kept'",
    "greeter#reject('late') -> rejected TypeError: late",
  ]);
});

// ---- one process each (but the three warnings further down: one run) -----------------------

test('a throw is logged as "threw Name: message" and rethrown unchanged', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      'app.js': `'use strict';
const g = require('greeter');
try { g.fail('boom'); } catch (error) {
  console.log(error === g.lastError, Object.getPrototypeOf(error) === Error.prototype, error.message);
}
try { new g.Client(); g.Client(); } catch (error) { console.log(error.constructor.name); }
g.fail('fatal');
`,
    },
  });
  const plain = runNode(app, ['app.js']);
  const traced = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#fail,greeter#Client' } });
  assert.equal(plain.code, 1);
  assert.equal(traced.code, plain.code, 'the uncaught throw still ends the process the same way');
  assert.equal(traced.stdout, plain.stdout);
  assert.equal(plain.stdout, 'true true boom\nTypeError\n');
  assert.match(traced.stderr, /^Error: fatal$/m);
  assert.deepEqual(calls(traced.stderr), [
    "greeter#fail('boom') -> threw Error: boom",
    'greeter#Client() -> Client { name: undefined }',
    "greeter#Client() -> threw TypeError: Class constructor Client cannot be invoked without 'new'",
    "greeter#fail('fatal') -> threw Error: fatal",
  ]);
});

test('an unhandled rejection of a traced promise crashes exactly as without tracing', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      'app.js': `'use strict';\nconst g = require('greeter');\ng.reject('never handled');\nconsole.log('sync end');\n`,
      'now.js': `'use strict';\nconst g = require('greeter');\ng.rejectNow('never handled now');\n`,
    },
  });
  for (const [file, fn] of [
    ['app.js', 'reject'],
    ['now.js', 'rejectNow'],
  ]) {
    // The baseline has the same hooks installed, tracing another function of the package. An
    // error created during a traced call has the wrapper's frames in its stack, as with any
    // wrapper: those are left out of the comparison (and a higher limit keeps the app's frames).
    const args = ['--stack-trace-limit=50', ...REQUIRE, file];
    const baseline = runNode(app, args, { env: { WRAPT_TRACE: 'greeter#shout' } });
    const traced = runNode(app, args, { env: { WRAPT_TRACE: `greeter#${fn}` } });
    assert.equal(baseline.code, 1, baseline.stderr);
    assert.equal(traced.code, baseline.code);
    assert.equal(traced.stdout, baseline.stdout);
    const ownFrames = (text) =>
      text
        .split('\n')
        .filter((line) => !line.includes(`${path.join(ROOT, 'dist')}${path.sep}`))
        .join('\n');
    // (The module-load hook's frame is in both when the crash happens while a module loads.)
    assert.equal(ownFrames(withoutTraces(traced.stderr)), ownFrames(baseline.stderr), 'the same crash report, source excerpt included');
    assert.match(baseline.stderr, /Error: never handled/);
    assert.match(calls(traced.stderr)[0], /^greeter#\w+\('never handled( now)?'\) -> rejected (Type|Range)Error: never handled( now)?$/);
    // And the same exit code as plain node.
    assert.equal(runNode(app, [file]).code, 1);
  }
});

test('a traced promise is logged before the handlers of the application run (process.exit in .then)', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: { 'app.js': `'use strict';\nrequire('greeter').later('bye').then((value) => { console.log(value); process.exit(3); });\n` },
  });
  const traced = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#later' } });
  assert.equal(traced.code, 3);
  assert.equal(traced.stdout, 'bye\n');
  assert.deepEqual(calls(traced.stderr), ["greeter#later('bye') -> resolved 'bye'"]);
});

test('stack: the caller frame follows and points into the app (CommonJS and ESM apps, builtin target)', () => {
  const app = makeApp({
    files: {
      'app.js': `'use strict';
const fs = require('fs');
const path = require('path');
const dir = fs.mkdtempSync(path.join(__dirname, 'tmp', 'cjs-'));
console.log(path.basename(dir).slice(0, 4));
`,
      'app.mjs': `import { mkdtempSync } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
const base = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), 'tmp');
const a = mkdtempSync(path.join(base, 'named-'));
const b = fs.mkdtempSync(path.join(base, 'default-'));
console.log(path.basename(a).slice(0, 6), path.basename(b).slice(0, 8));
`,
      'tmp/.keep': '',
    },
  });
  // A CommonJS app with --require and an ES module app with --import: the two hook paths.
  const cjs = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'fs#mkdtempSync+stack' } });
  assertClean(cjs, 'CommonJS app');
  assert.equal(cjs.stdout, 'cjs-\n');
  const lines = traces(cjs.stderr);
  assert.equal(lines.length, 2, cjs.stderr);
  assert.match(lines[0], new RegExp(`^wrapt-hooks: trace fs#mkdtempSync\\('.*/tmp/cjs-'\\) -> '.*/tmp/cjs-\\w{6}' Nms$`));
  assert.ok(lines[1].startsWith(`wrapt-hooks:   at Object.<anonymous> (${path.join(app, 'app.js')}:4:`), lines[1]);

  const esm = runNode(app, [...IMPORT, 'app.mjs'], { env: { WRAPT_TRACE: 'node:fs#mkdtempSync+stack' } });
  assertClean(esm, 'ESM app');
  assert.equal(esm.stdout, 'named- default-\n');
  const esmLines = traces(esm.stderr);
  assert.equal(esmLines.length, 4, esm.stderr);
  assert.match(esmLines[0], /^wrapt-hooks: trace node:fs#mkdtempSync\('.*\/tmp\/named-'\) -> '.*\/tmp\/named-\w{6}' Nms$/);
  assert.equal(esmLines[1], `wrapt-hooks:   at file://${path.join(app, 'app.mjs')}:5:11`);
  assert.match(esmLines[2], /^wrapt-hooks: trace node:fs#mkdtempSync\('.*\/tmp\/default-'\) -> '.*\/tmp\/default-\w{6}' Nms$/);
  assert.equal(esmLines[3], `wrapt-hooks:   at file://${path.join(app, 'app.mjs')}:6:14`);
  for (const line of [...lines, ...esmLines]) assert.ok(!line.includes(path.join(ROOT, 'dist')), line);
});

test('ESM package targets: functions, async functions, prototype and static methods, with --import and --require', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      '.wrapt-hooksrc.json': { trace: ['greeter-esm#shout', 'greeter-esm#later', 'greeter-esm#Counter.prototype.inc', 'greeter-esm#Counter.zero'] },
      'app.mjs': `import { shout, later, Counter } from 'greeter-esm';
const c = Counter.zero();
console.log(shout('esm'), await later(7), c.inc(), c.inc(), c instanceof Counter);
`,
    },
  });
  const plain = runNode(app, ['app.mjs']);
  assertClean(plain, 'plain run');
  assert.equal(plain.stdout, 'ESM 7 1 2 true\n');
  for (const preload of [IMPORT, REQUIRE]) {
    const traced = runNode(app, [...preload, 'app.mjs']);
    assertClean(traced, 'traced run');
    assert.equal(traced.stdout, plain.stdout);
    assert.deepEqual(calls(traced.stderr), [
      'greeter-esm#Counter.zero() -> Counter { n: 0 }',
      "greeter-esm#shout('esm') -> 'ESM'",
      'greeter-esm#later(7) -> resolved 7',
      'greeter-esm#Counter.prototype.inc() -> 1',
      'greeter-esm#Counter.prototype.inc() -> 2',
    ]);
  }
});

// One run for three problems that are each one warning while the app runs on: a bad WRAPT_TRACE
// entry ("greeter"), trace paths that do not resolve (two in the config, one in WRAPT_TRACE), and
// a WRAPT_TRACE_FILE that cannot be written (a directory). greeter#shout (config) and greeter#echo
// (WRAPT_TRACE) are the entries that still trace.
let problemsRun;
function getProblemsRun() {
  problemsRun ??= (() => {
    const app = makeApp({
      packages: PACKAGES,
      files: {
        '.wrapt-hooksrc.json': { trace: ['greeter#nope', 'greeter#kept', 'greeter#shout'] },
        'app.js': `'use strict';\nconst g = require('greeter');\nrequire('greeter');\nconsole.log(g.shout('ok'), typeof g.nope, g.echo(1, 2));\n`,
        'dir/.keep': '',
      },
    });
    const traced = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter,greeter#Missing.prototype.x,greeter#echo', WRAPT_TRACE_FILE: 'dir' } });
    return { app, traced };
  })();
  const { traced } = problemsRun;
  assert.equal(traced.code, 0, traced.stderr);
  assert.equal(traced.stdout, 'OK undefined 2\n');
  assert.deepEqual(
    traced.warnings.map((warning) => warning.code).sort(),
    ['WRAPT_HOOKS_CONFIG_INVALID', 'WRAPT_HOOKS_TRACE_FILE', 'WRAPT_HOOKS_TRACE_PATH', 'WRAPT_HOOKS_TRACE_PATH', 'WRAPT_HOOKS_TRACE_PATH'],
    traced.stderr,
  );
  assert.deepEqual(calls(traced.stderr), ["greeter#shout('ok') -> 'OK'", 'greeter#echo(1, 2) -> 2'], 'the other entries still trace');
  return problemsRun;
}

/** The messages of `run`'s warnings with `code`. */
const messagesOf = (run, code) => run.warnings.filter((warning) => warning.code === code).map((warning) => warning.message);

test('a path that does not resolve when the target loads: one warning naming it, the app runs on', () => {
  const { app, traced } = getProblemsRun();
  const [nope, kept, missing] = messagesOf(traced, 'WRAPT_HOOKS_TRACE_PATH');
  assert.match(nope, /trace "greeter#nope" \(.*\.wrapt-hooksrc\.json, key trace\[0\]\): "nope" is not there when "greeter" loads/);
  assert.match(kept, /trace "greeter#kept" .*"kept" is an object, not a function/);
  assert.match(missing, /trace "greeter#Missing\.prototype\.x" \(WRAPT_TRACE\): .*"Missing\.prototype"/);

  // The exit summary counts the unresolved traces as failed, not applied.
  const debug = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#Missing.prototype.x', WRAPT_HOOKS_DEBUG: '1' } });
  assert.match(debug.stderr, /wrapt-hooks: summary for pid \d+ \(node app\.js\): 1 applied, 3 failed/, debug.stderr);
  assert.match(debug.stderr, /wrapt-hooks: {3}failed greeter@\S+ trace greeter#nope\(\): .*"nope" is not there/);
  assert.match(debug.stderr, /wrapt-hooks: {3}applied greeter@\S+ trace greeter#shout\(\) /);
});

test('the same function traced by config and WRAPT_TRACE logs once per call; "+stack" wins', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      '.wrapt-hooksrc.json': { trace: ['greeter#shout'] },
      'app.js': `'use strict';\nconst { shout } = require('greeter');\nshout('a');\nshout('b');\n`,
    },
  });
  const traced = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#shout+stack' } });
  assertClean(traced, 'traced run');
  const lines = traces(traced.stderr);
  assert.equal(lines.length, 4, traced.stderr);
  assert.equal(lines[0], "wrapt-hooks: trace greeter#shout('a') -> 'A' Nms");
  assert.ok(lines[1].includes(`${path.join(app, 'app.js')}:3:`), lines[1]);
  assert.equal(lines[2], "wrapt-hooks: trace greeter#shout('b') -> 'B' Nms");
});

test('tracing the functions trace lines are written with does not recurse (fs#writeSync)', () => {
  const app = makeApp({ files: { 'app.js': `'use strict';\nrequire('fs').writeSync(1, 'hi\\n');\n` } });
  for (const env of [{}, { WRAPT_TRACE_FILE: 'trace.log' }]) {
    const traced = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'fs#writeSync,fs#openSync', ...env } });
    assertClean(traced, 'traced run');
    assert.equal(traced.stdout, 'hi\n');
    const out = env.WRAPT_TRACE_FILE === undefined ? traced.stderr : readFileSync(path.join(app, 'trace.log'), 'utf8');
    assert.deepEqual(calls(out), ["fs#writeSync(1, 'hi\\n') -> 3"]);
  }
});

test('WRAPT_TRACE_FILE: appended, whole lines, several processes at once', async () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      'app.js': `'use strict';
const { shout } = require('greeter');
const id = process.argv[2];
for (let i = 0; i < 300; i++) shout(id + '-' + i + '-' + 'x'.repeat(30));
console.log('done', id);
`,
    },
  });
  const file = path.join(app, 'logs', 'trace.log');
  mkdirSync(path.dirname(file));
  writeFileSync(file, 'existing line\n');
  const env = childEnv({ WRAPT_TRACE: 'greeter#shout+stack', WRAPT_TRACE_FILE: 'logs/trace.log' });
  const ids = ['p1', 'p2', 'p3', 'p4'];
  const results = await Promise.all(
    ids.map(
      (id) =>
        new Promise((resolve, reject) => {
          const child = spawn(NODE, [...REQUIRE, 'app.js', id], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk) => (stdout += chunk));
          child.stderr.on('data', (chunk) => (stderr += chunk));
          child.on('error', reject);
          child.on('close', (code) => resolve({ id, code, stdout, stderr }));
        }),
    ),
  );
  for (const result of results) {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `done ${result.id}\n`);
    assert.equal(result.stderr, '', 'nothing on stderr when the lines go to a file');
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.shift(), 'existing line', 'appended, not truncated');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.length, ids.length * 300 * 2);
  const seen = new Map(ids.map((id) => [id, 0]));
  for (let i = 0; i < lines.length; i += 2) {
    const match = /^wrapt-hooks: trace greeter#shout\('(p\d)-(\d+)-x{30}'\) -> 'P\d-\d+-X{30}' \d+\.\d{1,2}ms$/.exec(lines[i]);
    assert.ok(match, `line ${i + 2} is not a whole trace line: ${JSON.stringify(lines[i])}`);
    assert.equal(Number(match[2]), seen.get(match[1]), 'each process’s lines in order, none lost');
    seen.set(match[1], seen.get(match[1]) + 1);
    assert.ok(lines[i + 1].startsWith(`wrapt-hooks:   at Object.<anonymous> (${path.join(app, 'app.js')}:4:`), `line ${i + 3}: ${lines[i + 1]}`);
  }
});

test('WRAPT_TRACE_FILE that cannot be written: one warning, lines on stderr', () => {
  const { traced } = getProblemsRun();
  const messages = messagesOf(traced, 'WRAPT_HOOKS_TRACE_FILE');
  assert.equal(messages.length, 1, traced.stderr);
  assert.match(messages[0], /WRAPT_TRACE_FILE=.*dir: .*EISDIR/);
  // The trace lines (checked in getProblemsRun) are on stderr.
});

test('a bad WRAPT_TRACE entry is a warning naming it; the others still trace', () => {
  const { traced } = getProblemsRun();
  const messages = messagesOf(traced, 'WRAPT_HOOKS_CONFIG_INVALID');
  assert.equal(messages.length, 1, traced.stderr);
  assert.match(messages[0], /WRAPT_TRACE entry 1 \("greeter"\)/);
  // greeter#echo, the next WRAPT_TRACE entry, is traced (checked in getProblemsRun).
});

// ---- examples/trace-tempdirs, run as its README says ------------------------------------------

test('examples/trace-tempdirs: WRAPT_TRACE=fs#mkdtempSync+stack (and the config file) shows who created each leaked directory', (t) => {
  const example = path.join(ROOT, 'examples', 'trace-tempdirs');
  const ways = {
    WRAPT_TRACE: { WRAPT_TRACE: 'fs#mkdtempSync+stack' },
    config: { WRAPT_HOOKS_CONFIG: 'wrapt-hooks.trace.json' },
  };
  const made = [];
  t.after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const freshTmp = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wt-'));
    made.push(dir);
    return dir;
  };
  const plainTmp = freshTmp();
  const plain = runNode(example, ['app.js'], { env: { TMPDIR: plainTmp } });
  assertClean(plain, 'plain run');
  assert.equal(plain.stdout, 'report: 3 sections, 3 thumbnails, 84 bytes of CSV\n');
  assert.deepEqual(
    readdirSync(plainTmp)
      .map((name) => name.replace(/-.*/, ''))
      .sort(),
    ['export', 'thumb'],
    'the app leaks two directories',
  );
  for (const [way, env] of Object.entries(ways)) {
    const tmp = freshTmp();
    const traced = runNode(example, [...REQUIRE, 'app.js'], { env: { ...env, TMPDIR: tmp } });
    assertClean(traced, way);
    assert.equal(traced.stdout, plain.stdout, `${way}: stdout unchanged`);
    const lines = traces(traced.stderr);
    assert.equal(lines.length, 10, `${way}: five calls, each with its caller\n${traced.stderr}`);
    const callerOf = new Map();
    for (let i = 0; i < lines.length; i += 2) {
      const match = /^wrapt-hooks: trace fs#mkdtempSync\('(.*)-'\) -> '(.*)' Nms$/.exec(lines[i]);
      assert.ok(match, lines[i]);
      assert.equal(path.dirname(match[2]), tmp);
      const frame = /^wrapt-hooks: {3}at (\w+) \((.*):(\d+):\d+\)$/.exec(lines[i + 1]);
      assert.ok(frame, lines[i + 1]);
      callerOf.set(path.basename(match[2]), `${frame[1]} ${path.relative(example, frame[2])}:${frame[3]}`);
    }
    const leaked = readdirSync(tmp).sort();
    assert.equal(leaked.length, 2, `${way}: ${leaked}`);
    assert.deepEqual(
      leaked.map((name) => callerOf.get(name)),
      ['exportCsv lib/export.js:9', 'renderThumbnail lib/thumbnails.js:11'],
      `${way}: the trace names the creator of each leftover directory`,
    );
    assert.deepEqual(
      [...callerOf.values()].filter((caller) => caller.startsWith('buildReport')),
      ['buildReport lib/report.js:8'],
    );
  }
});

test('wildcards: "#*" traces every function a module exports, "#Class.prototype.*" every method; each is its own entry in lines and the summary', () => {
  const app = makeApp({
    packages: PACKAGES,
    files: {
      '.wrapt-hooksrc.json': { trace: ['greeter#*', 'greeter#Client.prototype.*', 'greeter#kept.*'] },
      'app.js': `'use strict';
const g = require('greeter');
console.log(g.shout('a'), new g.Client('c').query('q'), g.echo(1, 2));
import('greeter-esm').then(({ Counter }) => console.log(new Counter(1).inc()));
`,
    },
  });
  const env = { WRAPT_TRACE: 'greeter#Client.prototype.query+this,greeter-esm#Counter.prototype.*', WRAPT_TRACE_SUMMARY: '1' };
  const traced = runNode(app, [...REQUIRE, 'app.js'], { env });
  assert.equal(traced.code, 0, traced.stderr);
  assert.equal(traced.stdout, 'A c:q 2\n2\n');
  assert.deepEqual(calls(traced.stderr.replace(/^wrapt-hooks: trace summary .*\n/gm, '')), [
    "greeter#shout('a') -> 'A'",
    "greeter#Client('c') -> Client { name: 'c' }",
    // Named by an entry of its own, the method is traced once, with that entry's options.
    "greeter#Client.prototype.query[this=Client { name: 'c' }]('q') -> 'c:q'",
    'greeter#echo(1, 2) -> 2',
    'greeter-esm#Counter.prototype.inc() -> 2',
  ]);
  // A wildcard that matches nothing (a promise holds no function of its own) is one warning.
  assert.deepEqual(
    traced.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_TRACE_PATH'],
  );
  assert.match(traced.warnings[0].message, /trace "greeter#kept\.\*" .*"kept\.\*" matches no function when "greeter" loads/);
  const summary = traced.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: trace summary '))
    .map((line) => line.replace(/ p50=.*$/, ''));
  for (const line of [
    'wrapt-hooks: trace summary greeter#shout calls=1 errors=0',
    'wrapt-hooks: trace summary greeter#fail calls=0 errors=0',
    'wrapt-hooks: trace summary greeter#Client calls=1 errors=0',
    'wrapt-hooks: trace summary greeter#Client.prototype.query calls=1 errors=0',
    'wrapt-hooks: trace summary greeter#Client.prototype.whoami calls=0 errors=0',
    'wrapt-hooks: trace summary greeter-esm#Counter.prototype.inc calls=1 errors=0',
  ])
    assert.ok(summary.includes(line), `${line}\n${summary.join('\n')}`);
  assert.ok(!summary.some((line) => / greeter#(Client\.prototype\.)?constructor /.test(line)), 'constructor is not a method');
  assert.equal(summary.filter((line) => line.includes('greeter#Client.prototype.query')).length, 1);
});
