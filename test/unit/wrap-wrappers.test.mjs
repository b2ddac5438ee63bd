// How a call is wrapped (src/wrap/wrappers.ts, docs/patches-and-api.md), over the built library
// in process: this, new, statics, what the wrapper keeps of the original (live, in both
// directions: a wrapper is the original seen through), unwrapping, and the brand shared by two
// installed copies of the library. Where a wrapper goes is test/unit/wrap-patches.test.mjs.
import { describe, it, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ROOT, path } from '../helpers.mjs';
import { lib, loadFixture, pass, recorder } from './library.mjs';

const { functionWrapper, wrapFunctionWrapper, unwrap, isWrapped, getOriginal, defineConfig, WraptHooksError } = lib;
const require = createRequire(import.meta.url);

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

describe('live identity', () => {
  it("reads see the original's properties as they are now, including ones it adds later (ws's toBuffer.readOnly)", () => {
    function toBuffer(data) {
      toBuffer.readOnly = true;
      if (Buffer.isBuffer(data)) return data;
      toBuffer.readOnly = false;
      return Buffer.from(data);
    }
    const lib = { toBuffer };
    wrapFunctionWrapper(lib, 'toBuffer', pass);
    lib.toBuffer(Buffer.from('x'));
    assert.equal(lib.toBuffer.readOnly, true);
    lib.toBuffer('x');
    assert.equal(lib.toBuffer.readOnly, false);
  });

  it('writes through the wrapper reach the original: a static counter, a cache', () => {
    class Counter {
      static count = 0;
      static next() {
        return ++Counter.count;
      }
    }
    const holder = { Counter };
    wrapFunctionWrapper(holder, 'Counter', pass);
    holder.Counter.count++;
    assert.equal(Counter.count, 1);
    assert.equal(holder.Counter.next(), 2, "the original's own code sees the write");
    assert.equal(holder.Counter.count, 2);
    function memo() {}
    memo.cache = null;
    const mod = { memo };
    wrapFunctionWrapper(mod, 'memo', pass);
    const cache = new Map();
    mod.memo.cache = cache;
    assert.equal(memo.cache, cache);
    assert.deepEqual(Object.keys(mod.memo), Object.keys(memo));
  });

  it('getters and setters stay accessors; read-only values stay read-only', () => {
    let value = 1;
    function api() {}
    Object.defineProperty(api, 'level', {
      get: () => value,
      set(v) {
        value = v;
      },
      enumerable: true,
      configurable: true,
    });
    Object.defineProperty(api, 'KIND', { value: 'api', enumerable: true });
    const mod = { api };
    const wrapped = wrapFunctionWrapper(mod, 'api', pass);
    const descriptor = Object.getOwnPropertyDescriptor(wrapped, 'level');
    assert.equal(descriptor.get, Object.getOwnPropertyDescriptor(api, 'level').get, 'the same getter');
    wrapped.level = 5;
    assert.equal(value, 5);
    assert.equal(wrapped.KIND, 'api');
    assert.throws(() => {
      wrapped.KIND = 'other';
    }, TypeError);
  });

  it('name, length, prototype, statics; a bound constructor stays constructible; the brand tells them apart', () => {
    function Point(x, y) {
      this.x = x;
      this.y = y;
    }
    Point.origin = () => new Point(0, 0);
    const mod = { Point, At: Point.bind(null, 3) };
    const W = wrapFunctionWrapper(mod, 'Point', pass);
    assert.equal(W.name, 'Point');
    assert.equal(W.length, 2);
    assert.equal(W.prototype, Point.prototype);
    assert.ok(new W(1, 2) instanceof Point);
    assert.ok(W.origin() instanceof W);
    const B = wrapFunctionWrapper(mod, 'At', pass);
    const at = new mod.At(4);
    assert.deepEqual({ ...at }, { x: 3, y: 4 });
    assert.ok(at instanceof Point);
    assert.ok(at instanceof B);
    assert.ok(isWrapped(W) && isWrapped(B));
    assert.equal(getOriginal(W), Point);
    assert.equal(isWrapped(Point), false);
  });
});

describe('method calls', () => {
  it('a `wrapped` kept for later calls with the receiver of its own call, whatever was called since', () => {
    class Named {
      constructor(name) {
        this.name = name;
      }
      hello() {
        return this.name;
      }
    }
    const kept = [];
    wrapFunctionWrapper(Named.prototype, 'hello', (wrapped, instance, args) => {
      kept.push(wrapped);
      return wrapped(...args);
    });
    const a = new Named('a');
    const b = new Named('b');
    assert.deepEqual([a.hello(), a.hello(), b.hello(), a.hello()], ['a', 'a', 'b', 'a']);
    assert.deepEqual(
      kept.map((wrapped) => wrapped()),
      ['a', 'a', 'b', 'a'],
    );
  });
  it('the wrapper keeps no receiver after a call returns', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    class Holder {
      method() {
        return 1;
      }
    }
    wrapFunctionWrapper(Holder.prototype, 'method', pass);
    const ref = (() => {
      const receiver = new Holder();
      receiver.method();
      return new WeakRef(receiver);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(ref.deref(), undefined, 'the last receiver was collected');
  });
});
