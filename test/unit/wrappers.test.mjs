// In-process over the built library: a wrapper is the original seen through
// (docs/patches-and-api.md): its properties are the original's, live, in both directions;
// read-only and accessor properties are replaced by definition; what cannot be replaced in place
// is wrapped where a getter reads from, or in a copy of a CommonJS module's exports at its first
// load (through the registry, as the preload runs config patches).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FIXTURES, ROOT, makeApp } from '../helpers.mjs';
import { runStages } from './stages.mjs';

const require = createRequire(import.meta.url);
const { wrapFunctionWrapper, unwrap, isWrapped, getOriginal } = require(path.join(ROOT, 'dist', 'index.js'));
const pass = (wrapped, _instance, args) => wrapped(...args);

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

  it('esbuild/tsup __export getters: the exports become a copy holding the wrapper; the rest as it was', async () => {
    const dir = makeApp({
      packages: ['tsup-built'],
      files: { '.wrapt-hooksrc.json': { patches: { 'tsup-built': './patch.js' } }, 'patch.js': patch('tsup-built', 'greet') },
    });
    const { exports, problems } = await runStages(dir, {}, { target: 'tsup-built' });
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
    const dir = makeApp({
      packages: ['zod-like'],
      files: { '.wrapt-hooksrc.json': { patches: { 'zod-like': './patch.js' } }, 'patch.js': patch('zod-like', 'string') },
    });
    const { exports, problems } = await runStages(dir, {}, { target: 'zod-like' });
    assert.deepEqual(problems, []);
    assert.equal(exports.string(1), '<[object Object]>');
    assert.equal(exports.number(2).kind, 'number');
  });
});
