// In-process: the control socket `wrapt-hooks attach` talks to (src/control/, docs/attach.md):
// the config's "control" key and WRAPT_HOOKS_CONTROL, putting back what a session replaced, the
// protocol refusing bad input, the handles report, and where the sockets live. The command line
// is test/unit/cli-attach.test.mjs; test/attach.test.mjs attaches to a real process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { plan: planModule, wrapPatches, controlSession, controlPaths, recipeHandles } = internals();

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
