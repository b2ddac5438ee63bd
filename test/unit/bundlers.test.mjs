// In-process: the pieces of bundle support over the built package. The namespace a patch gets
// for a bundled ES module (src/core/bundled.ts), bundled module instances in the registry, the
// code the plugin generates (src/bundlers/codegen.ts), bundled patch loading
// (src/core/patch-loader.ts), "looks bundled" (src/bundlers/detect.ts), and the plugin's
// reports at build time (dist/esbuild.js, run by esbuild in this process, nothing written).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { internals } from './internals.mjs';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const { wraptHooks } = require('../../dist/esbuild.js');
const { wrapFunctionWrapper, isWrapped } = require('../../dist/index.js');
const { bundled, bundleCodegen, bundleDetect, patchLoader, registry: registryModule } = internals();

const temp = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-unit-bundle-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** A bundled ES module's bindings, as the proxy makes them: `let` variables behind get/set. */
function moduleWithBindings() {
  let shout = (text) => text.toUpperCase();
  let answer = 42;
  const namespace = Object.freeze({ shout, answer, fromStar: 'read only', [Symbol.toStringTag]: 'Module' });
  const bindings = {
    shout: [() => shout, (value) => (shout = value)],
    answer: [() => answer, (value) => (answer = value)],
  };
  return { namespace, bindings, current: () => ({ shout, answer }) };
}

test('namespaceView: assignment and wrapFunctionWrapper rebind the binding every importer reads', () => {
  const { namespace, bindings, current } = moduleWithBindings();
  const view = bundled.namespaceView(namespace, bindings);
  assert.equal(Object.prototype.toString.call(view), '[object Module]');
  assert.deepEqual(Object.keys(view), ['answer', 'fromStar', 'shout']);
  view.answer = 7;
  assert.equal(current().answer, 7);
  const wrapper = wrapFunctionWrapper(view, 'shout', (wrapped, instance, args) => `${wrapped(...args)}!`);
  assert.equal(current().shout, wrapper);
  assert.ok(isWrapped(current().shout));
  assert.equal(current().shout('hi'), 'HI!');
  assert.equal(view.shout, wrapper);
});

test('namespaceView: a name without a binding reads through and cannot be rebound; other keys are ignored', () => {
  const { namespace, bindings } = moduleWithBindings();
  const view = bundled.namespaceView(namespace, bindings);
  view.fromStar = 'changed';
  assert.equal(view.fromStar, 'read only');
  view.notAnExport = 1;
  assert.equal('notAnExport' in view, false);
  assert.equal(view.notAnExport, undefined);
  assert.equal(Reflect.deleteProperty(view, 'answer'), false);
  assert.throws(() => Object.defineProperty(view, 'answer', { get: () => 1 }), /getter or setter/);
  assert.deepEqual(Object.getOwnPropertyDescriptor(view, 'answer'), { value: 42, writable: true, enumerable: true, configurable: true });
  assert.throws(() => wrapFunctionWrapper(view, 'fromStar', (wrapped) => wrapped()), /not a function/);
});

test('bundledLoad: one instance per bundle evaluation, with the package details found at build time', () => {
  const registry = new registryModule.Registry();
  const infos = [];
  registry.register(
    (exports, info) => {
      infos.push(info);
    },
    'some-pkg',
    { baseDir: temp, origin: 'test', immediate: false },
  );
  const module = {
    keys: ['some-pkg'],
    name: 'some-pkg',
    version: '3.2.1',
    baseDir: '/build/node_modules/some-pkg',
    filename: '/build/node_modules/some-pkg/index.js',
    format: 'commonjs',
  };
  const exports = { a: 1 };
  assert.equal(bundled.bundledLoad(registry, 1, module, exports), exports);
  assert.equal(bundled.bundledLoad(registry, 1, module, exports), exports);
  bundled.bundledLoad(registry, 2, module, { a: 2 });
  assert.equal(infos.length, 2, 'once per instance: bundle 1, then bundle 2');
  assert.deepEqual(infos[0], {
    target: 'some-pkg',
    name: 'some-pkg',
    format: 'commonjs',
    version: '3.2.1',
    baseDir: module.baseDir,
    filename: module.filename,
  });
});

test('bundledLoad: what a CommonJS patch returns is what the bundled importers get', () => {
  const registry = new registryModule.Registry();
  const replacement = { replaced: true };
  registry.register(() => replacement, 'other-pkg', { baseDir: temp, origin: 'test', immediate: false });
  const module = { keys: ['other-pkg'], name: 'other-pkg', filename: '/build/node_modules/other-pkg/index.js', format: 'commonjs' };
  assert.equal(bundled.bundledLoad(registry, 1, module, {}), replacement);
});

test('bundledLoad: a bundled module never touches require.cache, even when its build path is loaded there too', () => {
  const file = path.join(temp, 'same-path.js');
  writeFileSync(file, 'exports.real = true;\n');
  const real = require(file);
  const registry = new registryModule.Registry();
  registry.register(() => ({ replaced: true }), file, { baseDir: temp, origin: 'test', immediate: false });
  const module = { keys: [file], name: file, filename: file, format: 'commonjs' };
  assert.deepEqual(bundled.bundledLoad(registry, 1, module, { bundled: true }), { replaced: true });
  assert.equal(require.cache[file].exports, real);
});

test('loadBundled: the export is picked from the bundled module; problems are coded, never thrown', () => {
  const fn = () => {};
  // What esbuild's require() of a bundled ES module returns.
  const esm = Object.defineProperty({ default: fn, named: fn }, '__esModule', { value: true });
  assert.equal(patchLoader.loadBundled('./p.mjs', () => esm, 'for "x"').fn, fn);
  assert.equal(patchLoader.loadBundled('./p.mjs#named', () => esm, 'for "x"').fn, fn);
  assert.equal(patchLoader.loadBundled('./p.js', () => fn, 'for "x"').fn, fn);
  const missing = patchLoader.loadBundled('./p.js#nope', () => ({ other: fn }), 'for "x"').error;
  assert.equal(missing.code, 'WRAPT_HOOKS_PATCH_EXPORT');
  assert.match(missing.message, /\.\/p\.js \(bundled\) for "x" has no function export "nope" \(it exports other\)/);
  const threw = patchLoader.loadBundled(
    './p.js',
    () => {
      throw new Error('boom');
    },
    'for "x"',
  ).error;
  assert.equal(threw.code, 'WRAPT_HOOKS_PATCH_LOAD');
  assert.match(threw.message, /threw while loading: Error: boom/);
});

test('wrapCommonJs: the module keeps its lines (stack traces, source maps) and a hashbang', () => {
  const source = '#!/usr/bin/env node\n"use strict";\nexports.a = 1;\nthrow new Error("line 4");\n';
  const wrapped = bundleCodegen.wrapCommonJs(source, { keys: ['x'], name: 'x', filename: '/x.js', format: 'commonjs' });
  const out = wrapped.split('\n');
  assert.equal(out[3], 'throw new Error("line 4");');
  assert.ok(out[0].startsWith('(function () {//'), out[0]);
  assert.equal(new Function('module', 'exports', 'require', wrapped.replace(/throw .*\n/, '')).length, 3, 'parses');
});

test('esmProxy: a rebindable `let` per export, names that are not identifiers as strings, the rest through export *', () => {
  const proxy = bundleCodegen.esmProxy('/pkg/index.js', ['default', 'plain', 'with-dash'], {
    keys: ['pkg'],
    name: 'pkg',
    filename: '/pkg/index.js',
    format: 'module',
  });
  assert.match(proxy, /export \* from "wrapt-hooks-original:\/pkg\/index\.js";/);
  assert.match(proxy, /export \{ e0 as default \};/);
  assert.match(proxy, /export \{ e1 as plain \};/);
  assert.match(proxy, /export \{ e2 as "with-dash" \};/);
});

test('bundledReason: a target named in the entry script looks bundled; a bundle that does not name it, only if not installed', () => {
  const bundle = path.join(temp, 'server.js');
  writeFileSync(bundle, 'var __commonJS = () => {};\n// node_modules/express/index.js\nvar require_express = __commonJS({});\n');
  assert.match(bundleDetect.bundledReason('express', [bundle], true), /express looks bundled into .*server\.js .*wraptHooks\(\)/);
  assert.match(bundleDetect.bundledReason('express/lib/router/index.js', [bundle], true), /express looks bundled/);
  assert.equal(bundleDetect.bundledReason('pg', [bundle], true), undefined);
  assert.match(bundleDetect.bundledReason('pg', [bundle], false), /pg is not installed here, and .*server\.js looks like a bundle/);
  assert.equal(bundleDetect.bundledReason('./src/db.js', [bundle], false), undefined);
  assert.equal(bundleDetect.bundledReason('express', [path.join(temp, 'missing.js')], false), undefined);
  const plain = path.join(temp, 'plain.js');
  writeFileSync(plain, "require('express');\n");
  assert.equal(bundleDetect.bundledReason('express', [plain], false), undefined);
});

/** Runs the plugin in a build of `files` (written under a fresh directory); returns esbuild's messages. */
async function buildWith(files, options = {}, pluginOptions) {
  const dir = mkdtempSync(path.join(temp, 'build-'));
  for (const [name, content] of Object.entries({ 'package.json': '{"name":"unit-app"}', 'main.js': "console.log('main');\n", ...files })) {
    writeFileSync(path.join(dir, name), content);
  }
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: ['main.js'],
    bundle: true,
    platform: 'node',
    write: false,
    logLevel: 'silent',
    plugins: [wraptHooks(pluginOptions)],
    ...options,
  });
  return { dir, text: result.outputFiles?.[0]?.text ?? '', errors: result.errors.map((m) => m.text), warnings: result.warnings.map((m) => m.text) };
}

test('plugin: no config file is a build warning, and nothing is added to the bundle', async () => {
  const { warnings, text } = await buildWith({});
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^wrapt-hooks: no config file found from .*wraptHooks\(\{ config:/);
  assert.ok(!text.includes('wrapt-hooks'), text);
});

test('plugin: config problems are build warnings naming the file and key; strict mode makes them errors', async () => {
  const config = JSON.stringify({ patches: { fs: './p.js', express: { patch: './p.js', enable: true } }, trace: ['fs#readFileSync'] });
  const loose = await buildWith({ '.wrapt-hooksrc.json': config, 'p.js': 'module.exports = () => {};' });
  assert.ok(
    loose.warnings.some((text) => /wrapt-hooks: .*\.wrapt-hooksrc\.json: key patches\.express\.enable: unknown key/.test(text)),
    loose.warnings.join('\n'),
  );
  assert.deepEqual(loose.errors, []);
  await assert.rejects(
    buildWith({ '.wrapt-hooksrc.json': JSON.stringify({ ...JSON.parse(config), strict: true }), 'p.js': 'module.exports = () => {};' }),
    (error) => error.errors.some((message) => /unknown key/.test(message.text)),
  );
});

test('plugin: a patch module that cannot be found is a build warning; the other patches are baked', async () => {
  const config = JSON.stringify({ patches: { fs: './missing.js', os: './p.js' } });
  const { warnings, text } = await buildWith({ '.wrapt-hooksrc.json': config, 'p.js': 'module.exports = function patchOs() {};' });
  assert.ok(
    warnings.some((line) => /cannot find patch module "\.\/missing\.js" for "fs" .* The bundle runs without this patch\./.test(line)),
    warnings.join('\n'),
  );
  assert.match(text, /patchOs/);
});

test('plugin: `config` names the file; a build that does not bundle is told there is nothing to bake', async () => {
  const files = { 'custom.json': JSON.stringify({ patches: { os: './p.js' } }), 'p.js': 'module.exports = function patchOs() {};' };
  const named = await buildWith(files, {}, { config: 'custom.json' });
  assert.deepEqual(named.warnings, []);
  assert.match(named.text, /patchOs/);
  const unbundled = await buildWith(files, { bundle: false }, { config: 'custom.json' });
  assert.ok(
    unbundled.warnings.some((line) => /does not bundle/.test(line)),
    unbundled.warnings.join('\n'),
  );
});

test('plugin: only target modules are replaced; the patch module is bundled behind a loader, wrapt-hooks stays outside', async () => {
  const config = JSON.stringify({ patches: { './lib.js': './p.js' } });
  const { text, warnings } = await buildWith({
    '.wrapt-hooksrc.json': config,
    'main.js': "require('./lib.js'); require('./other.js');\n",
    'lib.js': 'exports.lib = 1;\n',
    'other.js': 'exports.other = 1;\n',
    'p.js': "require('wrapt-hooks'); module.exports = function patchLib() {};\n",
  });
  assert.deepEqual(warnings, []);
  assert.equal((text.match(/"keys":/g) ?? []).length, 1, text);
  assert.match(text, /"keys": \[".*lib\.js"\]/);
  assert.match(text, /require\("wrapt-hooks"\)/);
  assert.match(text, /\(\) => require_p\(\)/);
});

test('plugin: a patch module that wrapt-hooks ships is not bundled: it is loaded from the copy installed beside the bundle', async () => {
  const own = path.join(path.dirname(require.resolve('../../dist/esbuild.js')), 'index.js');
  const { text, warnings } = await buildWith({ '.wrapt-hooksrc.json': JSON.stringify({ patches: { os: `${own}#unwrap` } }) });
  assert.deepEqual(warnings, []);
  assert.match(text, /"module": \{ "own": "dist\/index\.js#unwrap" \}/);
  assert.match(text, /var loaders = \[\];/);
});
