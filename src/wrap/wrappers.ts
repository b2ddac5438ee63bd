// How a call is wrapped. Knows nothing of modules or imports.
import { WraptHooksError } from '../errors';
import { globalSlot, KEYS } from '../global-state';
import type { Wrapper } from '../types';

type AnyFunction = (...args: unknown[]) => unknown;

// One brand table per thread, shared by every copy of the library, so that a wrapper made by
// one installed copy is recognised by another. A WeakMap keeps the brand invisible: a wrapper
// has no extra own property.
const originals = globalSlot(KEYS.originals, () => new WeakMap<object, AnyFunction>());

const SKIP = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller']);

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
  // `wrapped` for plain calls (`this === undefined`) is made once; method calls bind their `this`.
  const callPlain = (...args: unknown[]): unknown => Reflect.apply(original, undefined, args);
  let wrapped: AnyFunction;
  if (Object.prototype.hasOwnProperty.call(original, 'prototype')) {
    // Constructible originals (functions, classes): a constructible wrapper.
    wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (new.target !== undefined) {
        const newTarget = new.target;
        return wrapper((...a: unknown[]) => Reflect.construct(original, a, newTarget), undefined, args);
      }
      if (this === undefined) return wrapper(callPlain, undefined, args);
      const self = this;
      return wrapper((...a: unknown[]) => Reflect.apply(original, self, a), self, args);
    };
    (wrapped as { prototype: unknown }).prototype = original.prototype;
  } else {
    // Arrow functions, methods, async functions: no prototype, not constructible, like the original.
    wrapped = {
      wrapped(this: unknown, ...args: unknown[]): unknown {
        if (this === undefined) return wrapper(callPlain, undefined, args);
        const self = this;
        return wrapper((...a: unknown[]) => Reflect.apply(original, self, a), self, args);
      },
    }.wrapped;
  }
  copyIdentity(original, wrapped);
  originals.set(wrapped, original);
  return wrapped;
}

/** Gives `wrapped` the original's name, length, [[Prototype]] and own properties. */
function copyIdentity(original: AnyFunction, wrapped: AnyFunction): void {
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  // Static inheritance (`class B extends A`: B's [[Prototype]] is A) keeps working.
  Object.setPrototypeOf(wrapped, Object.getPrototypeOf(original));
  for (const key of Reflect.ownKeys(original)) {
    if (SKIP.has(key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) Object.defineProperty(wrapped, key, descriptor);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return typeof value;
}
