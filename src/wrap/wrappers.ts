// How a call is wrapped. Knows nothing of modules or imports.
//
// A wrapper is the original seen through (docs/patches-and-api.md, "What a wrapper is"): its
// [[Prototype]] is the original, so a property the original gains later (ws's
// `toBuffer.readOnly`, set at each call) reads the same through the wrapper, and each own
// property the original has when it is wrapped is an accessor on the wrapper that reads and
// writes the original's, so a static counter or a cache written through the wrapper is one
// state. Nothing of this runs on a call: a call costs what a plain function wrapper costs
// (a Proxy would cost its trap on every call).
import { WraptHooksError } from '../errors';
import { globalSlot, KEYS } from '../global-state';
import type { Wrapper } from '../types';

type AnyFunction = (...args: unknown[]) => unknown;

// One brand table per thread, shared by every copy of the library, so that a wrapper made by
// one installed copy is recognised by another. A WeakMap keeps the brand invisible: a wrapper
// has no extra own property.
const originals = globalSlot(KEYS.originals, () => new WeakMap<object, AnyFunction>());

/** Is `fn` a wrapper made by this library? */
export function isWrapped(fn: unknown): boolean {
  return (typeof fn === 'function' || (typeof fn === 'object' && fn !== null)) && originals.has(fn);
}

/** The function underneath a wrapper (one layer), or `fn` itself when it is not a wrapper. */
export function getOriginal<T>(fn: T): T {
  if ((typeof fn === 'function' || (typeof fn === 'object' && fn !== null)) && originals.has(fn)) {
    return originals.get(fn) as T;
  }
  return fn;
}

/** Returns `(fn) => wrappedFn`, applying `wrapper` to each function it is given. */
export function functionWrapper(wrapper: Wrapper): <F extends (...args: never[]) => unknown>(fn: F) => F {
  if (typeof wrapper !== 'function') {
    throw new WraptHooksError('WRAPT_HOOKS_INVALID_ARGUMENT', `functionWrapper: the wrapper must be a function, got ${typeof wrapper}.`);
  }
  return <F extends (...args: never[]) => unknown>(fn: F): F => {
    if (typeof fn !== 'function') {
      throw new WraptHooksError('WRAPT_HOOKS_NOT_A_FUNCTION', `functionWrapper: can only wrap a function, got ${describe(fn)}.`);
    }
    return makeWrapper(fn as unknown as AnyFunction, wrapper) as unknown as F;
  };
}

/** Builds the wrapper function around `original`. */
export function makeWrapper(original: AnyFunction, wrapper: Wrapper): AnyFunction {
  const wrapped = build(original, wrapper);
  forwardIdentity(original, wrapped);
  originals.set(wrapped, original);
  return wrapped;
}

// Function.prototype.call as it is when this module loads (a later patch of it changes nothing
// here); its `bind` is read at each call, which is what V8 folds.
const { call } = Function.prototype;

/**
 * The wrapper function. Each call hands the wrapper `call.bind(original, this)`: a bound function
 * that calls the original with this call's receiver, so a `wrapped` kept for later calls with its
 * own receiver. When V8 inlines the wrapper into the caller, it folds `Function.prototype.bind`
 * and the call through the bound function into a direct call of the original and allocates
 * nothing, whatever the original's size; a wrapper that is not inlined gets a new bound function
 * per call, beside the `args` array such a call allocates anyway. Keep it in this form: a closure made per call
 * (`(...a) => Reflect.apply(original, this, a)`) is not optimized away when the original is too
 * big to inline, and a closure cached per receiver (the last receiver and its closure in the
 * wrapper's context) costs a test and two loads on every call, and leaves V8's optimized caller
 * with more to keep across the call (bench/FINDINGS.md, "A wrapped call"). `bind` must be read
 * from the intrinsic `call` with a property access: V8 folds `x.bind(...)`, not `bind.call(x, ...)`
 * nor `Reflect.apply(bind, ...)`.
 */
function build(original: AnyFunction, wrapper: Wrapper): AnyFunction {
  // A local never assigned again: V8 reads it in `wrapped` as a constant, which the fold needs (the
  // module's own `call` is a mutable `var` in the bundle, where esbuild defers module bodies).
  const intrinsicCall = call;
  if (isConstructor(original)) {
    // Constructible originals (functions, classes, bound constructors): a constructible wrapper.
    // `new wrapper()` constructs the original as `new original()` would (its new.target is the
    // original, and a bound original reaches its target); a subclass's `super()` passes its own.
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (new.target !== undefined) {
        const newTarget = new.target === wrapped ? original : new.target;
        return wrapper((...a: unknown[]) => Reflect.construct(original, a, newTarget), undefined, args);
      }
      return wrapper(intrinsicCall.bind(original, this) as AnyFunction, this, args);
    };
    return wrapped;
  }
  // Arrow functions, methods, async functions: no prototype, not constructible, like the original.
  return {
    wrapped(this: unknown, ...args: unknown[]): unknown {
      return wrapper(intrinsicCall.bind(original, this) as AnyFunction, this, args);
    },
  }.wrapped;
}

/** Can `fn` be called with `new`? Asked without calling it (only its `prototype` is read). */
function isConstructor(fn: AnyFunction): boolean {
  try {
    Reflect.construct(Object, [], fn);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `wrapped` read and write through to `original`: [[Prototype]] the original (what it has
 * or gains and the wrapper has not resolves there, live), and each own property of the original
 * an own property of the wrapper of the same name and enumerability: accessors as they are (the
 * same get and set functions), data properties as accessors reading and writing the original's
 * (no setter where the original's is read-only, so a write fails the same way).
 */
function forwardIdentity(original: AnyFunction, wrapped: AnyFunction): void {
  for (const key of Reflect.ownKeys(original)) {
    // Sloppy functions' `arguments` and `caller` are the function's own, not state.
    if (key === 'arguments' || key === 'caller') continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(original, key);
    if (descriptor === undefined) continue;
    if (key === 'prototype') {
      // A function's own `prototype` cannot become an accessor: the same object, as a value.
      if (Object.prototype.hasOwnProperty.call(wrapped, 'prototype')) (wrapped as { prototype: unknown }).prototype = descriptor.value;
      continue;
    }
    if (!('value' in descriptor)) {
      Object.defineProperty(wrapped, key, { ...descriptor, configurable: true });
      continue;
    }
    const forward: PropertyDescriptor = {
      get: () => (original as unknown as Record<PropertyKey, unknown>)[key],
      enumerable: descriptor.enumerable === true,
      configurable: true,
    };
    if (descriptor.writable === true) {
      forward.set = (value: unknown): void => {
        (original as unknown as Record<PropertyKey, unknown>)[key] = value;
      };
    }
    Object.defineProperty(wrapped, key, forward);
  }
  if (!Object.prototype.hasOwnProperty.call(original, 'prototype') && Object.prototype.hasOwnProperty.call(wrapped, 'prototype')) {
    // A bound constructor has no `prototype` of its own: `instanceof` asks the original.
    Object.defineProperty(wrapped, 'prototype', { value: undefined });
    Object.defineProperty(wrapped, Symbol.hasInstance, { value: (value: unknown) => value instanceof original, configurable: true });
  }
  Object.setPrototypeOf(wrapped, original);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return typeof value;
}
