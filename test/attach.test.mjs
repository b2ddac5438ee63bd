// `wrapt-hooks attach <pid>` (docs/attach.md) against one real process: a CommonJS HTTP server
// started with the preload and WRAPT_HOOKS_CONTROL=1, receiving real requests while attached.
// The scenarios share that process and run in order; the Node version matrix, ES module apps and
// the --inspector path live in test/compat/attach.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childEnv, makeApp, NODE, ROOT, spawnChild } from './helpers.mjs';

const CLI = path.join(ROOT, 'bin', 'wrapt-hooks.js');
// A control directory of the suite's own: the sockets of other test runs are not in the way.
const runtime = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-attach-'));
const ENV = { XDG_RUNTIME_DIR: runtime };

const app = makeApp({
  files: {
    'greeter.js': `exports.shout = function shout(s) { return String(s).toUpperCase(); };\n`,
    'server.js': `'use strict';
const http = require('http');
const greeter = require('./greeter');
const original = greeter.shout;
const server = http.createServer((req, res) => {
  if (req.url === '/identity') return res.end(String(greeter.shout === original));
  res.end(greeter.shout(req.url));
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`,
  },
});

let server;
let port;
let serverStderr = '';

before(async () => {
  server = spawn(NODE, ['--require', 'wrapt-hooks/register', 'server.js'], {
    cwd: app,
    env: childEnv({ ...ENV, WRAPT_HOOKS_CONTROL: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr.setEncoding('utf8').on('data', (chunk) => (serverStderr += chunk));
  port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}): ${serverStderr}`)));
  });
  // The socket is opened half a second after start-up (OPEN_DELAY_MS in src/control/paths.ts).
  for (let tries = 0; tries < 100 && !existsSync(socketFile()); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
});

const socketFile = () => path.join(runtime, 'wrapt-hooks', `${server.pid}.sock`);

after(() => {
  server?.kill();
  rmSync(runtime, { recursive: true, force: true });
});

const get = async (pathname) => (await fetch(`http://127.0.0.1:${port}${pathname}`)).text();
const attach = (args, env = {}) => spawnChild(app, NODE, [CLI, 'attach', String(server.pid), ...args], { env: { ...ENV, ...env }, timeout: 30_000 });

/** Starts `attach` and resolves once it says it is attached (with the child, to stop it). */
function attachLive(args) {
  const child = spawn(NODE, [CLI, 'attach', String(server.pid), ...args], { cwd: app, env: childEnv(ENV), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = { stdout: '', stderr: '', child };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (result.stdout += chunk));
  result.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  result.attached = new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      result.stderr += chunk;
      if (result.stderr.includes('attached to process')) resolve();
    });
    result.exited.then(() => reject(new Error(`attach exited before attaching: ${result.stderr}`)));
  });
  return result;
}

test('the control socket is the process pid in a directory only its user can enter', () => {
  assert.ok(existsSync(socketFile()), `${socketFile()} exists`);
});

test('attach traces the functions of a loaded module (a wildcard entry) and turns the http recipe on while real requests arrive; lines go to attach, Ctrl-C takes everything off', async () => {
  const before = serverStderr;
  // A wildcard entry, as in WRAPT_TRACE: each function greeter.js exports (shout).
  const session = attachLive(['--trace', './greeter.js#*', '--recipe', 'http']);
  await session.attached;
  assert.equal(await get('/hello'), '/HELLO');
  assert.equal(await get('/identity'), 'false', 'the export is the trace wrapper while attached');
  // A second attach while this one is active is refused.
  const second = await attach(['--handles']);
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stderr, /another wrapt-hooks attach is active/);
  session.child.kill('SIGINT');
  assert.equal(await session.exited, 0, session.stderr);
  assert.match(session.stdout, /^wrapt-hooks: trace \[req 1\] \.\/greeter\.js#shout\('\/hello'\) -> '\/HELLO' [\d.]+ms$/m);
  assert.match(session.stdout, /^wrapt-hooks: http \[req 1\] in GET \/hello -> 200 [\d.]+ms$/m);
  assert.match(session.stderr, /trace \.\/greeter\.js#\*: applied \(traced in .*greeter\.js \(1 function: shout\)\)/);
  assert.match(session.stderr, /detached from process \d+: 2 wrapper\(s\) removed/);
  assert.equal(await get('/identity'), 'true', 'after detach the export is the original function again');
  assert.equal(serverStderr, before, "the process's own output is unchanged");
});

test('--handles and --summary report and detach; JSON when attach runs with WRAPT_TRACE_FORMAT=json', async () => {
  const result = await attach(['--handles', '--summary'], { WRAPT_TRACE_FORMAT: 'json' });
  assert.equal(result.code, 0, result.stderr);
  const records = result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  assert.ok(
    records.some((record) => record.kind === 'server' && record.what === `127.0.0.1:${port}`),
    result.stdout,
  );
  assert.ok(
    records.some((record) => typeof record.debug === 'string' && record.debug.startsWith(`summary for pid ${server.pid}`)),
    result.stdout,
  );
});

test('a trace that matches nothing in a loaded module is one line, and nothing attached is exit 3', async () => {
  const result = await attach(['--trace', './greeter.js#whisper']);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /trace \.\/greeter\.js#whisper: failed \(.*"whisper" is not there/);
  assert.equal(await get('/identity'), 'true');
});

test('a process without a control socket: exit 3 with how to start one', async () => {
  const result = await spawnChild(app, NODE, [CLI, 'attach', String(process.pid), '--trace', 'fs#readFileSync'], { env: ENV, timeout: 30_000 });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /has no control socket .*WRAPT_HOOKS_CONTROL=1.*--inspector/);
});
