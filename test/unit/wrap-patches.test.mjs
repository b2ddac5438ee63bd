// Where a wrapper goes (src/wrap/patches.ts, src/wrap/exports-copy.ts, docs/patches-and-api.md),
// over the built library in process: paths, prototypes, accessors; read-only properties replaced
// by definition; what cannot be replaced in place wrapped where a getter reads from, or in a copy
// of a CommonJS module's exports at its first load (through the registry, as the preload runs
// config patches); frozen objects refused with the path. How a call is wrapped is
// test/unit/wrap-wrappers.test.mjs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it, test } from 'node:test';
import { FIXTURES, makeApp, path } from '../helpers.mjs';
import { lib, loadFixture, pass, recorder } from './library.mjs';
import { runStages } from './stages.mjs';

const require = createRequire(import.meta.url);
const { wrapFunctionWrapper, wrapObject, resolvePath, unwrap, isWrapped, WraptHooksError } = lib;

describe('where a wrapper goes', () => {
  it("a configurable read-only property (Node 20's zlib.createGzip) is replaced by definition", () => {
    const zlibLike = {};
    Object.defineProperty(zlibLike, 'createGzip', { value: () => 'gzip', writable: false, enumerable: true, configurable: true });
    const wrapped = wrapFunctionWrapper(zlibLike, 'createGzip', (w, _i, args) => `[${w(...args)}]`);
    assert.equal(zlibLike.createGzip, wrapped);
    assert.equal(zlibLike.createGzip(), '[gzip]');
    const descriptor = Object.getOwnPropertyDescriptor(zlibLike, 'createGzip');
    assert.deepEqual([descriptor.writable, descriptor.enumerable, descriptor.configurable], [false, true, true]);
    assert.equal(unwrap(zlibLike, 'createGzip'), true);
    assert.equal(zlibLike.createGzip(), 'gzip');
  });

  it('a lazy getter stays a getter, returning the wrapper of what it returns now', () => {
    let impl = () => 'a';
    const mod = {};
    Object.defineProperty(mod, 'run', {
      get: () => impl,
      set(v) {
        impl = v;
      },
      enumerable: true,
      configurable: true,
    });
    const calls = [];
    const first = wrapFunctionWrapper(mod, 'run', (w, _i, args) => {
      calls.push(args);
      return w(...args);
    });
    assert.equal(typeof Object.getOwnPropertyDescriptor(mod, 'run').get, 'function');
    assert.equal(mod.run, first, 'the same wrapper while the function is the same');
    assert.equal(mod.run(), 'a');
    mod.run = () => 'b';
    assert.equal(mod.run(), 'b', 'a later change is seen');
    assert.equal(calls.length, 2, 'and wrapped');
    assert.equal(unwrap(mod, 'run'), true);
    assert.equal(mod.run, impl, 'unwrap puts the original getter back');
  });

  it('a TypeScript re-export getter: the function is wrapped in the module it reads from', () => {
    const dir = path.join(FIXTURES, 'node_modules', 'ts-getters');
    for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
    const barrel = require(dir);
    const impl = require(path.join(dir, 'impl.js'));
    const wrapped = wrapFunctionWrapper(barrel, 'shout', (w, _i, args) => `${w(...args)}!`);
    assert.equal(impl.shout, wrapped, 'impl.js holds the wrapper');
    assert.equal(barrel.shout, wrapped, 'and the re-export reads it');
    assert.equal(barrel.shout('hi'), 'HI!');
  });

  it('what nothing holds elsewhere and cannot be replaced is refused outside a first load', () => {
    const locked = {};
    Object.defineProperty(locked, 'run', { get: () => () => 1, enumerable: true });
    assert.throws(
      () => wrapFunctionWrapper(locked, 'run', pass),
      (error) => error.code === 'WRAPT_HOOKS_READ_ONLY' && /non-configurable getter/.test(error.message) && error.message.includes('"run"'),
    );
  });
});

describe("exports nobody can replace in place, at a CommonJS target's first load", () => {
  const patch = (name, prop) =>
    `const { wrapFunctionWrapper } = require('wrapt-hooks');\nmodule.exports = (exports) => { wrapFunctionWrapper(exports, '${prop}', (w, _i, args) => '<' + w(...args) + '>'); };\n`;

  /** Package `name` patched at its first load by a config patch that wraps `prop`. */
  const firstLoad = async (name, prop) => {
    const dir = makeApp({ packages: [name], files: { '.wrapt-hooksrc.json': { patches: { [name]: './patch.js' } }, 'patch.js': patch(name, prop) } });
    return { dir, ...(await runStages(dir, {}, { target: name })) };
  };

  it('esbuild/tsup __export getters: the exports become a copy holding the wrapper; the rest as it was', async () => {
    const { dir, exports, problems } = await firstLoad('tsup-built', 'greet');
    assert.deepEqual(problems, []);
    assert.equal(exports.greet('x'), '<hello x>');
    assert.equal(isWrapped(exports.greet), true);
    assert.equal(exports.VERSION, '1.0.0');
    assert.equal(typeof Object.getOwnPropertyDescriptor(exports, 'shout').get, 'function', 'getters stay getters');
    assert.equal(exports.__esModule, true);
    assert.equal(Object.getPrototypeOf(exports), Object.prototype);
    assert.equal(require(path.join(dir, 'node_modules', 'tsup-built')), exports, 'what later requires return');
  });

  it("zod's read-only, non-configurable string: the same", async () => {
    const { exports, problems } = await firstLoad('zod-like', 'string');
    assert.deepEqual(problems, []);
    assert.equal(exports.string(1), '<[object Object]>');
    assert.equal(exports.number(2).kind, 'number');
  });
});

test('wrapObject replaces target[path] with factory(original, ...args) and returns it', () => {
  const { Widget } = loadFixture('classy');
  const module = { Widget };
  let received;
  const value = wrapObject(
    module,
    'Widget.prototype.render',
    (original, prefix, suffix) => {
      received = original;
      return function render() {
        return `${prefix}${original.call(this)}${suffix}`;
      };
    },
    '[',
    ']',
  );
  assert.equal(received.name, 'render');
  assert.equal(Widget.prototype.render, value);
  assert.equal(new Widget('w').render(), '[<w size=1>]');
  assert.equal(Object.getOwnPropertyDescriptor(Widget.prototype, 'render').enumerable, false, 'a class method stays non-enumerable');
  const plain = { config: { level: 1 } };
  const replaced = wrapObject(plain, 'config', (original, extra) => ({ ...original, extra }), 'yes');
  assert.deepEqual(plain.config, { level: 1, extra: 'yes' });
  assert.equal(replaced, plain.config);
});

test('the hot-path form from docs/performance.md: wrapObject with a replacement written by hand', () => {
  class Parser {
    constructor() {
      this.at = 0;
    }
    next(step = 1) {
      this.at += step;
      return this.at;
    }
  }
  let counter = 0;
  wrapObject(
    Parser.prototype,
    'next',
    (original) =>
      function next() {
        counter++;
        return original.apply(this, arguments);
      },
  );
  const parser = new Parser();
  assert.deepEqual([parser.next(), parser.next(2), parser.next()], [1, 3, 4]);
  assert.equal(counter, 3);
  assert.equal(isWrapped(Parser.prototype.next), false, 'a hand-written replacement carries no brand');
  assert.equal(unwrap(Parser.prototype, 'next'), false);
});

test('resolvePath returns [parent, attribute, original]; a broken path names itself', () => {
  const { Widget } = loadFixture('classy');
  const module = { Widget };
  const [parent, attribute, original] = resolvePath(module, 'Widget.prototype.render');
  assert.equal(parent, Widget.prototype);
  assert.equal(attribute, 'render');
  assert.equal(original, Widget.prototype.render);
  const [, , missing] = resolvePath(module, 'Widget.nothing');
  assert.equal(missing, undefined, 'a missing last part resolves to undefined');
  assert.throws(
    () => resolvePath(module, 'Gizmo.prototype.render'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_PATH_NOT_FOUND' && error.message.includes('Gizmo.prototype.render'),
  );
  assert.throws(
    () => resolvePath(module, 'Widget..render'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_INVALID_ARGUMENT',
  );
  assert.throws(
    () => resolvePath(module, '__proto__.toString'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_INVALID_ARGUMENT',
  );
});

test('inherited prototype methods: wrapped on the subclass prototype, the base class untouched', () => {
  const { Base, Widget } = loadFixture('classy');
  const { calls, wrapper } = recorder();
  wrapFunctionWrapper(Widget, 'prototype.greet', wrapper);
  const widget = new Widget('w');
  assert.equal(widget.greet('hello'), 'hello, w');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].instance, widget);
  assert.deepEqual(calls[0].args, ['hello']);
  assert.ok(Object.prototype.hasOwnProperty.call(Widget.prototype, 'greet'));
  assert.equal(Object.getOwnPropertyDescriptor(Widget.prototype, 'greet').enumerable, false, 'enumerability of the inherited method kept');
  assert.equal(new Base('b').greet('hi'), 'hi, b');
  assert.equal(calls.length, 1, 'Base instances do not go through the wrapper');
  assert.equal(unwrap(Widget, 'prototype.greet'), true);
  assert.equal(new Widget('w').greet('hey'), 'hey, w');
  assert.equal(calls.length, 1);
});

test('accessors: a configurable getter stays a getter returning the wrapper; a TypeScript re-export getter is wrapped where it reads from', () => {
  const tsGetters = loadFixture('ts-getters');
  const mumble = recorder();
  wrapFunctionWrapper(tsGetters, 'mumble', mumble.wrapper);
  assert.equal(tsGetters.mumble('QUIET'), 'quiet');
  assert.equal(mumble.calls.length, 1);
  assert.equal(isWrapped(tsGetters.mumble), true);
  assert.equal(typeof Object.getOwnPropertyDescriptor(tsGetters, 'mumble').get, 'function');
  assert.equal(Object.getOwnPropertyDescriptor(tsGetters, 'mumble').enumerable, true);

  // `export * from './impl'` compiled by tsc: { enumerable: true, get } (non-configurable), read from impl.js.
  const shout = recorder();
  wrapFunctionWrapper(tsGetters, 'shout', shout.wrapper);
  assert.equal(tsGetters.shout('still works'), 'STILL WORKS');
  assert.equal(shout.calls.length, 1);
  // Plain `exports.local = local` in the same file wraps fine.
  wrapFunctionWrapper(tsGetters, 'local', (wrapped, _i, args) => `[${wrapped(...args)}]`);
  assert.equal(tsGetters.local('x'), '[local x]');
});

test('frozen objects and non-configurable read-only properties: WraptHooksError naming the path', () => {
  const frozen = { api: Object.freeze({ send() {} }) };
  assert.throws(
    () => wrapFunctionWrapper(frozen, 'api.send', () => {}),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_READ_ONLY' && error.message.includes('"api.send"'),
  );
  const locked = {};
  Object.defineProperty(locked, 'run', { value() {}, writable: false, configurable: false, enumerable: true });
  assert.throws(
    () => wrapObject(locked, 'run', () => () => {}),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_READ_ONLY' && error.message.includes('"run"'),
  );
  const sealedProto = Object.preventExtensions(Object.create({ inherited() {} }));
  assert.throws(
    () => wrapFunctionWrapper({ obj: sealedProto }, 'obj.inherited', () => {}),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_READ_ONLY' && error.message.includes('"obj.inherited"'),
  );
  assert.throws(
    () => unwrap(frozen, 'api.send.missing.deeper'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_PATH_NOT_FOUND',
  );
  // Non-configurable but writable (e.g. sealed objects) is not read-only.
  const sealed = Object.seal({ run: () => 'run' });
  wrapFunctionWrapper(sealed, 'run', (wrapped) => `sealed ${wrapped()}`);
  assert.equal(sealed.run(), 'sealed run');
});
