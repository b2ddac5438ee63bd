// In-process: when the in-thread ES module hooks are registered (src/hooks/esm-first.ts). The
// source check that decides it for a file whose package.json gives no "type", and the trigger
// itself: once, at the first require() of an ES module or the first import, leaving
// Module.prototype._compile as it found it when nothing was registered; and the hooks stepping
// aside (what an outermost require() asks through require-gate.ts). The spawned side (the imports
// of such a module reach their targets patched, a require() sees no hooks) is test/esm.test.mjs.
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, after } from 'node:test';
import { supportsSyncHooks } from 'import-in-the-middle/supports-sync-hooks.mjs';
import { internals } from './internals.mjs';

const { esmFirst, requireGate } = internals();
const require = createRequire(import.meta.url);
const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-esm-first-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('mayLoadModules: an import or re-export that starts a statement, however it is spaced or minified', () => {
  const loads = [
    "import fs from 'node:fs';",
    'import "./side-effect.js";',
    "import'./side-effect.js'",
    'import{a}from"./a.js"',
    'import * as ns from "./a.js"',
    '\uFEFFimport x from "./x.js"',
    '#!/usr/bin/env node\nimport x from "./x.js"',
    '  \timport x from "./x.js"',
    'const a = 1;import { b } from "./b.js"',
    '/* licence */import x from "./x.js"',
    "export * from './a.js';",
    'export{a}from"./a.js"',
    'export\n  { a } from "./a.js"',
    '// a comment\r\nexport * as ns from "./a.js"',
  ];
  for (const source of loads) assert.equal(esmFirst.mayLoadModules(source), true, JSON.stringify(source));
  const none = [
    '',
    "'use strict';\nconst fs = require('node:fs');\nmodule.exports = fs;",
    'exports.a = 1;\nmodule.exports.b = 2;\nvar __importDefault = (m) => m;',
    "const lazy = import('./a.js');",
    'obj.import(x);\nobj.export = 1;',
    ' * import x from "y" (a JSDoc example)',
    'const text = "please import the file";',
    'export default 1;\nexport const a = 2;\nexport function f() {}',
    'report(support, portable, important, exporter)',
    'port',
  ];
  for (const source of none) assert.equal(esmFirst.mayLoadModules(source), false, JSON.stringify(source));
});

test('mayLoadModules: the right answer on attacker-sized input (blank runs, near misses, "port" everywhere)', () => {
  // Each check looks only at the blanks around one match (linear work; not timed here).
  const big = 200_000;
  const cases = [
    [' '.repeat(big) + 'import x from "y"', true],
    [' '.repeat(big) + 'importx', false],
    ['import'.repeat(big), false],
    ['export'.repeat(big), false],
    [`;${'\t'.repeat(big)}importx`, false],
    [`;${'\t'.repeat(big)}import{a}from"b"`, true],
    [`${'export '.repeat(big)}x`, false],
    [`${'export '.repeat(big)}\nexport { a } from "b"`, true],
    ['port'.repeat(big), false],
    [`${'x'.repeat(big)}\nexport * from "a"`, true],
  ];
  for (const [source, expected] of cases) assert.equal(esmFirst.mayLoadModules(source), expected, `${JSON.stringify(source.slice(0, 24))}…`);
});

// Only Nodes with the in-thread hooks use it, and only they have the channel it listens to.
const inThread = supportsSyncHooks() ? {} : { skip: 'this Node has no in-thread ES module hooks (and no tracing:module.import channel)' };

test('beforeFirstEsModule: CommonJS requires do not trigger it; the first require() of an ES module does, once, and _compile is restored', inThread, () => {
  const prototype = Module.prototype;
  const original = prototype._compile;
  const calls = [];
  esmFirst.beforeFirstEsModule(() => calls.push('installed'));
  assert.notEqual(prototype._compile, original);
  writeFileSync(path.join(dir, 'plain.js'), "exports.value = 'cjs'; // import x from 'y' is not at a statement start");
  writeFileSync(path.join(dir, 'package.json'), '{"name":"no-type"}');
  assert.equal(require(path.join(dir, 'plain.js')).value, 'cjs');
  assert.deepEqual(calls, []);
  writeFileSync(path.join(dir, 'typeless.js'), "import { sep } from 'node:path';\nexport const value = sep;\n");
  writeFileSync(path.join(dir, 'second.mjs'), 'export const value = 2;\n');
  assert.equal(require(path.join(dir, 'typeless.js')).value, path.sep);
  assert.deepEqual(calls, ['installed']);
  assert.equal(prototype._compile, original);
  assert.equal(require(path.join(dir, 'second.mjs')).value, 2);
  assert.deepEqual(calls, ['installed']);
});

test('beforeFirstEsModule: the first import() triggers it; an install that throws warns and the import goes on', inThread, async () => {
  const calls = [];
  esmFirst.beforeFirstEsModule(() => {
    calls.push('installed');
    throw new Error('no hooks today');
  });
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    writeFileSync(path.join(dir, 'imported.mjs'), 'export const value = 3;\n');
    assert.equal((await import(pathToFileURL(path.join(dir, 'imported.mjs')).href)).value, 3);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(calls, ['installed']);
  assert.match(warnings.map((warning) => `${warning.code} ${warning.message}`).join('\n'), /WRAPT_HOOKS_ESM_UNAVAILABLE .*no hooks today/);
});

test(
  'stepping aside: deregistered and registered again in their order; one registered meanwhile waits; another caller of registerHooks keeps its place and pins ours',
  inThread,
  async () => {
    const seen = [];
    const hook = (name) => ({
      resolve(specifier, context, next) {
        if (specifier.startsWith('./probe-')) seen.push(`${name} ${specifier.slice('./probe-'.length)}`);
        return next(specifier, context);
      },
    });
    let register;
    esmFirst.beforeFirstEsModule((given) => {
      register = given;
      given(hook('first'));
    });
    // Another tool wraps registerHooks after the preload started, before the first ES module: ours go through its wrapper.
    const nodeRegisterHooks = Module.registerHooks;
    let throughTheirWrapper = 0;
    const theirWrapper = function registerHooks(hooks) {
      throughTheirWrapper++;
      return nodeRegisterHooks.call(this, hooks);
    };
    Module.registerHooks = theirWrapper;
    writeFileSync(path.join(dir, 'trigger.mjs'), 'export const value = 4;\n');
    assert.equal((await import(pathToFileURL(path.join(dir, 'trigger.mjs')).href)).value, 4);
    assert.equal(throughTheirWrapper, 1);
    const probe = (name) => {
      seen.length = 0;
      import.meta.resolve(`./probe-${name}`);
      return seen.join(', ');
    };
    const { gate } = requireGate.outermostRequire;
    assert.equal(probe('a'), 'first a');
    assert.equal(gate.stepAside(), true);
    assert.equal(gate.stepAside(), false, 'already aside');
    assert.equal(probe('b'), '');
    register(hook('second'));
    assert.equal(probe('c'), '', 'registered while aside: waits for stepBack');
    gate.stepBack();
    assert.equal(probe('d'), 'second d, first d', 'the later registered runs first, as before');
    assert.equal(gate.stepAside(), true);
    const theirs = Module.registerHooks(hook('theirs'));
    assert.equal(Module.registerHooks, theirWrapper, 'ours took itself out of the chain');
    try {
      assert.equal(probe('e'), 'theirs e, second e, first e', 'ours went back before theirs was registered');
      assert.equal(gate.stepAside(), false, 'pinned once another caller registered hooks');
      assert.equal(probe('f'), 'theirs f, second f, first f');
    } finally {
      theirs.deregister();
      Module.registerHooks = nodeRegisterHooks;
    }
  },
);
