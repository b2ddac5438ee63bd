// In-process: the control socket `wrapt-hooks attach` talks to (src/control/, docs/attach.md):
// listening (mode 0600, node:cluster not loaded), the config's "control" key and
// WRAPT_HOOKS_CONTROL, putting back what a session replaced, the protocol refusing bad input, the
// handles report, where the sockets live, and --trace wildcards applied live. The command line is
// test/unit/cli-attach-options.test.mjs; test/attach.test.mjs attaches to a real process.
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';

const {
  plan: planModule,
  wrapPatches,
  controlSession,
  controlListen,
  controlPaths,
  recipeHandles,
  registry: registryModule,
  hooksLoaded,
  match,
  trace,
  validate,
} = internals();
const require = createRequire(import.meta.url);

// server.listen() loads node:cluster before anything else; the control socket must not go through
// it. A spy on listen() says so whatever other tests in this process loaded before.
test('the control socket listens, mode 0600, without loading node:cluster (through net.Server.prototype._listen2, which Node keeps)', async () => {
  assert.equal(typeof net.Server.prototype._listen2, 'function', 'the step listen() takes in a cluster primary');
  const clusterLoaded = () => process.moduleLoadList.includes('NativeModule cluster');
  const clusterBefore = clusterLoaded();
  const listen = net.Server.prototype.listen;
  let listenCalls = 0;
  net.Server.prototype.listen = function (...args) {
    listenCalls++;
    return listen.apply(this, args);
  };
  const runtime = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-listen-'));
  const saved = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtime;
  try {
    let served;
    const connection = new Promise((resolve) => (served = resolve));
    const file = controlListen.listenControl((socket) => served(socket));
    assert.equal(file, path.join(runtime, 'wrapt-hooks', `${process.pid}.sock`));
    const client = net.connect(file);
    (await connection).end('hi\n');
    let text = '';
    for await (const chunk of client.setEncoding('utf8')) text += chunk;
    assert.equal(text, 'hi\n');
    assert.equal(lstatSync(file).mode & 0o777, 0o600);
    assert.equal(controlListen.controlState().server.address(), file);
    assert.equal(listenCalls, 0, 'server.listen() (which loads node:cluster) was not called');
    if (!clusterBefore) assert.equal(clusterLoaded(), false);
    controlListen.controlState().server.close();
  } finally {
    net.Server.prototype.listen = listen;
    if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = saved;
    rmSync(runtime, { recursive: true, force: true });
  }
});

test('"control": true in the config or WRAPT_HOOKS_CONTROL=1 turn the control socket on; a wrong type is a problem', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-control-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{}');
    assert.equal(planModule.loadPlan(dir, {}).control, false);
    assert.equal(planModule.loadPlan(dir, { WRAPT_HOOKS_CONTROL: '1' }).control, true);
    writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify({ control: true }));
    assert.equal(planModule.loadPlan(dir, {}).control, true);
    writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify({ control: 'yes' }));
    const plan = planModule.loadPlan(dir, {});
    assert.equal(plan.control, false);
    assert.match(plan.problems.map((p) => p.message).join('\n'), /key control: expected true or false, got string "yes"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what a session replaced is put back: the original function again, inherited methods inherited again; a later replacement is left alone', () => {
  const { recordReplacements, restoreReplacement, wrapFunctionWrapper } = wrapPatches;
  class Base {
    m() {
      return 'base';
    }
  }
  class Child extends Base {}
  const exports = { f: () => 'f', g: () => 'g' };
  const original = exports.f;
  const recorded = [];
  recordReplacements(
    (replacement) => recorded.push(replacement),
    () => {
      wrapFunctionWrapper(exports, 'f', (wrapped) => `traced ${wrapped()}`);
      wrapFunctionWrapper(exports, 'g', (wrapped) => wrapped());
      wrapFunctionWrapper(Child.prototype, 'm', (wrapped) => `child ${wrapped()}`);
    },
  );
  assert.equal(recorded.length, 3);
  assert.equal(exports.f(), 'traced f');
  assert.equal(new Child().m(), 'child base');
  exports.g = () => 'someone else';
  assert.deepEqual(
    recorded.map((replacement) => restoreReplacement(replacement)),
    [true, false, true],
  );
  assert.equal(exports.f, original);
  assert.equal(exports.g(), 'someone else');
  assert.equal(Object.hasOwn(Child.prototype, 'm'), false);
  assert.equal(new Child().m(), 'base');
});

/** A client of an in-process session: sends `lines`, resolves with the messages it got back. */
async function exchange(lines) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-session-'));
  const file = path.join(dir, 's.sock');
  const server = net.createServer((socket) => controlSession.serve(socket));
  await new Promise((resolve) => server.listen(file, resolve));
  try {
    const client = net.connect(file);
    let text = '';
    client.setEncoding('utf8').on('data', (chunk) => (text += chunk));
    await new Promise((resolve) => client.once('connect', resolve));
    for (const line of lines) client.write(line);
    await new Promise((resolve) => client.once('close', resolve));
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the control protocol checks every message: not JSON, no op, unknown op, wrong fields, too long', async () => {
  const cases = [
    ['not json\n', 'bad-message'],
    ['{"nop":1}\n', 'bad-message'],
    ['[1]\n', 'bad-message'],
    ['{"op":"rm -rf"}\n', 'bad-message'],
    ['{"op":"hello","version":2}\n', 'version'],
    ['{"op":"attach","trace":"fs#x","recipes":[],"json":false}\n', 'bad-message'],
    [`{"op":"attach","trace":[${JSON.stringify('x'.repeat(2000))}],"recipes":[],"json":false}\n`, 'bad-message'],
    ['{"op":"report","what":"secrets"}\n', 'bad-message'],
    [`${'x'.repeat(70 * 1024)}`, 'too-large'],
  ];
  for (const [line, code] of cases) {
    const replies = await exchange([line]);
    assert.equal(replies.at(-1)?.op, 'error', line.slice(0, 60));
    assert.equal(replies.at(-1)?.code, code, line.slice(0, 60));
  }
});

test('a session answers hello, reports and detach in order', async () => {
  const replies = await exchange(['{"op":"hello","version":1}\n{"op":"report","what":"handles"}\n{"op":"detach"}\n']);
  assert.deepEqual(
    replies.map((reply) => reply.op),
    ['hello', 'report', 'detached'],
  );
  assert.equal(replies[0].pid, process.pid);
  assert.match(replies[1].lines[0], /^wrapt-hooks: handles \d+ active in pid \d+:$/);
});

test('the handles report names a listening server with its address', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const texts = recipeHandles.handlesReport().map((line) => line.text);
    assert.ok(texts.includes(`server 127.0.0.1:${server.address().port}`), texts.join('\n'));
  } finally {
    server.close();
  }
});

test('control sockets live in a per-user directory, named by pid', () => {
  assert.equal(controlPaths.controlDir({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/wrapt-hooks');
  assert.equal(controlPaths.controlDir({ XDG_RUNTIME_DIR: 'relative' }), path.join(tmpdir(), `wrapt-hooks-${process.getuid()}`));
  assert.equal(controlPaths.socketPath(42, '/d'), '/d/42.sock');
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-dir-'));
  try {
    assert.equal(controlPaths.untrustedDir(dir), undefined);
    assert.match(controlPaths.untrustedSocket(path.join(dir, 'none.sock')), /cannot be read/);
    writeFileSync(path.join(dir, 'file.sock'), '');
    assert.match(controlPaths.untrustedSocket(path.join(dir, 'file.sock')), /is not a socket/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an attach --trace wildcard traces each function of its object, in instances loaded now and later, leaves named ones to their entry, and all are put back', () => {
  const dir = makeApp({
    files: {
      'lib.js': `exports.f = function f(x) { return x * 2; };
exports.g = function g(x) { return x + 1; };
exports.K = class K { m() { return 'm'; } n() { return 'n'; } };
exports.value = 1;
`,
    },
  });
  const filename = path.join(dir, 'lib.js');
  // As the thread's registry is made (hooks/index.ts): an attach finds the modules loaded before it.
  const registry = new registryModule.Registry({ findLoaded: hooksLoaded.findLoaded });
  const lines = [];
  const applied = [];
  const failed = [];
  const replacements = [];
  const live = {
    route: { json: false, write: (text) => lines.push(text.trim()) },
    around: (apply) => wrapPatches.recordReplacements((replacement) => replacements.push(replacement), apply),
    applied: (file, names) => applied.push([path.basename(file), names]),
    failed: (message) => failed.push(message),
  };
  const entry = (spec) => {
    const read = validate.parseTraceEntry(spec, dir);
    return { ...read.parsed, options: read.options, stack: false, baseDir: dir, origin: 'wrapt-hooks attach' };
  };
  const first = require(filename);
  const originals = (lib) => [lib.f, lib.g, lib.K, lib.K.prototype.m, lib.K.prototype.n];
  const before = originals(first);
  // `g` has an entry of its own in the same attach: the wildcard leaves it to that entry.
  const all = trace.registerLiveTrace(registry, entry('./lib.js#*'), live, (fnPath) => fnPath === 'g');
  const methods = trace.registerLiveTrace(registry, entry('./lib.js#K.prototype.*'), live);
  const none = trace.registerLiveTrace(registry, entry('./lib.js#K.*'), live);
  assert.deepEqual(applied, [
    ['lib.js', ['f', 'K']],
    ['lib.js', ['m', 'n']],
  ]);
  assert.equal(failed.length, 1);
  assert.match(failed[0], /trace "\.\/lib\.js#K\.\*" .*"K\.\*" matches no function/);
  assert.equal(first.f(2), 4);
  assert.equal(new first.K().m(), 'm');
  assert.equal(first.g, before[1], 'left to its own entry');
  assert.match(lines.join('\n'), /trace \.\/lib\.js#f\(2\) -> 4 /);
  assert.match(lines.join('\n'), /trace \.\/lib\.js#K\.prototype\.m\(\) -> 'm' /);
  // A module instance loaded after the attach is traced when it loads.
  delete require.cache[filename];
  const second = require(filename);
  const after = originals(second);
  registry.onLoad({
    keys: match.matchRequired(registry, filename),
    format: 'commonjs',
    via: 'require',
    value: second,
    filename,
    module: require.cache[filename],
  });
  assert.equal(applied.length, 4);
  assert.equal(second.f(3), 6);
  assert.match(lines.at(-1), /trace \.\/lib\.js#f\(3\) -> 6 /);
  assert.deepEqual(
    all.stats.map((stats) => [stats.fn, stats.calls]),
    [
      ['./lib.js#f', 2],
      ['./lib.js#K', 1],
    ],
  );
  // The detach: every member wrapped, in both instances, is the original again.
  for (const registered of [all, methods, none]) registered.unregister();
  for (const replacement of replacements.reverse()) assert.equal(wrapPatches.restoreReplacement(replacement), true, replacement.attribute);
  assert.deepEqual(originals(first), before);
  assert.deepEqual(originals(second), after);
  assert.equal(Object.hasOwn(first.K.prototype, 'm'), true);
  const count = lines.length;
  second.f(1);
  assert.equal(lines.length, count, 'no line after the detach');
});
