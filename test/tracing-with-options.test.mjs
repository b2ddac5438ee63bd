// Trace entry options, WRAPT_TRACE_FORMAT=json and WRAPT_TRACE_SUMMARY as users run them
// (docs/tracing.md): what each option writes, and that the traced program's output is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertClean, makeApp, runNode } from './helpers.mjs';

const GREETER = {
  'package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' },
  'index.js': `'use strict';
const cell = new Int32Array(new SharedArrayBuffer(4));
exports.shout = function shout(s) { return String(s).toUpperCase(); };
exports.nap = function nap(ms) { Atomics.wait(cell, 0, 0, ms); return ms; };
exports.fail = function fail(message) { throw new Error(message); };
exports.later = async function later(value) { await null; return value; };
exports.reject = async function reject(message) { await null; throw new TypeError(message); };
class Client { constructor(name) { this.name = name; } query(sql) { return this.name + ':' + sql; } }
exports.Client = Client;
`,
};
const REQUIRE = ['--require', 'wrapt-hooks/register'];

/** Trace lines without the prefix, times as N. */
function traced(stderr) {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: '))
    .map((line) => line.slice('wrapt-hooks: '.length).replace(/\d+\.\d+ms/g, 'Nms'));
}

test('+this, +stack=2 (application frames first) and +maxString', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      'lib/db.js': `'use strict';\nconst { Client } = require('greeter');\nexports.run = (sql) => new Client('db').query(sql);\n`,
      'app.js': `'use strict';\nconst { run } = require('./lib/db');\nconst { shout } = require('greeter');\nconsole.log(run('SELECT 1'));\nconsole.log(shout('a'.repeat(100)).length);\n`,
    },
  });
  const plain = runNode(app, ['app.js']);
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#Client.prototype.query+this+stack=2,greeter#shout+maxString=200' } });
  assertClean(result);
  assert.equal(result.stdout, plain.stdout);
  const lines = traced(result.stderr);
  assert.equal(lines[0], "trace greeter#Client.prototype.query[this=Client { name: 'db' }]('SELECT 1') -> 'db:SELECT 1' Nms");
  assert.match(lines[1], new RegExp(`^  at exports.run \\(${path.join(app, 'lib', 'db.js')}:3:`));
  assert.match(lines[2], new RegExp(`^  at Object.<anonymous> \\(${path.join(app, 'app.js')}:4:`));
  assert.equal(lines[3], `trace greeter#shout('${'a'.repeat(100)}') -> '${'A'.repeat(100)}' Nms`);
  assert.equal(lines.length, 4);
});

test('+errors writes throws and rejections only; +sample=0 writes nothing; the summary counts every call', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      'app.js': `'use strict';
const g = require('greeter');
(async () => {
  for (let i = 0; i < 5; i++) g.shout('x' + i);
  try { g.fail('boom'); } catch {}
  await g.later(1);
  await g.reject('no').catch(() => {});
  for (let i = 0; i < 7; i++) g.nap(0);
  console.log('done');
})();
`,
    },
  });
  const env = {
    WRAPT_TRACE: 'greeter#shout+errors,greeter#fail+errors,greeter#later+errors,greeter#reject+errors,greeter#nap+sample=0',
    WRAPT_TRACE_SUMMARY: '1',
  };
  const result = runNode(app, [...REQUIRE, 'app.js'], { env });
  assertClean(result);
  assert.equal(result.stdout, 'done\n');
  assert.deepEqual(traced(result.stderr), [
    "trace greeter#fail('boom') -> threw Error: boom Nms",
    "trace greeter#reject('no') -> rejected TypeError: no Nms",
    'trace summary greeter#shout calls=5 errors=0 p50=Nms p95=Nms max=Nms',
    'trace summary greeter#fail calls=1 errors=1 p50=Nms p95=Nms max=Nms',
    'trace summary greeter#later calls=1 errors=0 p50=Nms p95=Nms max=Nms',
    'trace summary greeter#reject calls=1 errors=1 p50=Nms p95=Nms max=Nms',
    'trace summary greeter#nap calls=7 errors=0 p50=Nms p95=Nms max=Nms',
  ]);
  // sample=1 writes every call.
  const all = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#nap+sample=1' } });
  assert.equal(traced(all.stderr).length, 7);
});

test('+slow=N writes only calls that took at least N ms (config object form)', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      '.wrapt-hooksrc.json': { trace: [{ fn: 'greeter#nap', slow: 300 }] },
      'app.js': `'use strict';\nconst { nap } = require('greeter');\nnap(0); nap(600); nap(0);\n`,
    },
  });
  const result = runNode(app, [...REQUIRE, 'app.js']);
  assertClean(result);
  assert.deepEqual(traced(result.stderr), ['trace greeter#nap(600) -> 600 Nms']);
});

test('WRAPT_TRACE_FORMAT=json: one object per line with the fields docs/tracing.md lists (time, pid, tid; plain data as JSON values), summary included', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      'app.js': `'use strict';
const g = require('greeter');
g.shout('x');
try { g.fail('boom'); } catch {}
g.later('v').then(() => g.reject('r')).catch(() => {});
new g.Client('c').query('SELECT 2');
`,
    },
  });
  const env = {
    WRAPT_TRACE: 'greeter#shout+stack,greeter#fail,greeter#later,greeter#reject,greeter#Client.prototype.query+this',
    WRAPT_TRACE_FORMAT: 'json',
    WRAPT_TRACE_SUMMARY: '1',
  };
  const result = runNode(app, [...REQUIRE, 'app.js'], { env });
  assertClean(result);
  const records = result.stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  for (const record of records) {
    assert.equal(record.pid > 0, true);
    assert.equal(record.tid, 0, 'every JSON line carries the thread id');
    assert.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  const shape = records.map((record) => {
    const rest = { ...record, ms: typeof (record.ms ?? record.p50) };
    for (const key of ['time', 'pid', 'tid', 'p50', 'p95', 'max', 'stack']) delete rest[key];
    return rest;
  });
  // Plain data (here strings) as JSON values; the receiver and errors as inspected text.
  assert.deepEqual(shape.slice(0, 5), [
    { fn: 'greeter#shout', args: ['x'], result: 'X', ms: 'number' },
    { fn: 'greeter#fail', args: ['boom'], error: 'Error: boom', ms: 'number' },
    { fn: 'greeter#Client.prototype.query', args: ['SELECT 2'], this: "Client { name: 'c' }", result: 'c:SELECT 2', ms: 'number' },
    { fn: 'greeter#later', args: ['v'], result: 'v', settled: 'resolved', ms: 'number' },
    { fn: 'greeter#reject', args: ['r'], error: 'TypeError: r', settled: 'rejected', ms: 'number' },
  ]);
  assert.match(records[0].stack[0], new RegExp(`^at Object.<anonymous> \\(${path.join(app, 'app.js')}:3:`));
  assert.deepEqual(
    records.slice(5).map((r) => [r.summary, r.fn, r.calls, r.errors, typeof r.p95]),
    [
      [true, 'greeter#shout', 1, 0, 'number'],
      [true, 'greeter#fail', 1, 1, 'number'],
      [true, 'greeter#later', 1, 0, 'number'],
      [true, 'greeter#reject', 1, 1, 'number'],
      [true, 'greeter#Client.prototype.query', 1, 0, 'number'],
    ],
  );
});

test('a bad option value is one coded warning naming the entry; the function is still traced', () => {
  const app = makeApp({ packages: { greeter: GREETER }, files: { 'app.js': `'use strict';\nconsole.log(require('greeter').shout('a'));\n` } });
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_TRACE: 'greeter#shout+slow=soon' } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'A\n');
  assert.deepEqual(
    result.warnings.map((w) => [w.code, w.message]),
    [
      [
        'WRAPT_HOOKS_CONFIG_INVALID',
        'WRAPT_TRACE entry 1 ("greeter#shout+slow=soon"): option "slow": expected a number of milliseconds (0 or more), like 5, got "soon"; the function is traced without it.',
      ],
    ],
  );
  assert.deepEqual(
    traced(result.stderr).filter((line) => line.startsWith('trace ')),
    ["trace greeter#shout('a') -> 'A' Nms"],
  );
});
