'use strict';
// Prototypes of src/wrappers.ts makeWrapper, measured against the shipped one (bench only; the
// library is not changed from here). Each keeps the contract of §5:
//   - `wrapped(...args)` calls the original with the call's `this` (also when the wrapper calls
//     it later, after an await or from a callback: nothing here depends on a shared "current this");
//   - `new wrapper()` constructs with the same new.target, `instance` undefined;
//   - `instance` is the call's `this`.
// What differs between them is only how the `wrapped` callable for a method call is made.

const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const bind = Function.prototype.bind;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `split`: the shipped shape, with the rare paths (new, plain call) moved out of the hot
 * function, which then holds only the method-call path: small enough for TurboFan to inline
 * the wrapper and the `wrapped` closure into the caller, so escape analysis can remove the closure.
 */
function split(original, wrapper) {
  const callPlain = (...args) => ReflectApply(original, undefined, args);
  const construct = (args, newTarget) => wrapper((...a) => ReflectConstruct(original, a, newTarget), undefined, args);
  let wrapped;
  if (hasOwn.call(original, 'prototype')) {
    wrapped = function (...args) {
      if (new.target !== undefined) return construct(args, new.target);
      const self = this;
      if (self === undefined) return wrapper(callPlain, undefined, args);
      return wrapper((...a) => ReflectApply(original, self, a), self, args);
    };
    wrapped.prototype = original.prototype;
  } else {
    wrapped = {
      wrapped(...args) {
        const self = this;
        if (self === undefined) return wrapper(callPlain, undefined, args);
        return wrapper((...a) => ReflectApply(original, self, a), self, args);
      },
    }.wrapped;
  }
  return wrapped;
}

/** `bind`: `wrapped` for a method call is `original.bind(this)` (a bound function, V8-native, no closure). */
function bound(original, wrapper) {
  const callPlain = (...args) => ReflectApply(original, undefined, args);
  const body = {
    wrapped(...args) {
      const self = this;
      if (self === undefined) return wrapper(callPlain, undefined, args);
      return wrapper(ReflectApply(bind, original, [self]), self, args);
    },
  }.wrapped;
  return body;
}

/**
 * `cache1`: the method-call closure is reused while `this` stays the same object (a one-entry
 * cache). The closure only captures `self`, so reusing it is indistinguishable from making it
 * again — except that the wrapper sees the same function object on two calls with the same
 * `this`, and the last `this` is kept alive until the next call with another one.
 */
function cache1(original, wrapper) {
  const callPlain = (...args) => ReflectApply(original, undefined, args);
  let lastSelf;
  let lastCall;
  return {
    wrapped(...args) {
      const self = this;
      if (self === undefined) return wrapper(callPlain, undefined, args);
      if (self !== lastSelf) {
        lastSelf = self;
        lastCall = (...a) => ReflectApply(original, self, a);
      }
      return wrapper(lastCall, self, args);
    },
  }.wrapped;
}

/** `arguments`: the per-call closure is a plain function forwarding `arguments` (no rest array). */
function argumentsFn(original, wrapper) {
  const callPlain = function () {
    return ReflectApply(original, undefined, arguments);
  };
  return {
    wrapped(...args) {
      const self = this;
      if (self === undefined) return wrapper(callPlain, undefined, args);
      return wrapper(
        function () {
          return ReflectApply(original, self, arguments);
        },
        self,
        args,
      );
    },
  }.wrapped;
}

/** `plainOriginal`: for plain calls (`this === undefined`) hand the wrapper the original itself. */
function plainOriginal(original, wrapper) {
  return {
    wrapped(...args) {
      const self = this;
      if (self === undefined) return wrapper(original, undefined, args);
      return wrapper((...a) => ReflectApply(original, self, a), self, args);
    },
  }.wrapped;
}

/**
 * `compiled`: the shipped shape, but each wrapper gets its own code (`new Function` with a unique
 * source), so V8 keeps type feedback per wrapper: the call to `wrapper` stays monomorphic however
 * many functions a process wraps, and can be inlined. Costs a compile per wrap (tens of µs);
 * needs a fallback where code generation from strings is disallowed.
 */
let compiledId = 0;
function compiled(original, wrapper) {
  const make = new Function(
    'original',
    'wrapper',
    'ReflectApply',
    `// wrapt-hooks wrapper ${compiledId++}
    'use strict';
    const callPlain = (...a) => ReflectApply(original, undefined, a);
    return {
      wrapped(...args) {
        const self = this;
        if (self === undefined) return wrapper(callPlain, undefined, args);
        return wrapper((...a) => ReflectApply(original, self, a), self, args);
      },
    }.wrapped;`,
  );
  return make(original, wrapper, ReflectApply);
}

module.exports = { split, bound, cache1, argumentsFn, plainOriginal, compiled };
