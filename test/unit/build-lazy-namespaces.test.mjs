// scripts/lazy-namespaces.mjs over a bundle esbuild writes here as it writes dist/preload.js: a
// module's namespace object is made by its first require(), once, and a bundle of another shape
// fails the build instead of being rewritten wrongly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from '../helpers.mjs';
import { lazyNamespaces } from '../../scripts/lazy-namespaces.mjs';

const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');

function bundle() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-lazy-ns-'));
  writeFileSync(
    path.join(dir, 'entry.ts'),
    "export function load() { return require('./later') as typeof import('./later'); }\nexport function again() { return require('./later'); }\n",
  );
  writeFileSync(path.join(dir, 'later.ts'), "export const name = 'later';\nexport function hello() { return 'hello'; }\n");
  const result = esbuild.buildSync({
    entryPoints: [path.join(dir, 'entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function run(source) {
  const module = { exports: {} };
  vm.runInThisContext(`(function (exports, require, module) {${source}\n})`)(module.exports, createRequire(import.meta.url), module);
  return module.exports;
}

test("a module's namespace is made by its first require(), and the same object comes back after", () => {
  const source = bundle();
  const { text, rewritten } = lazyNamespaces(source);
  assert.equal(rewritten, 2, 'the entry and the module it requires');
  assert.equal(text.split('\n').length, source.split('\n').length, 'as many lines: the source map stays exact');
  assert.doesNotMatch(text, /^__export\(/m);
  const entry = run(text);
  const later = entry.load();
  assert.equal(later.hello(), 'hello');
  assert.equal(later.name, 'later');
  assert.equal(entry.again(), later);
  assert.deepEqual(Object.keys(later).sort(), ['hello', 'name']);
  // Unchanged, each require() made a new copy.
  const before = run(source);
  assert.notEqual(before.again(), before.load());
});

test('a bundle of another shape fails with what to update', () => {
  const source = bundle();
  assert.throws(
    () => lazyNamespaces(source.replace('var __toCommonJS = (mod) =>', 'var __toCommonJS = (m) =>'), 'x.js'),
    /x\.js: esbuild's __toCommonJS helper is not the one/,
  );
  assert.throws(
    () => lazyNamespaces(`${source}\nconsole.log(later_exports);`, 'x.js'),
    /x\.js: a namespace object is used other than through __toCommonJS[^]*console\.log\(later_exports\)/,
  );
  assert.throws(
    () => lazyNamespaces(source.replace(/(__export\(later_exports, \{\n)/, '$1  oddity,\n'), 'x.js'),
    /x\.js:\d+: expected the end of __export\(later_exports, \.\.\.\), found: {3}oddity,/,
  );
});
