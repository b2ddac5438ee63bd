// In-process: the post-import hook registry (docs/patches-and-api.md) fed the load events the module hooks give it
// (Registry.onLoad), over fixture packages: firing once per instance, registration order,
// unregister, immediate firing for instances already seen (and, with findLoaded, for modules
// loaded before), what a hook returns, lazy specifiers loaded at the first load, version ranges,
// WRAPT_HOOKS_DISABLE and the flags, listeners, ModuleInfo and the summary rows. One hook on one
// instance alone is test/unit/core-apply-hook.test.mjs.
// test/post-import-hooks.test.mjs checks the same in preloaded apps where the hooks themselves matter.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { makeApp, path } from '../helpers.mjs';
import { internals } from './internals.mjs';
import { warningsOf } from './stages.mjs';

const { registry: registryModule, match } = internals();
const require = createRequire(import.meta.url);
/** The library (wrappers): the same modules as the registry's. */
const wrap = internals().library;

/** A fresh registry (made with `flags`) whose hooks and specifiers resolve in `dir`. */
function setup(dir, flags) {
  const registry = new registryModule.Registry(flags);
  const options = (origin = 'test') => ({ baseDir: dir, origin, immediate: false, planned: true });
  /** The app's `require(name)` as the CommonJS hook reports it: a fresh instance each setup. */
  const load = (name) => {
    const filename = createRequire(path.join(dir, 'app.js')).resolve(name);
    delete require.cache[filename];
    const exports = require(filename);
    return registry.onLoad({ keys: match.matchRequired(registry, filename), format: 'commonjs', via: 'require', value: exports, filename });
  };
  return { registry, options, load };
}

test('a hook fires once per module instance: two copies of a package are two instances; a second load of one fires nothing', () => {
  const dir = makeApp({ packages: ['twin', 'twin-user'] });
  const { registry, options } = setup(dir);
  const seen = [];
  registry.register((twin, info) => seen.push(`${info.name}@${info.version} ${path.relative(dir, info.baseDir)}`), 'twin', options());
  const fire = (file) => {
    const filename = path.join(dir, file);
    const value = require(filename);
    return registry.onLoad({ keys: match.matchRequired(registry, filename), format: 'commonjs', via: 'require', value, filename });
  };
  fire('node_modules/twin/index.js');
  fire('node_modules/twin/index.js');
  fire('node_modules/twin-user/node_modules/twin/index.js');
  assert.deepEqual(seen, ['twin@1.0.0 node_modules/twin', `twin@2.0.0 ${path.join('node_modules', 'twin-user', 'node_modules', 'twin')}`]);
});

test('hooks run in registration order; unregister() stops one before it fires and can be called twice', () => {
  const dir = makeApp({
    packages: ['twin'],
    files: { 'patches/order.js': "for (const name of ['a', 'b']) exports[name] = (twin) => { twin.trail = (twin.trail || '') + name; };" },
  });
  const { registry, options, load } = setup(dir);
  registry.register('./patches/order.js#a', 'twin', options());
  const off = registry.register(() => assert.fail('unregistered'), 'twin', options());
  registry.register('./patches/order.js#b', 'twin', options());
  registry.register((twin) => void (twin.trail += 'c'), 'twin', options());
  assert.equal(off(), undefined);
  assert.equal(off(), undefined);
  assert.equal(load('twin').trail, 'abc');
  assert.deepEqual(
    registry.summary().applied.map((row) => row.patch),
    ['./patches/order.js#a', './patches/order.js#b', '(anonymous function)'],
  );
});

test('an immediate hook fires at once for an instance already seen; a planned one waits for the next instance', () => {
  const dir = makeApp({ packages: ['twin'] });
  const { registry, options, load } = setup(dir);
  registry.register(() => {}, 'twin', options());
  const twin = load('twin');
  const fired = [];
  // (Instances of twin that other tests loaded into this process fire too: only this app's count.)
  const record = (label) => (m, info) => void (info.filename.startsWith(dir) && fired.push(label));
  registry.register(record('immediate'), 'twin', { ...options(), immediate: true });
  registry.register(record('planned'), 'twin', options());
  assert.deepEqual(fired, ['immediate']);
  assert.equal(twin.version, '1.0.0');
});

test('return values: undefined keeps the exports, an object replaces them (and require.cache), a wrapper of a member is ignored, a wrapper of the exports replaces them', () => {
  const dir = makeApp({ packages: ['twin', 'deep-pkg', 'callable'] });
  const { registry, options, load } = setup(dir);
  registry.register((m) => void (m.marker = 'marked'), 'twin', options());
  registry.register((m) => ({ replaced: true, run: m.run }), 'deep-pkg', options());
  registry.register((fn) => wrap.functionWrapper((wrapped, _instance, args) => wrapped(...args).toUpperCase())(fn), 'callable', options());
  registry.register((m) => wrap.wrapFunctionWrapper(m, 'hello', (wrapped, _i, args) => `wrapped ${wrapped(...args)}`), 'twin', options());
  const twin = load('twin');
  assert.deepEqual([twin.marker, twin.hello('x')], ['marked', 'wrapped twin 1 says hello to x']);
  const deep = load('deep-pkg');
  assert.equal(deep.replaced, true);
  assert.equal(require.cache[createRequire(path.join(dir, 'app.js')).resolve('deep-pkg')].exports, deep, 'later requires get the replacement');
  const callable = load('callable');
  assert.deepEqual([wrap.isWrapped(callable), callable('bob'), callable.extra], [true, 'HI BOB', 'extra-prop']);
});

test('lazy "module#export" specifiers: the patch module loads at the first load of its target, once per directory and specifier', async () => {
  const dir = makeApp({
    packages: ['twin', 'deep-pkg'],
    files: { 'patches/lazy.js': 'globalThis.wraptLazyLoads = (globalThis.wraptLazyLoads || 0) + 1; exports.apply = (m) => { m.lazy = "yes"; };' },
  });
  globalThis.wraptLazyLoads = 0;
  const { registry, options, load } = setup(dir);
  registry.register('./patches/lazy.js#apply', 'twin', options());
  registry.register('./patches/lazy.js#apply', 'deep-pkg', options());
  registry.register('./patches/missing.js', 'node:os', options());
  assert.equal(globalThis.wraptLazyLoads, 0, 'nothing loads at registration');
  assert.equal(load('twin').lazy, 'yes');
  assert.equal(load('deep-pkg').lazy, 'yes');
  assert.equal(globalThis.wraptLazyLoads, 1);
  const { warnings } = await warningsOf(() => undefined);
  assert.deepEqual(warnings, [], 'the missing patch of a target never loaded is never looked for');
});

test('versions: a hook outside its range is skipped (a summary row, no warning); no range always fires; a bad range is a failure', async () => {
  const dir = makeApp({ packages: ['twin', 'twin-user'] });
  const { registry, options } = setup(dir);
  const fired = [];
  registry.register((m, info) => fired.push(`v1 ${info.version}`), 'twin', { ...options(), versions: '^1.0.0' });
  registry.register((m, info) => fired.push(`v2 ${info.version}`), 'twin', { ...options(), versions: '>=2 <3' });
  registry.register((m, info) => fired.push(`any ${info.version}`), 'twin', options());
  registry.register(() => fired.push('bad'), 'twin', { ...options('config x'), versions: 'banana' });
  const { warnings } = await warningsOf(() => {
    for (const file of ['node_modules/twin/index.js', 'node_modules/twin-user/node_modules/twin/index.js']) {
      const filename = path.join(dir, file);
      registry.onLoad({ keys: match.matchRequired(registry, filename), format: 'commonjs', via: 'require', value: require(filename), filename });
    }
  });
  assert.deepEqual(fired, ['v1 1.0.0', 'any 1.0.0', 'v2 2.0.0', 'any 2.0.0']);
  assert.deepEqual(
    registry.summary().skipped.map((row) => `${row.version} ${row.reason}`),
    ['1.0.0 version 1.0.0 is outside ">=2 <3"', '2.0.0 version 2.0.0 is outside "^1.0.0"'],
  );
  assert.equal(registry.summary().failed.length, 2, 'the bad range fails on each instance');
  assert.deepEqual(
    warnings.map((w) => w.code),
    ['WRAPT_HOOKS_CONFIG_INVALID'],
    'one warning: the same message is not repeated',
  );
  assert.match(warnings[0].message, /^config x: versions "banana" is not a semver range/);
});

test('WRAPT_HOOKS_DISABLE: a disabled target registers nothing; another target registers as usual', () => {
  const dir = makeApp({ packages: ['twin'] });
  const { registry, options, load } = setup(dir, { disabled: new Set(['twin']) });
  registry.register(() => assert.fail('disabled'), 'twin', options());
  assert.equal(registry.hasTargets(), false);
  load('twin');
  registry.register(() => {}, 'node:os', options());
  assert.deepEqual([registry.hasTargets(), registry.isTarget('os')], [true, true]);
});

test('ModuleInfo for a package and a builtin; neverImported lists planned targets without an instance', () => {
  const dir = makeApp({ packages: ['deep-pkg'] });
  const { registry, options, load } = setup(dir);
  const infos = [];
  registry.register((m, info) => infos.push(info), 'deep-pkg', options());
  registry.register((m, info) => infos.push(info), 'node:os', options());
  registry.register(() => {}, 'never-there', options());
  load('deep-pkg');
  registry.onLoad({ keys: ['os'], format: 'builtin', via: 'require', value: require('node:os'), builtin: 'os' });
  assert.deepEqual(infos[0], {
    target: 'deep-pkg',
    name: 'deep-pkg',
    format: 'commonjs',
    version: '3.1.4',
    baseDir: path.join(dir, 'node_modules', 'deep-pkg'),
    filename: path.join(dir, 'node_modules', 'deep-pkg', 'index.js'),
  });
  assert.deepEqual(infos[1], { target: 'node:os', name: 'os', format: 'builtin' });
  assert.deepEqual(
    registry.neverImported().map(({ target, parsed, patches }) => ({ target, key: parsed.key, patches })),
    [{ target: 'never-there', key: 'never-there', patches: ['(anonymous function)'] }],
  );
});

test('invalid registrations are reported, not thrown (fail-open), and thrown in strict mode', async () => {
  const dir = makeApp();
  const { registry, options } = setup(dir);
  const { warnings } = await warningsOf(() => {
    registry.register(() => {}, 'Not A Package!', options('api call 1'));
    registry.register(42, 'twin', options('api call 2'));
    registry.register('', 'twin', options('api call 3'));
  });
  assert.deepEqual(
    warnings.map((w) => w.code),
    ['WRAPT_HOOKS_INVALID_ARGUMENT', 'WRAPT_HOOKS_INVALID_ARGUMENT', 'WRAPT_HOOKS_INVALID_ARGUMENT'],
  );
  assert.match(warnings[1].message, /^api call 2: the hook for "twin" must be a function or a "<module>#<export>" string, got number/);
  assert.equal(registry.hasTargets(), false);
  const strict = setup(dir, { strict: true }).registry;
  assert.throws(() => strict.register(null, 'twin', options('api call 4')), { name: 'WraptHooksError', code: 'WRAPT_HOOKS_INVALID_ARGUMENT' });
});

test('flags are given to the constructor; a later start adopts its own: strict stays on once on, WRAPT_HOOKS_DISABLE gives the disabled targets', () => {
  const registry = new registryModule.Registry();
  assert.deepEqual([registry.strict, [...registry.disabled]], [false, []]);
  registry.adopt({ strict: true });
  registry.adopt({ strict: false, disabled: new Set(['fs']) });
  assert.deepEqual([registry.strict, [...registry.disabled]], [true, ['fs']]);
});

test('listeners hear each new target once, in the order they listen, and exports a patch replaced; the function listen returns stops one', () => {
  const dir = makeApp({ packages: ['deep-pkg'] });
  const { registry, options, load } = setup(dir);
  const heard = [];
  const stop = registry.listen({
    newTarget: (target) => heard.push(`a ${target.key}`),
    replaced: (before, after) => heard.push(`replaced ${before.replaced} -> ${after.replaced}`),
  });
  registry.listen({ newTarget: (target) => heard.push(`b ${target.key}`) });
  registry.register(() => ({ replaced: true }), 'deep-pkg', options());
  registry.register(() => {}, 'deep-pkg', options());
  load('deep-pkg');
  stop();
  registry.register(() => {}, 'node:os', options());
  assert.deepEqual(heard, ['a deep-pkg', 'b deep-pkg', 'replaced undefined -> true', 'b os']);
});

test('an immediate hook fires for modules loaded before it that the registry never saw when it has findLoaded (hooks/loaded.ts: require.cache, builtins Node loaded), and for a file evaluated again', () => {
  const dir = makeApp({ packages: ['twin'] });
  const filename = createRequire(path.join(dir, 'app.js')).resolve('twin');
  require(filename); // loaded, never reported to a registry
  require('node:os');
  const fired = [];
  const hook = (label) => (m, info) => void ((info.filename === filename || info.name === 'os') && fired.push(`${label} ${info.name}`));
  const options = { baseDir: dir, origin: 'test', immediate: true };
  new registryModule.Registry().register(hook('unseen'), 'twin', options);
  const registry = new registryModule.Registry({ findLoaded: internals().hooksLoaded.findLoaded });
  registry.register(hook('found'), 'twin', options);
  registry.register(hook('seen'), 'twin', options);
  registry.register(hook('found'), 'node:os', options);
  assert.deepEqual(fired, ['found twin', 'seen twin', 'found os']);
  // The file evaluated again (its require.cache entry deleted): a new module object, a new instance.
  fired.length = 0;
  delete require.cache[filename];
  require(filename);
  registry.register(hook('again'), 'twin', options);
  assert.deepEqual(fired, ['found twin', 'seen twin', 'again twin']);
});

test('a built-in patch that returns notApplied(reason) is counted as failed with that reason, not applied, and reports nothing itself', async () => {
  const dir = makeApp({ packages: ['twin'] });
  const { registry, options, load } = setup(dir);
  function traced() {
    return internals().applyHook.notApplied('"missing" is not there');
  }
  registry.register(traced, 'twin', options());
  const { warnings } = await warningsOf(() => load('twin'));
  assert.deepEqual(warnings, []);
  const { applied, failed } = registry.summary();
  assert.deepEqual([applied, failed.map((row) => `${row.patch}: ${row.reason}`)], [[], ['traced(): "missing" is not there']]);
});
