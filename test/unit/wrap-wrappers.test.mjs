// Wrappers (docs/patches-and-api.md): the built library, in process. How a call is wrapped (this, new, statics,
// identity), where a wrapper goes (paths, prototypes, accessors, frozen objects), and the brand
// shared by two installed copies of the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after } from 'node:test';
import { FIXTURES, ROOT, path, makeApp, runNode } from './helpers.mjs';

const require = createRequire(import.meta.url);
const lib = require(path.join(ROOT, 'dist', 'index.js'));
const { functionWrapper, wrapFunctionWrapper, wrapObject, resolvePath, unwrap, isWrapped, getOriginal, defineConfig, WraptHooksError } = lib;

/** A fresh copy of a fixture package's exports (require cache bypassed). */
function loadFixture(name) {
  const dir = path.join(FIXTURES, 'node_modules', name);
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
  return require(dir);
}

/** A wrapper that records what it was called with and passes the call through. */
function recorder() {
  const calls = [];
  const wrapper = (wrapped, instance, args) => {
    calls.push({ instance, args });
    return wrapped(...args);
  };
  return { calls, wrapper };
}

test('exports the documented API', () => {
  for (const name of [
    'registerPostImportHook',
    'whenImported',
    'discoverPostImportHooks',
    'wrapFunctionWrapper',
    'functionWrapper',
    'wrapObject',
    'resolvePath',
    'unwrap',
    'isWrapped',
    'getOriginal',
    'defineConfig',
  ]) {
    assert.equal(typeof lib[name], 'function', `${name} is exported`);
  }
  assert.equal(typeof WraptHooksError, 'function');
  const config = { patches: { fs: './patches/fs.js' } };
  assert.equal(defineConfig(config), config, 'defineConfig is the identity');
});

test('method calls: instance is `this`, and wrapped() calls the original with that `this`', () => {
  const target = {
    factor: 3,
    times(n) {
      return this.factor * n;
    },
  };
  const { calls, wrapper } = recorder();
  const returned = wrapFunctionWrapper(target, 'times', wrapper);
  assert.equal(target.times, returned, 'wrapFunctionWrapper returns the wrapper it installed');
  assert.equal(target.times(5), 15);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].instance, target);
  assert.deepEqual(calls[0].args, [5]);

  const other = { factor: 10, times: target.times };
  assert.equal(other.times(2), 20, 'the `this` of the call, not of the object that was patched');
  assert.equal(calls[1].instance, other);
});

test('plain calls: instance is undefined; the wrapper can change args and result', () => {
  const target = {
    add(a, b) {
      'use strict';
      return [this, a + b];
    },
  };
  let seen = 'not called';
  wrapFunctionWrapper(target, 'add', (wrapped, instance, args) => {
    seen = instance;
    const [self, sum] = wrapped(args[0] * 10, args[1]);
    return [self, sum + 1];
  });
  const { add } = target;
  assert.deepEqual(add(1, 2), [undefined, 13]);
  assert.equal(seen, undefined);
});

test('new: instance is undefined and wrapped() constructs with the same new.target', () => {
  const { Widget } = loadFixture('classy');
  const holder = { Widget };
  const { calls, wrapper } = recorder();
  const Wrapped = wrapFunctionWrapper(holder, 'Widget', wrapper);
  const widget = new holder.Widget('w', 4);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].instance, undefined, 'instance is undefined on new');
  assert.deepEqual(calls[0].args, ['w', 4]);
  assert.ok(widget instanceof Widget);
  assert.ok(widget instanceof Wrapped, 'the wrapper shares the prototype');
  assert.equal(widget.madeBy, 'Widget', 'new.target seen by the original constructor');
  assert.equal(widget.render(), '<w size=4>');
  assert.throws(() => Wrapped('x'), TypeError, 'a class still cannot be called without new');
});

test('subclassing a wrapped class: new.target is the subclass, the wrapper runs for super()', () => {
  const { Widget } = loadFixture('classy');
  const holder = { Widget };
  const { calls, wrapper } = recorder();
  wrapFunctionWrapper(holder, 'Widget', wrapper);
  class Gadget extends holder.Widget {
    render() {
      return `gadget ${super.render()}`;
    }
  }
  const gadget = new Gadget('g', 2);
  assert.equal(calls.length, 1, 'the wrapper runs for the super() call');
  assert.equal(calls[0].instance, undefined);
  assert.ok(gadget instanceof Gadget);
  assert.ok(gadget instanceof Widget);
  assert.equal(gadget.madeBy, 'Gadget', 'new.target is the subclass');
  assert.equal(gadget.render(), 'gadget <g size=2>');
  assert.equal(Gadget.kind(), 'kind of Gadget', 'statics are inherited through the wrapper');
});

test('statics: instance is the class; an inherited static is wrapped on the subclass only', () => {
  const { Base, Widget } = loadFixture('classy');
  const kind = recorder();
  wrapFunctionWrapper(Widget, 'kind', kind.wrapper);
  assert.equal(Widget.kind(), 'kind of Widget');
  assert.equal(kind.calls[0].instance, Widget);

  const create = recorder();
  wrapFunctionWrapper(Widget, 'create', create.wrapper);
  const made = Widget.create('made');
  assert.ok(made instanceof Widget);
  assert.equal(made.madeBy, 'Widget');
  assert.equal(create.calls[0].instance, Widget);
  assert.ok(Object.prototype.hasOwnProperty.call(Widget, 'create'), 'the inherited static became an own property of Widget');
  assert.ok(!isWrapped(Base.create), 'the base class is untouched');
  assert.ok(Base.create('b') instanceof Base);
  assert.equal(create.calls.length, 1);
});

test('the wrapper keeps name, length, prototype and own properties; its [[Prototype]] is the original', () => {
  const { Base, Widget } = loadFixture('classy');
  const holder = { Widget };
  const Wrapped = wrapFunctionWrapper(holder, 'Widget', (wrapped, _instance, args) => wrapped(...args));
  assert.notEqual(Wrapped, Widget);
  assert.equal(Wrapped.name, 'Widget');
  assert.equal(Wrapped.length, Widget.length);
  assert.equal(Wrapped.prototype, Widget.prototype);
  assert.equal(Object.getPrototypeOf(Wrapped), Widget, 'what the original has or gains resolves on it');
  assert.equal(Object.getPrototypeOf(Widget), Base, 'static inheritance kept');
  assert.equal(Wrapped.create, Base.create);
  assert.equal(Wrapped.VERSION, '2.0.0');
  assert.equal(Wrapped[Symbol.for('classy.tag')], 'widget-tag');
  assert.deepEqual(Reflect.ownKeys(Wrapped).sort(String), Reflect.ownKeys(Widget).sort(String), 'the same own keys: no brand property');
  assert.ok(new Widget('x') instanceof Wrapped);

  function sum(a, b, c) {
    return a + b + c;
  }
  sum.meta = { id: 7 };
  const wrappedSum = functionWrapper((wrapped, _i, args) => wrapped(...args))(sum);
  assert.equal(wrappedSum.name, 'sum');
  assert.equal(wrappedSum.length, 3);
  assert.equal(wrappedSum.meta, sum.meta);
  assert.equal(wrappedSum(1, 2, 3), 6);

  const arrow = (x) => x * 2;
  const wrappedArrow = functionWrapper((wrapped, _i, args) => wrapped(...args))(arrow);
  assert.equal(wrappedArrow.name, 'arrow');
  assert.equal(wrappedArrow.length, 1);
  assert.ok(!Object.prototype.hasOwnProperty.call(wrappedArrow, 'prototype'), 'an arrow function has no prototype; neither has its wrapper');
  assert.throws(() => new wrappedArrow(1), TypeError, 'and it is not constructible');
  assert.equal(wrappedArrow(4), 8);
});

test('functionWrapper and wrapFunctionWrapper refuse what is not a function', () => {
  assert.throws(
    () => functionWrapper(42),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_INVALID_ARGUMENT',
  );
  assert.throws(
    () => functionWrapper(() => {})('nope'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_NOT_A_FUNCTION',
  );
  assert.throws(
    () => wrapFunctionWrapper({ a: { b: 1 } }, 'a.b', () => {}),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_NOT_A_FUNCTION' && error.message.includes('"a.b"'),
  );
  assert.throws(
    () => wrapFunctionWrapper({ f() {} }, 'f', 'not a wrapper'),
    (error) => error instanceof WraptHooksError && error.code === 'WRAPT_HOOKS_INVALID_ARGUMENT',
  );
});

test('isWrapped / getOriginal: brand test and one layer down', () => {
  function original() {
    return 'o';
  }
  const target = { fn: original };
  const first = wrapFunctionWrapper(target, 'fn', (wrapped) => `1(${wrapped()})`);
  const second = wrapFunctionWrapper(target, 'fn', (wrapped) => `2(${wrapped()})`);
  assert.equal(target.fn(), '2(1(o))');
  assert.equal(isWrapped(original), false);
  assert.equal(isWrapped(first), true);
  assert.equal(isWrapped(second), true);
  assert.equal(getOriginal(second), first, 'one layer');
  assert.equal(getOriginal(first), original);
  assert.equal(getOriginal(original), original, 'not a wrapper: itself');
  for (const value of [undefined, null, 1, 'x', {}]) {
    assert.equal(isWrapped(value), false);
    assert.equal(getOriginal(value), value);
  }
  // A look-alike with the properties other libraries use as a brand is not a wrapper.
  const lookalike = () => {};
  lookalike.__wrapped = true;
  lookalike.__original = original;
  assert.equal(isWrapped(lookalike), false);
});

test('unwrap removes the outermost layer only, and returns false when there is none', () => {
  function original() {
    return 'o';
  }
  const target = { fn: original };
  const first = wrapFunctionWrapper(target, 'fn', (wrapped) => `1(${wrapped()})`);
  wrapFunctionWrapper(target, 'fn', (wrapped) => `2(${wrapped()})`);
  assert.equal(unwrap(target, 'fn'), true);
  assert.equal(target.fn, first);
  assert.equal(target.fn(), '1(o)');
  assert.equal(unwrap(target, 'fn'), true);
  assert.equal(target.fn, original);
  assert.equal(unwrap(target, 'fn'), false);
  assert.equal(target.fn, original);
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

test('async functions and promises pass through untouched', async () => {
  const target = {
    async load(x) {
      return x + 1;
    },
  };
  wrapFunctionWrapper(target, 'load', (wrapped, _instance, args) => wrapped(...args));
  assert.equal(await target.load(1), 2);
  const failing = {
    async fail() {
      throw new Error('nope');
    },
  };
  wrapFunctionWrapper(failing, 'fail', (wrapped, _instance, args) => wrapped(...args));
  await assert.rejects(failing.fail(), /nope/);
});

// A second installed copy of the library: a separate file tree, so a separate module instance.
const copies = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});
function copyOfLibrary() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-copy-'));
  copies.push(dir);
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const name of ['register.js', 'register.mjs']) cpSync(path.join(ROOT, name), path.join(dir, name));
  return dir;
}

test('wrappers made by another installed copy of the library are recognised', () => {
  const dir = copyOfLibrary();
  const other = require(path.join(dir, 'dist', 'index.js'));
  assert.notEqual(other.isWrapped, isWrapped, 'really a second copy');
  function original() {
    return 'o';
  }
  const target = { fn: original };
  const byOther = other.wrapFunctionWrapper(target, 'fn', (wrapped) => `other(${wrapped()})`);
  assert.equal(isWrapped(byOther), true);
  assert.equal(getOriginal(byOther), original);
  const byThis = wrapFunctionWrapper(target, 'fn', (wrapped) => `this(${wrapped()})`);
  assert.equal(other.isWrapped(byThis), true);
  assert.equal(other.getOriginal(byThis), byOther);
  assert.equal(target.fn(), 'this(other(o))');
  assert.equal(other.unwrap(target, 'fn'), true);
  assert.equal(unwrap(target, 'fn'), true);
  assert.equal(target.fn, original);
});

test('in a preloaded app, patches wrap with the same semantics (statics, subclass, prototype)', () => {
  const app = makeApp({
    packages: ['classy'],
    files: {
      '.wrapt-hooksrc.json': { patches: { classy: './patches/classy.js' } },
      'patches/classy.js': `
        'use strict';
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = function patchClassy(classy) {
          const log = (what) => (wrapped, instance, args) => {
            console.log(what, instance === undefined ? 'undefined' : instance === classy.Widget ? 'Widget' : instance.constructor.name, JSON.stringify(args));
            return wrapped(...args);
          };
          wrapFunctionWrapper(classy, 'Widget', log('new Widget'));
          wrapFunctionWrapper(classy, 'Widget.kind', log('Widget.kind'));
          wrapFunctionWrapper(classy, 'Widget.prototype.greet', log('greet'));
        };
      `,
      'app.js': `
        'use strict';
        const { Widget } = require('classy');
        const { isWrapped, getOriginal } = require('wrapt-hooks');
        class Gadget extends Widget {}
        const g = new Gadget('g', 3);
        console.log(g.madeBy, g instanceof Widget, g.greet('hi'));
        console.log(Widget.kind());
        console.log(Widget.name, Widget.length, Widget.VERSION, isWrapped(Widget), isWrapped(getOriginal(Widget)));
      `,
    },
  });
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      'new Widget undefined ["g",3]',
      'greet Gadget ["hi"]',
      'Gadget true hi, g',
      'Widget.kind Widget []',
      'kind of Widget',
      'Widget 1 2.0.0 true false',
      '',
    ].join('\n'),
  );
  assert.deepEqual(result.warnings, []);
});
