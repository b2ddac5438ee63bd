// In-process: import-in-the-middle's private files that wrapt-hooks depends on (lib/register.js,
// create-hook.mjs and the files it imports, bundled into dist/iitm.js: the version is pinned,
// and these tests fail when one of them changes or their shape does), and the
// bridge that joins every copy of lib/register.js in the thread (src/hooks/esm-bridge.ts), over
// real copies of that file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { internals } from './internals.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IITM = path.join(ROOT, 'node_modules', 'import-in-the-middle');
const { esmBridge, esmWrapper, node } = internals();

const scratch = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-bridge-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A second copy of import-in-the-middle's lib/register.js on disk, as another agent installs it. */
function copyOfRegister(name, packageName = 'import-in-the-middle') {
  const dir = path.join(scratch, name, 'node_modules', packageName);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  cpSync(path.join(IITM, 'lib', 'register.js'), path.join(dir, 'lib', 'register.js'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'import-in-the-middle', version: '3.6.0' }));
  return path.join(dir, 'lib', 'register.js');
}

/** What a wrapper that `copy` generated does when it runs: `register` with a binder over `source`. */
function wrap(copy, url, source, specifier, format) {
  const binder = new copy.ModuleBinder(source, Object.keys(source), () => {});
  copy.register(url, binder, specifier, format);
}

describe('import-in-the-middle private files (pinned)', () => {
  test('the dependency is pinned to 3.6.0 and that is what is installed', () => {
    const own = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(own.dependencies['import-in-the-middle'], '3.6.0');
    assert.equal(JSON.parse(readFileSync(path.join(IITM, 'package.json'), 'utf8')).version, '3.6.0');
  });

  // dist/iitm.js holds these files as they were at the build, and the wrappers they generate
  // import the installed lib/register.js: a new version must be read and tested before it is
  // bundled (scripts/build.mjs). A changed hash is the signal, not an error to paper over.
  test("dist/iitm.js bundles import-in-the-middle's files as pinned here, and no other of its files", () => {
    const pinned = {
      'create-hook.mjs': '1938e2a0a43969492c50d75368788163f677300caa2c9e324d27d21c5c606475',
      'lib/get-exports.mjs': '6feefdd05f93cb202e8c9f92310e9e77971c81c6f4218982fb42471bfb306390',
      'lib/get-esm-exports.mjs': 'edc26985027a3f0356e037fb4c214ce0b4537a1029ba96db46c10d74045e8530',
      'lib/io.mjs': '42e01688e0e56646e747ec1464be8ac6f048dc6164eccfd5b22fe4812b81d7fd',
      'supports-sync-hooks.mjs': '06dfc1f915e04f44f7cb29e266c5d12a4de4df771d46d5b629b1ef87c428a94c',
    };
    const { sources } = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'iitm.js.map'), 'utf8'));
    const prefix = '../node_modules/import-in-the-middle/';
    const bundled = sources.filter((source) => source.startsWith(prefix)).map((source) => source.slice(prefix.length));
    assert.deepEqual(bundled.sort(), Object.keys(pinned).sort());
    for (const [file, hash] of Object.entries(pinned)) {
      assert.equal(
        createHash('sha256')
          .update(readFileSync(path.join(IITM, file)))
          .digest('hex'),
        hash,
        `import-in-the-middle/${file} changed`,
      );
    }
  });

  test('lib/register.js: the lists the bridge joins, and register() calls each hook with (url, namespace, specifier, format)', () => {
    const copy = require(copyOfRegister('shape'));
    assert.ok(Array.isArray(copy.importHooks));
    assert.ok(Array.isArray(copy.toHook));
    assert.ok(copy.specifiers instanceof Map);
    assert.equal(typeof copy.register, 'function');
    const calls = [];
    copy.importHooks.push((...args) => calls.push(args));
    wrap(copy, 'file:///shape.js', { a: 1 }, 'shape', 'module');
    assert.equal(calls.length, 1);
    const [url, namespace, specifier, format] = calls[0];
    assert.deepEqual([url, namespace.a, specifier, format], ['file:///shape.js', 1, 'shape', 'module']);
    namespace.a = 2; // the namespace is writable through import-in-the-middle's proxy
    assert.equal(namespace.a, 2);
    assert.deepEqual(copy.toHook[0].slice(0, 1), ['file:///shape.js']);
    assert.equal(copy.specifiers.get('file:///shape.js'), 'shape');
  });

  test('create-hook.mjs, as dist/iitm.js holds it: createHook(meta) gives the hooks esm-hooks.ts calls, and its wrapper is the one esm-wrapper.ts completes', () => {
    const { createHook } = require(path.join(ROOT, 'dist', 'start.js')).iitm();
    const hook = createHook({ url: pathToFileURL(path.join(IITM, 'hook.mjs')).href });
    for (const name of ['resolve', 'load', 'resolveSync', 'loadSync', 'applyOptions', 'initialize']) assert.equal(typeof hook[name], 'function', name);
    const file = path.join(scratch, 'target.mjs');
    writeFileSync(file, 'export function f() { return 1 }\nexport let g = 2\n');
    const url = pathToFileURL(file).href;
    hook.applyOptions({ shouldInclude: () => true });
    const nextResolve = (specifier) => ({ url: new URL(specifier, url).href, format: 'module' });
    const resolved = hook.resolveSync(url, { parentURL: pathToFileURL(path.join(scratch, 'app.mjs')).href, conditions: ['import'] }, nextResolve);
    assert.equal(esmWrapper.wrappedUrl(resolved.url), url);
    const nextLoad = (u) => ({ format: 'module', source: readFileSync(fileURLToPath(u), 'utf8') });
    const loaded = hook.loadSync(resolved.url, { format: 'module' }, nextLoad);
    assert.match(String(loaded.source), /lib\/register\.js/);
    const completed = esmWrapper.completeWrapper(resolved.url, loaded);
    assert.ok(String(completed.source).endsWith(`\nexport * from ${JSON.stringify(url)}\n`), 'the wrapper still starts the way esm-wrapper.ts recognises');
  });

  test('supports-sync-hooks.mjs decides the ESM mode', () => {
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs');
    const expected = typeof require('node:module').registerHooks === 'function' && supportsSyncHooks() ? 'sync' : 'async';
    assert.equal(node.esmMode(), expected);
  });
});

describe('the bridge between copies', () => {
  const seen = [];
  const marked = new Map();
  esmBridge.startBridge(
    (url, namespace, specifier, format) => seen.push({ url, specifier, format }),
    (url) => marked.get(url),
  );
  const own = require('import-in-the-middle/lib/register.js');
  const agentFile = copyOfRegister('agent');
  const agent = require(agentFile);
  const agentCalls = [];
  agent.importHooks.push((url, namespace, specifier) => agentCalls.push({ url, specifier, a: namespace.a }));

  test('a copy in the CommonJS cache is joined by scan(): its wrappers reach wrapt-hooks, and wrapt-hooks\u2019 reach its hooks', () => {
    esmBridge.scan();
    assert.ok(esmBridge.joinedCopies().includes(agent));
    assert.ok(esmBridge.joinedCopies().includes(own));
    wrap(agent, 'file:///by-agent.js', { a: 1 }, 'by-agent', undefined);
    assert.deepEqual(seen.at(-1), { url: 'file:///by-agent.js', specifier: 'by-agent', format: undefined });
    wrap(own, 'file:///by-us.js', { a: 2 }, 'by-us', 'module');
    assert.deepEqual(seen.at(-1), { url: 'file:///by-us.js', specifier: 'by-us', format: 'module' });
    // (The copy from the shape test above is joined too, and replays its module.)
    assert.deepEqual(
      agentCalls.filter((call) => call.url.startsWith('file:///by-')),
      [
        { url: 'file:///by-agent.js', specifier: 'by-agent', a: 1 },
        { url: 'file:///by-us.js', specifier: 'by-us', a: 2 },
      ],
    );
    // A Hook the agent creates later replays what its copy's toHook holds, ours included.
    assert.ok(agent.toHook.some((entry) => entry[0] === 'file:///by-us.js'));
  });

  test('a wrapper that lost its specifier (1.x/2.x behind this loader) gets it from the loader, before the copy\u2019s own hooks run', () => {
    marked.set('file:///lost.js', 'lost');
    wrap(agent, 'file:///lost.js', { a: 3 }, undefined, undefined);
    assert.equal(seen.at(-1).specifier, 'lost');
    assert.deepEqual(agentCalls.at(-1), { url: 'file:///lost.js', specifier: undefined, a: 3 });
    assert.equal(agent.specifiers.get('file:///lost.js'), 'lost');
  });

  test('joining is once per copy, however often it is found', () => {
    const before = agent.importHooks.length;
    esmBridge.joinCopy(agentFile, agent);
    esmBridge.scan();
    esmBridge.noteResolved(pathToFileURL(agentFile).href);
    assert.equal(agent.importHooks.length, before);
    const count = seen.length;
    wrap(agent, 'file:///once.js', { a: 4 }, 'once', undefined);
    assert.equal(seen.length, count + 1);
  });

  test('noteResolved joins a copy as it is resolved, and ignores a lib/register.js of another package', () => {
    const later = copyOfRegister('later');
    esmBridge.noteResolved(pathToFileURL(later).href);
    assert.ok(esmBridge.joinedCopies().includes(require(later)));
    const stranger = copyOfRegister('stranger', 'not-iitm');
    writeFileSync(path.join(path.dirname(path.dirname(stranger)), 'package.json'), JSON.stringify({ name: 'not-iitm' }));
    esmBridge.noteResolved(pathToFileURL(stranger).href);
    assert.equal(require.cache[stranger], undefined, 'another package\u2019s file is not loaded');
  });

  test('a copy without the lists it knows is reported, not silently skipped', () => {
    const warnings = [];
    const listener = (warning) => warnings.push(warning);
    process.on('warning', listener);
    esmBridge.joinCopy(path.join(scratch, 'odd', 'lib', 'register.js'), { register() {} });
    return new Promise((resolve) => setImmediate(resolve)).then(() => {
      process.off('warning', listener);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].code, 'WRAPT_HOOKS_ESM_AGENT');
      assert.match(warnings[0].message, /odd/);
    });
  });
});
