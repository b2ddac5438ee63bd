// In-process: patches that misbehave (docs/patches-and-api.md, docs/troubleshooting.md), through the registry as the preload runs it (see
// stages.mjs). A patch that throws, returns a promise, or wraps what cannot be changed gives one
// coded problem naming the patch and its target; the target loads on with its exports as they
// were (or as far as the patch got); strict mode throws. test/faults.test.mjs runs
// representatives as users do (output and exit code unchanged, both preload flags).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';
import { runStages } from './stages.mjs';

const { errors } = internals();

const VICTIM = {
  'package.json': { name: 'victim', version: '1.2.3', main: 'index.js' },
  'index.js': "exports.hello = (who) => 'hello ' + who;\n",
};
const config = (patches) => JSON.stringify({ patches }, null, 2);
const app = (files, packages = { victim: VICTIM }) => makeApp({ packages, files });

describe('patches that throw', () => {
  const throwers = [
    ['an Error', "throw new Error('patch exploded')", /Error: patch exploded/],
    ['a TypeError from a bug', 'exports.missing.call()', /TypeError: /],
    ['a string', "throw 'a string'", /threw a string/],
    ['null', 'throw null', /threw null/],
  ];
  for (const [what, body, detail] of throwers) {
    it(`throws ${what}: one problem naming the patch and target; the exports load unchanged; strict throws`, async () => {
      const dir = app({ '.wrapt-hooksrc.json': config({ victim: './patch.js' }), 'patch.js': `module.exports = function explode(exports) { ${body}; };\n` });
      const { problems, thrown, exports, registry } = await runStages(dir);
      assert.equal(thrown, undefined);
      assert.equal(exports.hello('app'), 'hello app');
      assert.equal(problems.length, 1, JSON.stringify(problems));
      const [problem] = problems;
      assert.equal(problem.code, 'WRAPT_HOOKS_PATCH_FAILED');
      assert.match(problem.message, /^patch \.\/patch\.js for "victim" \(/);
      assert.ok(problem.message.includes(`${dir}/.wrapt-hooksrc.json, key patches.victim`), problem.message);
      assert.match(problem.message, detail);
      assert.match(problem.message, /WRAPT_HOOKS_DISABLE=victim/);
      assert.deepEqual(
        registry.summary().failed.map((row) => [row.target, row.patch]),
        [['victim', './patch.js']],
      );

      const strict = await runStages(dir, { WRAPT_HOOKS_STRICT: '1' }, { strict: true });
      assert.ok(strict.thrown instanceof errors.WraptHooksError, String(strict.thrown));
      assert.match(strict.thrown.message, /^patch \.\/patch\.js for "victim"/);
      assert.equal(strict.thrown.code, 'WRAPT_HOOKS_PATCH_FAILED');
    });
  }
});

describe('patches that return a promise', () => {
  it('resolved promise: one WRAPT_HOOKS_PATCH_ASYNC problem, exports not replaced', async () => {
    const dir = app({
      '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
      'patch.js': 'module.exports = function later(exports) { return Promise.resolve({ hello: () => "replaced" }); };\n',
    });
    const { problems, exports } = await runStages(dir, {}, { ticks: 2 });
    assert.equal(exports.hello('app'), 'hello app', 'exports must not be the promise nor its value');
    assert.equal(exports.then, undefined);
    assert.deepEqual(
      problems.map((w) => w.code),
      ['WRAPT_HOOKS_PATCH_ASYNC'],
    );
    assert.match(problems[0].message, /^patch \.\/patch\.js for "victim" .*returned a promise; .*the exports were not replaced\. Make the patch synchronous/);
  });

  it('async function patch: its synchronous part applies, the exports are not replaced', async () => {
    const dir = app({
      '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
      'patch.js': `module.exports = async function asyncPatch(exports) {
  const original = exports.hello;
  exports.hello = (who) => original(who).toUpperCase();
  await globalThis.wraptHooksTestGate;
  exports.hello = () => 'too late';
};
`,
    });
    // The patch's asynchronous part waits for the test, so what the app sees first is checked first.
    let open;
    globalThis.wraptHooksTestGate = new Promise((resolve) => (open = resolve));
    const { problems, exports } = await runStages(dir);
    assert.equal(exports.hello('app'), 'HELLO APP');
    assert.equal(exports.then, undefined);
    assert.deepEqual(
      problems.map((w) => w.code),
      ['WRAPT_HOOKS_PATCH_ASYNC'],
    );
    open();
    await globalThis.wraptHooksTestGate;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(exports.hello('app'), 'too late', 'the rest of an async patch runs later, on the same exports');
  });

  it('rejected promise: no unhandled rejection; the rejection is a WRAPT_HOOKS_PATCH_ASYNC warning', async () => {
    const dir = app({
      '.wrapt-hooksrc.json': config({ victim: './patch.js' }),
      'patch.js': "module.exports = function rejects() { return Promise.reject(new Error('async patch failed')); };\n",
    });
    const unhandled = [];
    const listener = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const { problems, exports } = await runStages(dir, {}, { ticks: 3 });
      assert.equal(exports.hello('app'), 'hello app');
      assert.ok(problems.length >= 1 && problems.every((w) => w.code === 'WRAPT_HOOKS_PATCH_ASYNC'), JSON.stringify(problems));
      assert.ok(
        problems.some((w) => /rejected: Error: async patch failed/.test(w.message)),
        JSON.stringify(problems),
      );
    } finally {
      process.off('unhandledRejection', listener);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe('patches on frozen and non-configurable properties', () => {
  const patchFiles = (prop) => ({
    '.wrapt-hooksrc.json': config({ frozen: './patch.js' }),
    'patch.js': `const { wrapFunctionWrapper } = require('wrapt-hooks');
module.exports = function wrapLocked(exports) { wrapFunctionWrapper(exports, ${JSON.stringify(prop)}, (wrapped, self, args) => 'wrapped ' + wrapped(...args)); };
`,
  });

  it('wrapFunctionWrapper on a non-configurable, read-only export at the first load: the exports become a copy holding the wrapper', async () => {
    const dir = makeApp({ packages: ['frozen'], files: patchFiles('locked') });
    const { problems, exports } = await runStages(dir, {}, { target: 'frozen' });
    assert.deepEqual(problems, []);
    assert.deepEqual([exports.hello('x'), exports.locked(), exports.inner.deep()], ['hello x', 'wrapped locked', 'deep']);
  });

  const cases = [['a property of a frozen object', 'inner.deep', /"inner\.deep"/]];
  for (const [title, prop, names] of cases) {
    it(`wrapFunctionWrapper on ${title}: one problem naming the path; the module loads unchanged`, async () => {
      const dir = makeApp({
        packages: ['frozen'],
        files: {
          '.wrapt-hooksrc.json': config({ frozen: './patch.js' }),
          'patch.js': `const { wrapFunctionWrapper } = require('wrapt-hooks');
module.exports = function wrapLocked(exports) { wrapFunctionWrapper(exports, ${JSON.stringify(prop)}, (wrapped, self, args) => 'wrapped ' + wrapped(...args)); };
`,
        },
      });
      const { problems, exports } = await runStages(dir, {}, { target: 'frozen' });
      assert.deepEqual([exports.hello('x'), exports.locked(), exports.inner.deep()], ['hello x', 'locked', 'deep']);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0].code, 'WRAPT_HOOKS_PATCH_FAILED');
      assert.match(problems[0].message, names);
      assert.match(problems[0].message, /WRAPT_HOOKS_READ_ONLY|frozen|read-only/);
    });
  }
});
