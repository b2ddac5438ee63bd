// Spawned: the end of a run and where lines go, the way a service meets them
// (docs/production-and-security.md, docs/tracing.md). A real SIGTERM, SIGINT and SIGHUP on a
// process without its own handler still gets the tempfile leak report, the trace summary and
// the debug summary, and the process then dies by that signal; an application's own handler is
// left to decide. Lines go through a replaced `process.stderr.write` (as pm2's cluster mode
// replaces it), carry WRAPT_TRACE_PREFIX's fields, and a symlinked WRAPT_TRACE_FILE is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeApp, parseWarnings, runNodeAsync, startNode } from './helpers.mjs';

const GREETER = {
  'package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' },
  'index.js': `exports.shout = function shout(s) { return String(s).toUpperCase(); };\n`,
};

const SERVICE = `'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrapt-hooks-signal-'));
require('greeter').shout('x');
if (process.argv[2] === 'handler') {
  process.on('SIGTERM', () => {
    console.log('own handler');
    setTimeout(() => process.exit(3), 20);
  });
}
console.log('ready ' + dir);
setInterval(() => {}, 1000);
`;

const REPORTS = { WRAPT_PATCHES: 'wrapt-hooks/recipes/tempfile', WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_SUMMARY: '1', WRAPT_HOOKS_DEBUG: '1' };

/** Starts the service, sends `signal` once it says it is ready, and waits for it to end. */
async function stopWith(app, signal, args = []) {
  const child = startNode(app, ['--require', 'wrapt-hooks/register', 'service.js', ...args], { env: REPORTS });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    if (!sent && stdout.includes('ready ')) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code, died] = await once(child, 'close');
  const dir = /ready (\S+)/.exec(stdout)?.[1];
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  return { code, signal: died, stdout, stderr, dir };
}

test('SIGTERM, SIGINT, SIGHUP without a handler: the leak report and both summaries are written, then the process dies by the same signal; an own handler decides', async () => {
  const app = makeApp({ packages: { greeter: GREETER }, files: { 'service.js': SERVICE } });
  const [term, int, hup, handled] = await Promise.all([
    stopWith(app, 'SIGTERM'),
    stopWith(app, 'SIGINT'),
    stopWith(app, 'SIGHUP'),
    stopWith(app, 'SIGTERM', ['handler']),
  ]);
  for (const [result, signal] of [
    [term, 'SIGTERM'],
    [int, 'SIGINT'],
    [hup, 'SIGHUP'],
  ]) {
    assert.equal(
      result.signal,
      signal,
      `${signal}: died by the signal (exit status ${128 + { SIGTERM: 15, SIGINT: 2, SIGHUP: 1 }[signal]} in a shell); stderr:\n${result.stderr}`,
    );
    assert.equal(result.code, null);
    assert.ok(result.stderr.includes(`wrapt-hooks: tempfile leaked ${result.dir} (created at service.js:5:16)`), `${signal}: leak report\n${result.stderr}`);
    assert.match(result.stderr, /^wrapt-hooks: trace summary greeter#shout calls=1 errors=0 /m, signal);
    assert.match(result.stderr, /^wrapt-hooks: summary for pid \d+ \(node service\.js\): /m, signal);
  }
  // The application's own SIGTERM handler runs and ends the process its way; the reports follow its exit.
  assert.equal(handled.signal, null);
  assert.equal(handled.code, 3, handled.stderr);
  assert.match(handled.stdout, /^own handler$/m);
  assert.ok(handled.stderr.includes(`wrapt-hooks: tempfile leaked ${handled.dir}`), handled.stderr);
});

test('a replaced process.stderr.write gets the lines written while it is in place; prefixes on every line; a symlinked WRAPT_TRACE_FILE refused with one warning', async () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    files: {
      'app.js': `'use strict';
const { shout } = require('greeter');
shout('before');
const captured = [];
const original = process.stderr.write;
process.stderr.write = function (chunk) { captured.push(String(chunk)); return true; };
shout('through');
process.stderr.write = original;
shout('after');
console.log(JSON.stringify(captured));
`,
    },
  });
  writeFileSync(path.join(app, 'target.log'), '', { mode: 0o600 });
  symlinkSync(path.join(app, 'target.log'), path.join(app, 'link.log'));
  const result = await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js'], {
    env: { WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_FILE: 'link.log', WRAPT_TRACE_PREFIX: 'pid,bogus' },
  });
  assert.equal(result.code, 0, result.stderr);
  const pid = /^wrapt-hooks: \[pid (\d+)\] /m.exec(result.stderr)?.[1];
  assert.ok(pid !== undefined, result.stderr);
  const captured = JSON.parse(result.stdout).map((line) => line.replace(/\d+\.\d+ms/, 'Nms'));
  assert.deepEqual(captured, [`wrapt-hooks: [pid ${pid}] trace greeter#shout('through') -> 'THROUGH' Nms\n`], 'only the line written while it was in place');
  const own = result.stderr.split('\n').filter((line) => line.startsWith('wrapt-hooks: '));
  assert.deepEqual(
    own.map((line) => line.replace(/\d+\.\d+ms/, 'Nms')),
    [`wrapt-hooks: [pid ${pid}] trace greeter#shout('before') -> 'BEFORE' Nms`, `wrapt-hooks: [pid ${pid}] trace greeter#shout('after') -> 'AFTER' Nms`],
  );
  assert.deepEqual(
    parseWarnings(result.stderr).map((warning) => warning.code),
    ['WRAPT_HOOKS_TRACE_FILE', 'WRAPT_HOOKS_TRACE_PREFIX'],
  );
  assert.match(parseWarnings(result.stderr)[0].message, /link\.log: it is a symbolic link, which is not followed/);
  assert.equal(readFileSync(path.join(app, 'target.log'), 'utf8'), '', 'nothing written through the link');
  assert.ok(existsSync(path.join(app, 'link.log')));
});
