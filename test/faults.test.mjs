// Faults (docs/patches-and-api.md, docs/troubleshooting.md): patches that misbehave, and environments that stress the preload. The
// application must run on with its own output and exit code; problems are coded warnings.
// test/unit/bootstrap-faults.test.mjs covers each misbehaving patch in process; here are representatives
// as users run them, and what needs real processes and threads.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNode, runNodeAsync, sections } from './helpers.mjs';

const FLAGS = [
  ['--require', 'wrapt-hooks/register'],
  ['--import', 'wrapt-hooks/register'],
];
const [REQUIRE, IMPORT] = FLAGS;
// A patch that throws runs with both flags; the other faults with one each, spread over the two
// (test/workers.test.mjs and test/esm.test.mjs hold the flags to threads and ES module apps).

const VICTIM = {
  'package.json': { name: 'victim', version: '1.2.3', main: 'index.js' },
  'index.js': "exports.hello = (who) => 'hello ' + who;\n",
};

const APP = `'use strict';
const victim = require('victim');
console.log(victim.hello('app'), typeof victim.hello, typeof victim.then);
process.exitCode = 3;
`;

const config = (patches) => JSON.stringify({ patches }, null, 2);

function app(files, packages = { victim: VICTIM }) {
  return makeApp({ packages, files });
}

/** Runs the app bare and with each preload in `flags`, side by side; resolves to { baseline, results: [{flag, ...}] }. */
async function runAll(dir, flags = FLAGS, script = 'app.js', env = {}) {
  const [baseline, ...results] = await Promise.all([
    runNodeAsync(dir, [script], { env }),
    ...flags.map(async (flag) => ({ flag: flag[0], ...(await runNodeAsync(dir, [...flag, script], { env })) })),
  ]);
  return { baseline, results };
}

describe('patches that throw', () => {
  const throwers = [['an Error', "throw new Error('patch exploded')", /Error: patch exploded/]];
  for (const [what, body, detail] of throwers) {
    it(`throws ${what}: one warning naming the patch and target, app output and exit code unchanged`, async () => {
      const dir = app({
        '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
        'patch.js': `module.exports = function explode(exports) { ${body}; };\n`,
        'app.js': APP,
      });
      const { baseline, results } = await runAll(dir);
      assert.equal(baseline.code, 3);
      for (const result of results) {
        assert.equal(result.stdout, baseline.stdout, `${result.flag}: ${result.stderr}`);
        assert.equal(result.code, 3, result.flag);
        assert.equal(result.warnings.length, 1, `${result.flag}: ${result.stderr}`);
        const [warning] = result.warnings;
        assert.equal(warning.code, 'WRAPT_HOOKS_PATCH_FAILED');
        assert.match(warning.message, /^patch \.\/patch\.js for "victim" \(/);
        assert.ok(warning.message.includes(`${dir}/.wrapt-hooksrc.json, key patches.victim`), warning.message);
        assert.match(warning.message, detail);
        assert.match(warning.message, /WRAPT_HOOKS_DISABLE=victim/);
      }
      const strict = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_HOOKS_STRICT: '1' } });
      assert.notEqual(strict.code, 0);
      assert.match(strict.stderr, /WraptHooksError: patch \.\/patch\.js for "victim"/);
    });
  }
});

describe('patches that return a promise', () => {
  it('rejected promise: no unhandled rejection, the app exits as it would', async () => {
    const dir = app({
      '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
      'patch.js': "module.exports = function rejects() { return Promise.reject(new Error('async patch failed')); };\n",
      'app.js': `${APP}setTimeout(() => console.log('still running'), 20);\n`,
    });
    const { baseline, results } = await runAll(dir, [IMPORT]);
    assert.match(baseline.stdout, /still running/);
    for (const result of results) {
      assert.equal(result.stdout, baseline.stdout, result.stderr);
      assert.equal(result.code, 3, result.stderr);
      assert.doesNotMatch(result.stderr, /Unhandled|ERR_UNHANDLED_REJECTION/);
      assert.ok(result.warnings.length >= 1 && result.warnings.every((w) => w.code === 'WRAPT_HOOKS_PATCH_ASYNC'), result.stderr);
      assert.ok(
        result.warnings.some((w) => /rejected: Error: async patch failed/.test(w.message)),
        result.stderr,
      );
    }
  });
});

// Patches that load their own target, and a patch module that loads slowly: each scenario on a
// target of its own (copies of the victim), so that scenarios with the same preload flag share a
// child (`sections`), one printed line each.
describe('patches that load their own target, and one that loads slowly', () => {
  const victim = (name) => ({ ...VICTIM, 'package.json': { ...VICTIM['package.json'], name } });
  /** Requires the target twice: one instance, patched once (the patch counts in globalThis[counter]). */
  const counting = (label, target, counter) => `const victim = require('${target}');
const again = require('${target}');
console.log('${label}', victim.hello('app'), victim === again, globalThis.${counter});
`;
  const SCRIPTS = {
    // --require, a CommonJS app: the patch requires its target inside the patch function; then
    // the slow patch module, and an exit code of the app's own.
    'app.js': sections(
      {
        inside: counting('inside', 'victim', 'fired'),
        slow: "console.log('slow before', require('victim-slow').hello('app'), 'after');",
      },
      { prelude: "'use strict';\nprocess.exitCode = 4;" },
    ),
    // --import, an ES module app: the patch requires the target inside the patch function; then
    // a CommonJS module whose target's patch module requires the target at its top.
    'app.mjs': sections(
      {
        esm: "console.log('esm', victim.hello('app'), hello === victim.hello, globalThis.fired);",
        top: "await import('./top.cjs');",
      },
      { prelude: "import victim from 'victim';\nimport { hello } from 'victim';" },
    ),
  };
  let dir;
  const runs = new Map();
  /** The one line scenario `label` of `script` printed in its run with `flag` (one run per flag and script). */
  function lineOf(flag, script, label) {
    dir ??= makeApp({
      packages: { victim: VICTIM, 'victim-top': victim('victim-top'), 'victim-slow': victim('victim-slow') },
      files: {
        '.wrapt-hooksrc.json': config({ victim: './inside.js', 'victim-top': './top.js', 'victim-slow': './slow.js' }),
        'inside.js': `module.exports = function selfRequire(exports) {
  globalThis.fired = (globalThis.fired || 0) + 1;
  const inner = require('victim');
  const original = exports.hello;
  exports.hello = (who) => original(who) + ' (inner saw ' + typeof inner.hello + ')';
};
`,
        'top.js': `const inner = require('victim-top');
module.exports = function topRequire(exports) {
  globalThis.firedTop = (globalThis.firedTop || 0) + 1;
  const original = exports.hello;
  exports.hello = (who) => original(who) + ' (inner saw ' + typeof inner.hello + ')';
};
`,
        'slow.js': `const until = Date.now() + 200;
while (Date.now() < until) {}
module.exports = function slow(exports) { const original = exports.hello; exports.hello = (who) => original(who) + ' (slowly patched)'; };
`,
        'app.js': SCRIPTS['app.js'].script,
        'app.mjs': SCRIPTS['app.mjs'].script,
        'top.cjs': `'use strict';\n${counting('top', 'victim-top', 'firedTop')}`,
      },
    });
    const key = `${flag[0]} ${script}`;
    if (!runs.has(key)) runs.set(key, runNode(dir, [...flag, script]));
    const result = runs.get(key);
    const found = SCRIPTS[script].lines(result, label);
    assert.deepEqual(result.warnings, [], result.stderr);
    assert.equal(result.code, script === 'app.js' ? 4 : 0, result.stderr);
    assert.deepEqual(SCRIPTS[script].outside(result), { before: '', after: '' }, 'nothing printed outside the scenarios');
    assert.equal(found.length, 1, `${label}:\n${result.stdout}`);
    return found[0];
  }

  it('requires the target inside the patch function: no recursion, fires once', () => {
    assert.equal(lineOf(REQUIRE, 'app.js', 'inside'), 'inside hello app (inner saw function) true 1');
  });

  it('requires the target at the top of the patch module: no recursion, fires once', () => {
    assert.equal(lineOf(IMPORT, 'app.mjs', 'top'), 'top hello app (inner saw function) true 1');
  });

  it('an ES module app, the patch requires the target: fires once', () => {
    assert.equal(lineOf(IMPORT, 'app.mjs', 'esm'), 'esm hello app (inner saw function) true 1');
  });

  it('a patch module that loads slowly (200 ms busy-wait): still patched, output intact', () => {
    assert.equal(lineOf(REQUIRE, 'app.js', 'slow'), 'slow before hello app (slowly patched) after');
  });
});

describe('patches on frozen and non-configurable properties', () => {
  const cases = [['a property of a frozen object', 'inner.deep', /"inner\.deep"/]];
  for (const [title, prop, names] of cases) {
    it(`wrapFunctionWrapper on ${title}: a warning naming the path, the app runs`, async () => {
      const dir = makeApp({
        packages: ['frozen'],
        files: {
          '.wrapt-hooksrc.json': config({ frozen: './patch.js' }),
          'patch.js': `const { wrapFunctionWrapper } = require('wrapt-hooks');
module.exports = function wrapLocked(exports) { wrapFunctionWrapper(exports, ${JSON.stringify(prop)}, (wrapped, self, args) => 'wrapped ' + wrapped(...args)); };
`,
          'app.js': "const f = require('frozen'); console.log(f.hello('x'), f.locked(), f.inner.deep()); process.exitCode = 5;\n",
        },
      });
      // The app's own output: nothing wrapped, nothing lost.
      const result = await runNodeAsync(dir, [...IMPORT, 'app.js']);
      assert.equal(result.stdout, 'hello x locked deep\n', result.stderr);
      assert.equal(result.code, 5);
      assert.equal(result.warnings.length, 1, result.stderr);
      assert.equal(result.warnings[0].code, 'WRAPT_HOOKS_PATCH_FAILED');
      assert.match(result.warnings[0].message, names);
      assert.match(result.warnings[0].message, /WRAPT_HOOKS_READ_ONLY|frozen|read-only/);
    });
  }
});

test('8 worker threads inheriting the preload: each thread patched once', () => {
  const dir = app({
    '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
    'patch.js': `module.exports = function perThread(exports) {
  globalThis.fired = (globalThis.fired || 0) + 1;
  const original = exports.hello;
  exports.hello = (who) => original(who) + ' patched';
};
`,
    'app.js': `'use strict';
const { Worker, isMainThread, parentPort, threadId } = require('node:worker_threads');
if (isMainThread) {
  const results = [];
  let pending = 8;
  for (let i = 0; i < 8; i++) {
    const worker = new Worker(__filename);
    worker.on('message', (message) => results.push(message));
    worker.on('error', (error) => { console.log('worker error', error.message); process.exitCode = 1; });
    worker.on('exit', () => {
      if (--pending === 0) {
        console.log(results.sort().join('\\n'));
        console.log('main', require('victim').hello('main'), globalThis.fired);
      }
    });
  }
} else {
  const victim = require('victim');
  require('victim');
  parentPort.postMessage(victim.hello('worker') + ' fired=' + globalThis.fired);
}
`,
  });
  const result = runNode(dir, [...IMPORT, 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 8), Array(8).fill('hello worker patched fired=1'), result.stdout);
  assert.equal(lines[8], 'main hello main patched 1');
});

test('child processes via NODE_OPTIONS: the spawned grandchild is patched', () => {
  const dir = app({
    '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
    'patch.js':
      "module.exports = function inherited(exports) { const original = exports.hello; exports.hello = (who) => original(who) + ' patched in pid-level ' + process.env.LEVEL; };\n",
    'app.js': `'use strict';
const { spawnSync } = require('node:child_process');
const level = Number(process.env.LEVEL || 0);
console.log(require('victim').hello('level ' + level));
if (level < 2) {
  const child = spawnSync(process.execPath, [__filename], { env: { ...process.env, LEVEL: String(level + 1) }, encoding: 'utf8' });
  process.stdout.write(child.stdout);
  process.stderr.write(child.stderr);
  if (child.status !== 0) process.exitCode = child.status;
}
`,
  });
  const result = runNode(dir, ['app.js'], { env: { NODE_OPTIONS: '--require wrapt-hooks/register' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.equal(
    result.stdout,
    ['hello level 0 patched in pid-level undefined', 'hello level 1 patched in pid-level 1', 'hello level 2 patched in pid-level 2', ''].join('\n'),
  );
});

describe('a config with thousands of targets', { concurrency: 2 }, () => {
  // 3000 targets that are never imported (packages, files inside packages, app files) and one
  // that is (the time it takes is the bench's to measure: bench/).
  const patches = {};
  for (let i = 0; i < 1000; i++) {
    patches[`never-pkg-${i}`] = './patch.js';
    patches[`@never/scoped-${i}/lib/file.js`] = './patch.js';
    patches[`./src/never-${i}.js`] = './patch.js';
  }
  patches.victim = './patch.js';
  // The application files exist (a missing one is a start-up warning), they are just never imported.
  const never = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`src/never-${i}.js`, '']));
  const dir = app({
    ...never,
    '.wrapt-hooksrc.json': config(patches),
    'patch.js':
      "module.exports = function many(exports, info) { globalThis.fired = (globalThis.fired || 0) + 1; const original = exports.hello; exports.hello = (who) => original(who) + ' patched (' + info.target + ')'; };\n",
    'app.js': "console.log(require('victim').hello('app'), globalThis.fired, require('node:path').sep, typeof require('node:util').inspect);\n",
    'app.mjs':
      "import victim from 'victim';\nimport { sep } from 'node:path';\nimport * as util from 'node:util';\nconsole.log(victim.hello('app'), globalThis.fired, sep, typeof util.inspect);\n",
  });
  // A CommonJS app with --require and an ES module app with --import: the two hook paths.
  for (const [script, flag] of [
    ['app.js', REQUIRE],
    ['app.mjs', IMPORT],
  ]) {
    it(`${script} with ${flag[0]}: the one imported target is patched, once`, async () => {
      const result = await runNodeAsync(dir, [...flag, script]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.warnings, [], result.stderr);
      assert.equal(result.stdout, 'hello app patched (victim) 1 / function\n');
    });
  }
});
