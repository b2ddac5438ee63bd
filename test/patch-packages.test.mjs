// Patch packages: discovery through WRAPT_PATCHES, the config's "packages" and
// discoverPostImportHooks(); lazy loading; bad packages; order; the WRAPT_HOOKS_DEBUG exit summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { assertClean, FIXTURES, makeApp, path, PRELOADS, runNode, lines } from './helpers.mjs';

/** The package the fixture patch packages patch. */
const LAZY_TARGET = {
  'package.json': { name: 'lazy-target', version: '1.2.3', main: 'index.js' },
  'index.js': "'use strict';\nexports.hello = (name) => `hello ${name}`;\n",
};

const APP = `'use strict';
console.log('app: start');
const target = require('lazy-target');
console.log('app: ' + target.hello('world'));
`;

/** An app with lazy-target installed and the named fixture patch packages copied in. */
function app({ fixtures = [], files = {}, config } = {}) {
  const packageJson = { name: 'app', version: '1.0.0', private: true };
  if (config !== undefined) packageJson['wrapt-hooks'] = config;
  const dir = makeApp({ files: { 'app.js': APP, ...files }, packages: { 'lazy-target': LAZY_TARGET }, packageJson });
  for (const name of fixtures) cpSync(path.join(FIXTURES, 'node_modules', name), path.join(dir, 'node_modules', name), { recursive: true });
  return dir;
}

const PATCHED = ['app: start', 'lazy: patch module loaded', 'lazy: patching lazy-target@1.2.3', 'app: hello world (patched)'];

// WRAPT_PATCHES with NODE_OPTIONS here; with --require in the tests below (and the examples in
// test/cli.test.mjs), with --import for the ES module app.
test('WRAPT_PATCHES (NODE_OPTIONS): the patch module loads only when its target is imported', () => {
  const dir = app({ fixtures: ['wrapt-patches-lazy'] });
  const { args, env } = PRELOADS.NODE_OPTIONS({ WRAPT_PATCHES: 'wrapt-patches-lazy' });
  const result = runNode(dir, [...args, 'app.js'], { env });
  assertClean(result);
  assert.deepEqual(lines(result.stdout), PATCHED);
});

test('a patch package whose target is never imported loads no patch code (discovery reads package.json only)', () => {
  const dir = app({ fixtures: ['wrapt-patches-lazy'], files: { 'quiet.js': "console.log('app: start');\nrequire('node:os');\nconsole.log('app: end');\n" } });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'quiet.js'], { env: { WRAPT_PATCHES: 'wrapt-patches-lazy', WRAPT_HOOKS_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['app: start', 'app: end']);
  assert.match(result.stderr, /^wrapt-hooks: discover wrapt-patches-lazy$/m);
  assert.doesNotMatch(result.stderr, /patching lazy-target/);
  assert.match(result.stderr, /^wrapt-hooks: {3}never imported lazy-target \(\.\/patch\.js\)$/m);
});

test('an ES module app importing the target gets the patched exports', () => {
  const dir = app({
    fixtures: ['wrapt-patches-lazy'],
    files: {
      'app.mjs':
        "console.log('app: start');\nconst { default: target, hello } = await import('lazy-target');\nconsole.log('app: ' + hello('esm') + ' / ' + target.hello('esm'));\n",
    },
  });
  const result = runNode(dir, ['--import', 'wrapt-hooks/register', 'app.mjs'], { env: { WRAPT_PATCHES: 'wrapt-patches-lazy' } });
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [
    'app: start',
    'lazy: patch module loaded',
    'lazy: patching lazy-target@1.2.3',
    'app: hello esm (patched) / hello esm (patched)',
  ]);
});

test('the config\'s "packages" discovers patch packages too', () => {
  const dir = app({ fixtures: ['wrapt-patches-lazy'], config: { packages: ['wrapt-patches-lazy'] } });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js']);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), PATCHED);
});

test('order: config patches first, then the "packages" in the order listed, then WRAPT_PATCHES; a package listed twice runs once', () => {
  const dir = app({
    fixtures: ['wrapt-patches-order-a', 'wrapt-patches-order-b', 'wrapt-patches-lazy'],
    config: { patches: { 'lazy-target': './patches/config.js' }, packages: ['wrapt-patches-order-b', 'wrapt-patches-order-a'] },
    files: { 'patches/config.js': "module.exports = () => console.log('order: config');\n" },
  });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-patches-lazy,wrapt-patches-order-b' } });
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [
    'app: start',
    'order: config',
    'order: package b',
    'order: package a',
    'lazy: patch module loaded',
    'lazy: patching lazy-target@1.2.3',
    'app: hello world (patched)',
  ]);
});

test('blank entries in WRAPT_PATCHES and "packages" are ignored', () => {
  const dir = app({ fixtures: ['wrapt-patches-lazy'], config: { packages: ['', '   '] } });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: ' , ,wrapt-patches-lazy,, ' } });
  assertClean(result);
  assert.deepEqual(lines(result.stdout), PATCHED);
});

const BAD_PACKAGES = [
  { name: 'wrapt-patches-missing', what: 'not installed', code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND', says: /is not installed.*npm install wrapt-patches-missing/ },
  { name: 'wrapt-patches-nofield', what: 'without a "wrapt-hooks" field', code: 'WRAPT_HOOKS_PACKAGE_INVALID', says: /has no "wrapt-hooks" field/ },
  { name: 'wrapt-patches-malformed', what: 'with a malformed field', code: 'WRAPT_HOOKS_CONFIG_INVALID', says: /key wrapt-hooks\.patches: expected an object/ },
];

// The three bad packages are listed together, before a good one, in one run: each gives its own
// warning (the warnings are in the order listed), and the good package still patches.
let badRun;
function getBadRun() {
  if (badRun === undefined) {
    const dir = app({ fixtures: ['wrapt-patches-lazy', 'wrapt-patches-nofield', 'wrapt-patches-malformed'] });
    const WRAPT_PATCHES = [...BAD_PACKAGES.map((bad) => bad.name), 'wrapt-patches-lazy'].join(',');
    badRun = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES } });
  }
  return badRun;
}

for (const [index, bad] of BAD_PACKAGES.entries()) {
  test(`a patch package ${bad.what}: exactly one coded warning naming it; the app and the other packages run on`, () => {
    const result = getBadRun();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), PATCHED);
    assert.equal(result.warnings.length, BAD_PACKAGES.length, `one warning per bad package; stderr:\n${result.stderr}`);
    assert.deepEqual(
      result.warnings.filter((warning) => warning.message.includes(bad.name)),
      [result.warnings[index]],
      `exactly one warning names ${bad.name}; stderr:\n${result.stderr}`,
    );
    assert.equal(result.warnings[index].code, bad.code);
    assert.match(result.warnings[index].message, bad.says);
  });
}

test('strict mode: a missing patch package stops the start with a WraptHooksError', () => {
  const dir = app();
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-patches-missing', WRAPT_HOOKS_STRICT: '1' } });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /WraptHooksError.*wrapt-patches-missing/);
  assert.match(result.stderr, /code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND'/);
});

test('discoverPostImportHooks() from code returns the targets and registers the patches lazily', () => {
  const dir = app({
    fixtures: ['wrapt-patches-lazy', 'wrapt-patches-summary'],
    files: {
      'main.js': `'use strict';
const { discoverPostImportHooks } = require('wrapt-hooks');
console.log('targets: ' + JSON.stringify(discoverPostImportHooks('wrapt-patches-lazy')));
console.log('targets: ' + JSON.stringify(discoverPostImportHooks('wrapt-patches-summary')));
console.log('app: ' + require('lazy-target').hello('code'));
`,
    },
  });
  const result = runNode(dir, ['main.js']);
  assert.deepEqual(lines(result.stdout), [
    'targets: ["lazy-target"]',
    'targets: ["lazy-target","never-imported-target"]',
    'lazy: patch module loaded',
    'lazy: patching lazy-target@1.2.3',
    'summary: applies ran',
    'app: hello code (patched)',
  ]);
  // The throwing patch of wrapt-patches-summary warns and the app runs on.
  assert.deepEqual(
    result.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_PATCH_FAILED'],
  );
  assert.equal(result.code, 0);
});

test('discoverPostImportHooks() fires at once for a target already loaded; a missing package warns and returns []', () => {
  const dir = app({
    fixtures: ['wrapt-patches-lazy'],
    files: {
      'sub/main.js': `'use strict';
const path = require('node:path');
const target = require('lazy-target');
const { discoverPostImportHooks } = require('wrapt-hooks');
console.log('missing: ' + JSON.stringify(discoverPostImportHooks('wrapt-patches-missing')));
console.log('targets: ' + JSON.stringify(discoverPostImportHooks('wrapt-patches-lazy', { from: path.join(__dirname, '..') })));
console.log('app: ' + target.hello('late'));
`,
    },
  });
  const result = runNode(path.join(dir, 'sub'), ['main.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'missing: []',
    'lazy: patch module loaded',
    'lazy: patching lazy-target@1.2.3',
    'targets: ["lazy-target"]',
    'app: hello late (patched)',
  ]);
  assert.equal(result.warnings.length, 1);
  assert.equal(result.warnings[0].code, 'WRAPT_HOOKS_PACKAGE_NOT_FOUND');
  assert.match(result.warnings[0].message, /"wrapt-patches-missing" \(discoverPostImportHooks\("wrapt-patches-missing"\)\)/);
});

test('WRAPT_HOOKS_DEBUG=1: the exit summary lists patches applied (target, version, patch, time), failed, skipped and never imported', () => {
  const dir = app({ fixtures: ['wrapt-patches-summary'] });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-patches-summary', WRAPT_HOOKS_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['app: start', 'summary: applies ran', 'app: hello world']);
  assert.deepEqual(
    result.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_PATCH_FAILED'],
  );
  const stderr = result.stderr;
  assert.match(stderr, /^wrapt-hooks: discover wrapt-patches-summary$/m);
  assert.match(stderr, /^wrapt-hooks: patching lazy-target@1\.2\.3 with \.\/patches\.js#applies$/m);
  assert.match(stderr, /^wrapt-hooks: summary for pid \d+ \(node [^)]*\): 1 applied, 1 failed, 1 skipped, 1 never imported$/m);
  assert.match(stderr, /^wrapt-hooks: {3}applied lazy-target@1\.2\.3 \.\/patches\.js#applies \d+\.\d\dms$/m);
  assert.match(stderr, /^wrapt-hooks: {3}failed lazy-target@1\.2\.3 \.\/patches\.js#throws: Error: summary patch failed on purpose$/m);
  assert.match(stderr, /^wrapt-hooks: {3}skipped lazy-target@1\.2\.3 \.\/patches\.js#tooNew: version 1\.2\.3 is outside ">=2"$/m);
  assert.match(stderr, /^wrapt-hooks: {3}never imported never-imported-target \(\.\/patches\.js#applies\): package "never-imported-target" is not installed/m);
  // The summary comes last, after the application's own output.
  const summaryAt = stderr.indexOf('wrapt-hooks: summary ');
  assert.ok(summaryAt > stderr.indexOf('patching lazy-target'));
});
