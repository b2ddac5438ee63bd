// The trace writer (src/writer.ts, docs/tracing.md): no line lost and lines in call order when
// stderr is a pipe whose reader is slower than the application (the pipe non-blocking because
// the application touched process.stderr), with process.exit() and without, from worker
// threads too; the debug log goes through the same writer. The reader is a real process that
// sleeps before reading and then reads in small chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { childEnv, makeApp, NODE } from './helpers.mjs';

const GREETER = {
  'package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' },
  'index.js': `exports.shout = function shout(s) { return String(s).toUpperCase(); };\n`,
};

// Sleeps 300 ms with the pipe full, then reads 4 KiB at a time with a pause after each read,
// and prints everything it read at the end.
const SLOW_READER = `
const fs = require('fs');
const cell = new Int32Array(new SharedArrayBuffer(4));
Atomics.wait(cell, 0, 0, 300);
const chunks = []; const buffer = Buffer.alloc(4096);
for (;;) {
  let n;
  try { n = fs.readSync(0, buffer, 0, buffer.length, null); } catch (error) { if (error.code === 'EAGAIN') { Atomics.wait(cell, 0, 0, 1); continue; } throw error; }
  if (n === 0) break;
  chunks.push(Buffer.from(buffer.subarray(0, n)));
  Atomics.wait(cell, 0, 0, 2);
}
fs.writeFileSync(process.argv[1], Buffer.concat(chunks));
`;

/** Runs `node <args>` with stdout and stderr into one pipe read by SLOW_READER; returns what it read. */
function throughSlowPipe(app, args, env = {}) {
  const out = path.join(app, 'read.txt');
  const quote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
  const command = `${quote(NODE)} ${args.map(quote).join(' ')} 2>&1 | ${quote(NODE)} -e ${quote(SLOW_READER)} ${quote(out)}`;
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: app, env: childEnv(env), encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  return readFileSync(out, 'utf8');
}

/** The numbers of `shout('<tag>-<n>-…')` trace lines, in the order they arrived (a worker's lines say `[tid N]`). */
function calls(text, tag) {
  const pattern = new RegExp(
    `^wrapt-hooks: ${tag === 'worker' ? '\\[tid \\d+\\] ' : ''}trace greeter#shout\\('${tag}-(\\d+)-x+'\\) -> '${tag.toUpperCase()}-\\d+-X+' \\d+\\.\\d+ms$`,
  );
  return text
    .split('\n')
    .map((line) => pattern.exec(line))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]));
}

const range = (n) => Array.from({ length: n }, (_, i) => i);

const APP = `'use strict';
const { shout } = require('greeter');
console.error('app: start'); // the application touches process.stderr: the pipe is now non-blocking
for (let i = 0; i < 2000; i++) shout('main-' + i + '-' + 'x'.repeat(30));
if (process.argv[2] === 'exit') process.exit(0);
console.log('app: end');
`;

test('a slow pipe loses no trace line, in call order, with process.exit() and without', () => {
  const app = makeApp({ packages: { greeter: GREETER }, files: { 'app.js': APP } });
  for (const mode of ['exit', 'natural']) {
    const text = throughSlowPipe(app, ['--require', 'wrapt-hooks/register', 'app.js', mode], { WRAPT_TRACE: 'greeter#shout' });
    assert.deepEqual(calls(text, 'main'), range(2000), `${mode}: every line, in order`);
    assert.equal(text.split('\n').filter((line) => line === 'app: start').length, 1, `${mode}: the application's own line`);
    if (mode === 'natural') assert.match(text, /^app: end$/m);
  }
});

test('the debug log goes through the same writer: the exit summary follows the last trace line', () => {
  const app = makeApp({ packages: { greeter: GREETER }, files: { 'app.js': APP } });
  const text = throughSlowPipe(app, ['--require', 'wrapt-hooks/register', 'app.js', 'exit'], { WRAPT_TRACE: 'greeter#shout', WRAPT_HOOKS_DEBUG: '1' });
  const all = text.split('\n');
  assert.deepEqual(calls(text, 'main'), range(2000));
  const summary = all.findIndex((line) => line.startsWith('wrapt-hooks: summary for pid '));
  const lastTrace = all.findLastIndex((line) => line.startsWith('wrapt-hooks: trace '));
  assert.ok(summary > lastTrace, `the summary (line ${summary}) comes after the last trace line (${lastTrace})`);
  assert.ok(all.findIndex((line) => line.startsWith('wrapt-hooks: patching greeter')) < all.findIndex((line) => line.startsWith('wrapt-hooks: trace ')));
});

test('a worker thread and the main thread both lose nothing; each thread in its own call order', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      'app.js': `'use strict';
const { Worker } = require('worker_threads');
console.error('app: start');
const worker = new Worker(\`const { shout } = require('greeter'); for (let i = 0; i < 1000; i++) shout('worker-' + i + '-' + 'x'.repeat(30));\`, { eval: true });
const { shout } = require('greeter');
for (let i = 0; i < 1000; i++) shout('main-' + i + '-' + 'x'.repeat(30));
worker.on('exit', () => process.exit(0));
`,
    },
  });
  const text = throughSlowPipe(app, ['--require', 'wrapt-hooks/register', 'app.js'], { WRAPT_TRACE: 'greeter#shout' });
  assert.deepEqual(calls(text, 'main'), range(1000));
  assert.deepEqual(calls(text, 'worker'), range(1000));
});

test('WRAPT_TRACE_FILE: trace lines go to the file, the debug log stays on stderr', () => {
  const app = makeApp({ packages: { greeter: GREETER }, files: { 'app.js': APP } });
  const text = throughSlowPipe(app, ['--require', 'wrapt-hooks/register', 'app.js', 'exit'], {
    WRAPT_TRACE: 'greeter#shout',
    WRAPT_TRACE_FILE: 'trace.log',
    WRAPT_HOOKS_DEBUG: '1',
  });
  assert.deepEqual(calls(text, 'main'), []);
  assert.match(text, /^wrapt-hooks: summary for pid \d+ \([^)]*\): 1 applied/m);
  assert.deepEqual(calls(readFileSync(path.join(app, 'trace.log'), 'utf8'), 'main'), range(2000));
});
