// `wrapt-hooks attach` (docs/attach.md) across Node versions (WRAPT_HOOKS_NODE_20/22/24/26; the
// running Node when none is set), CommonJS and ES module apps, reached through the control
// socket (started with the preload and WRAPT_HOOKS_CONTROL=1) and through Node's inspector
// (started without wrapt-hooks, `--inspector`). Each app is a real HTTP server that receives a
// real request while attached; after detach the exports are the originals again and, on the
// inspector path, the inspector's port is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childEnv, makeApp, ROOT } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';

const NODES = configuredNodes();
const CLI = path.join(ROOT, 'bin', 'wrapt-hooks.js');

const LIB = `export function hello(name) { return 'hello ' + name; }
export class Greeter { greet(n) { return 'hi ' + n; } }
`;
const app = makeApp({
  files: {
    'greeter.js': `exports.shout = function shout(s) { return String(s).toUpperCase(); };\n`,
    // Required at the first request, after the attach: a wildcard traces it when it loads.
    'later.js': `exports.whisper = function whisper(s) { return String(s).toLowerCase(); };\n`,
    'cjs.js': `'use strict';
const http = require('http');
const greeter = require('./greeter');
const original = greeter.shout;
const server = http.createServer((req, res) =>
  res.end(req.url === '/identity' ? String(greeter.shout === original) : greeter.shout(req.url) + require('./later').whisper(req.url)));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`,
    'lib.mjs': LIB,
    'esm.mjs': `import http from 'node:http';
import { hello, Greeter } from './lib.mjs';
const greet = Greeter.prototype.greet;
const server = http.createServer((req, res) =>
  res.end(req.url === '/identity' ? String(Greeter.prototype.greet === greet) : hello(req.url) + ' ' + new Greeter().greet('x')));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`,
  },
});

function start(node, args, env) {
  const child = spawn(node, args, { cwd: app, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const port = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`app exited (${code}): ${stderr}`)));
  });
  return { child, port, stderr: () => stderr };
}

function attach(node, pid, args, env) {
  const child = spawn(node, [CLI, 'attach', String(pid), ...args], { cwd: app, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (result.stdout += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  result.exited = new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  result.attached = new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      result.stderr += chunk;
      if (result.stderr.includes('attached to process')) resolve();
    });
    result.exited.then(() => reject(new Error(`attach exited before attaching: ${result.stderr}`)));
  });
  result.child = child;
  return result;
}

const portOpen = (port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

// Each scenario also has wildcard entries (docs/tracing.md): one over a module loaded after the
// attach (CommonJS), one over a class prototype reached from a loaded ES module's namespace, and
// one over that namespace's own bindings, which cannot be replaced and is said so.
const SCENARIOS = [
  {
    kind: 'CommonJS',
    script: 'cjs.js',
    traces: ['./greeter.js#shout', './later.js#*'],
    line: /trace \.\/greeter\.js#shout\('\/x'\) -> '\/X'/,
    wildcard: /trace \.\/later\.js#whisper\('\/x'\) -> '\/x'/,
  },
  {
    kind: 'ES module',
    script: 'esm.mjs',
    traces: ['./lib.mjs#Greeter.prototype.*', './lib.mjs#hello', './lib.mjs#*'],
    line: /trace \.\/lib\.mjs#Greeter\.prototype\.greet\('x'\) -> 'hi x'/,
  },
];

// The apps start from wrapt-hooks' code cache, as every start after a host's first does
// (docs/performance.md): a start with a trace writes it. Node 20 runs functions from the cache
// without their dynamic-import callback, which an attach reaching a loaded ES module needs.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-attach-cache-'));
process.on('exit', () => rmSync(cacheHome, { recursive: true, force: true }));
function warmCache(node) {
  const written = spawnSync(node, ['--require', 'wrapt-hooks/register', '-e', '0'], {
    cwd: app,
    env: childEnv({ XDG_CACHE_HOME: cacheHome, WRAPT_TRACE: 'os#cpus' }),
    encoding: 'utf8',
  });
  assert.equal(written.status, 0, written.stderr);
}

for (const [major, node] of NODES) {
  test(`Node ${major}: a start with a trace writes the code cache the apps below start from`, () => {
    warmCache(node);
    const version = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
    const entries = readdirSync(path.join(cacheHome, 'wrapt-hooks'));
    assert.ok(
      entries.some((name) => name.includes(`-${version}-`)),
      `no cache entry for ${version}: ${entries.join(', ')}`,
    );
  });
  for (const scenario of SCENARIOS) {
    for (const via of ['control socket', 'inspector']) {
      test(`Node ${major}, ${scenario.kind} app, through the ${via}: traces a loaded function while a request arrives, and detaches`, async () => {
        const runtime = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-attach-'));
        const env = { XDG_RUNTIME_DIR: runtime, XDG_CACHE_HOME: cacheHome };
        const preload = via === 'control socket' ? ['--require', 'wrapt-hooks/register'] : [];
        const server = start(node, [...preload, scenario.script], via === 'control socket' ? { ...env, WRAPT_HOOKS_CONTROL: '1' } : env);
        try {
          const port = await server.port;
          const socket = path.join(runtime, 'wrapt-hooks', `${server.child.pid}.sock`);
          for (let tries = 0; via === 'control socket' && tries < 100 && !existsSync(socket); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
          const session = attach(
            node,
            server.child.pid,
            [...scenario.traces.flatMap((spec) => ['--trace', spec]), ...(via === 'inspector' ? ['--inspector'] : [])],
            env,
          );
          await session.attached;
          await (await fetch(`http://127.0.0.1:${port}/x`)).text();
          assert.equal(await (await fetch(`http://127.0.0.1:${port}/identity`)).text(), 'false');
          session.child.kill('SIGTERM');
          assert.equal(await session.exited, 0, session.stderr);
          assert.match(session.stdout, scenario.line);
          assert.equal(session.stdout.split('\n').filter((line) => scenario.line.test(line)).length, 1, `one line per call (one wrapper): ${session.stdout}`);
          assert.equal(await (await fetch(`http://127.0.0.1:${port}/identity`)).text(), 'true', 'the original after detach');
          if (scenario.kind === 'ES module') {
            assert.match(session.stderr, /"hello" is an export binding of the ES module .*lib\.mjs/);
            assert.match(session.stderr, /trace \.\/lib\.mjs#Greeter\.prototype\.\*: applied \(traced in .*lib\.mjs \(1 function: greet\)\)/);
            assert.match(session.stderr, /"\*" stands for the export bindings of the ES module .*lib\.mjs/);
          } else {
            assert.match(session.stderr, /trace \.\/later\.js#\*: waiting/);
            assert.match(session.stderr, /trace \.\/later\.js#\*: applied to .*later\.js \(1 function: whisper\), loaded now/);
            assert.equal(session.stdout.split('\n').filter((line) => scenario.wildcard.test(line)).length, 1, session.stdout);
          }
          if (via === 'inspector') {
            const opened = /inspector was open (\d+)ms in process \d+ \(port (\d+)\); it is closed/.exec(session.stderr);
            assert.ok(opened, session.stderr);
            assert.equal(await portOpen(Number(opened[2])), false, 'the inspector port is closed');
          } else {
            assert.doesNotMatch(server.stderr(), /Debugger/);
          }
          assert.doesNotMatch(server.stderr(), /wrapt-hooks: trace/, "lines go to attach, not the process's stderr");
        } finally {
          server.child.kill();
          rmSync(runtime, { recursive: true, force: true });
        }
      });
    }
  }
}
