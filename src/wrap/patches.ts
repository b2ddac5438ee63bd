// Where a wrapper goes: resolving dotted paths and replacing properties in place; where a
// property cannot be replaced, wrapping it where its getter reads from, or in a copy of a
// CommonJS module's exports at its first load (docs/patches-and-api.md, "Where a wrapper goes").
import { debug } from '../debug';
import { WraptHooksError } from '../errors';
import { copyExports, copyScope } from './exports-copy';
import { describe, getOriginal, isWrapped, makeWrapper } from './wrappers';
import type { Wrapper } from '../types';

type AnyFunction = (...args: unknown[]) => unknown;

/** Splits a dotted path ("Server.prototype.listen") into its parts, refusing empty parts and `__proto__`. */
export function splitPath(path: string, caller: string): string[] {
  if (typeof path !== 'string' || path === '') {
    throw new WraptHooksError(
      'WRAPT_HOOKS_INVALID_ARGUMENT',
      `${caller}: the path must be a non-empty string like "Server.prototype.listen", got ${JSON.stringify(path) ?? typeof path}.`,
    );
  }
  const parts = path.split('.');
  for (const part of parts) {
    if (part === '' || part === '__proto__') {
      throw new WraptHooksError(
        'WRAPT_HOOKS_INVALID_ARGUMENT',
        `${caller}: invalid path "${path}": each dot-separated part must be a property name (not empty, not "__proto__").`,
      );
    }
  }
  return parts;
}

/** Returns `[parent, attribute, original]` for `target` and the dotted `path`. */
export function resolvePath(target: unknown, path: string): [parent: any, attribute: string, original: any] {
  return resolveIn(target, path, 'resolvePath');
}

function resolveIn(target: unknown, path: string, caller: string): [any, string, any] {
  const parts = splitPath(path, caller);
  // Once a copy of the exports holds a wrapper, the rest of the patch works on the copy.
  const scope = copyScope();
  let parent: any = scope?.copy !== undefined && target === scope.exports ? scope.copy : target;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isObjectLike(parent)) break;
    parent = parent[parts[i]!];
  }
  if (!isObjectLike(parent)) {
    const walked = parts.slice(0, -1).join('.');
    throw new WraptHooksError(
      'WRAPT_HOOKS_PATH_NOT_FOUND',
      `${caller}: cannot resolve "${path}": ${walked === '' ? 'the target' : `"${walked}"`} is ${describe(parent)}, not an object. Check the path against the module's exports.`,
    );
  }
  const attribute = parts[parts.length - 1]!;
  return [parent, attribute, parent[attribute]];
}

/** Replaces `target[path]` with a wrapper around the function there, and returns the wrapper. */
export function wrapFunctionWrapper<T = any>(target: unknown, path: string, wrapper: Wrapper): T {
  if (typeof wrapper !== 'function') {
    throw new WraptHooksError('WRAPT_HOOKS_INVALID_ARGUMENT', `wrapFunctionWrapper: the wrapper for "${path}" must be a function, got ${describe(wrapper)}.`);
  }
  const [parent, attribute, original] = resolveIn(target, path, 'wrapFunctionWrapper');
  if (typeof original !== 'function') {
    throw new WraptHooksError(
      'WRAPT_HOOKS_NOT_A_FUNCTION',
      `wrapFunctionWrapper: "${path}" is ${describe(original)}, not a function. Check the path against the module's exports.`,
    );
  }
  const own = Reflect.getOwnPropertyDescriptor(parent, attribute);
  if (own !== undefined && own.configurable === true && typeof own.get === 'function') return wrapAccessor(parent, attribute, own, original, wrapper) as T;
  const wrapped = makeWrapper(original, wrapper);
  if (own !== undefined && own.configurable !== true && (own.get !== undefined || own.set !== undefined || own.writable !== true)) {
    placeElsewhere(parent, attribute, own, original, wrapped, path);
  } else {
    replaceProperty(parent, attribute, wrapped, path, 'wrapFunctionWrapper');
  }
  return wrapped as T;
}

// The getters wrapAccessor defines, each with the descriptor it replaced (for unwrap).
const accessors = new WeakMap<object, PropertyDescriptor>();

/**
 * A configurable accessor (a lazy getter) stays an accessor: its getter returns the wrapper of
 * whatever the original getter returns now, the same wrapper while that function is the same,
 * so a later change is still seen and wrapped. A getter that replaces itself with a data
 * property (lazy loading) has that property hold the wrapper.
 */
function wrapAccessor(parent: any, attribute: string, own: PropertyDescriptor, first: AnyFunction, wrapper: Wrapper): AnyFunction {
  const get = own.get!;
  let seen: unknown = first;
  let made = makeWrapper(first, wrapper);
  const wrapping = (value: unknown): unknown => {
    if (typeof value !== 'function' || value === made) return value;
    if (value !== seen) {
      seen = value;
      made = makeWrapper(value as AnyFunction, wrapper);
    }
    return made;
  };
  const getter = function (this: unknown): unknown {
    const value = wrapping(Reflect.apply(get, this, []));
    const now = Reflect.getOwnPropertyDescriptor(parent, attribute);
    if (now !== undefined && 'value' in now && now.value === seen && typeof seen === 'function' && now.writable === true) parent[attribute] = made;
    return value;
  };
  accessors.set(getter, own);
  Object.defineProperty(parent, attribute, { ...own, get: getter, configurable: true });
  return made;
}

/**
 * A property that cannot be replaced in place (a non-configurable getter, a non-writable
 * non-configurable value) gets the wrapper where the function can be replaced: in the loaded
 * module whose exports hold the same function as a replaceable property, when the getter reads
 * from there (TypeScript's compiled re-exports), or else in a copy of the exports of a CommonJS
 * module at its first load (esbuild's `__export` getters, zod's read-only exports).
 */
function placeElsewhere(parent: any, attribute: string, own: PropertyDescriptor, original: AnyFunction, wrapped: AnyFunction, path: string): void {
  if (own.get !== undefined) {
    const source = wrapAtSource(parent, attribute, original, wrapped);
    if (source !== undefined) {
      debug(`wrapFunctionWrapper: "${path}" is a getter that cannot be replaced; wrapped where it reads from, ${source}`);
      return;
    }
  }
  const scope = copyScope();
  if (scope !== undefined && (parent === scope.exports || parent === scope.copy)) {
    const copy = (scope.copy ??= copyExports(scope.exports));
    Object.defineProperty(copy, attribute, { value: wrapped, writable: true, enumerable: own.enumerable === true, configurable: true });
    debug(
      `wrapFunctionWrapper: "${path}" cannot be replaced in place (${own.get !== undefined ? 'a non-configurable getter' : 'non-writable and non-configurable'}); the module's exports are replaced by a copy holding the wrapper`,
    );
    return;
  }
  const reason =
    own.get !== undefined
      ? 'it is a non-configurable getter (a compiled re-export) and no loaded module holds the function it returns as a replaceable property'
      : 'the property is frozen or non-configurable and read-only';
  throw new WraptHooksError(
    'WRAPT_HOOKS_READ_ONLY',
    `wrapFunctionWrapper: cannot replace "${path}": ${reason}. Patch it before the object is frozen, or patch the code that uses it instead.`,
  );
}

/** Wraps `original` in the module whose exports hold it as a replaceable property read by the getter at `parent[attribute]`; names that module. */
function wrapAtSource(parent: any, attribute: string, original: AnyFunction, wrapped: AnyFunction): string | undefined {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (cache === undefined) return undefined;
  for (const [filename, entry] of Object.entries(cache)) {
    const exports: unknown = entry?.exports;
    if (exports === parent || !isObjectLike(exports)) continue;
    // The same name first: a re-export keeps it, and checking it costs one lookup per module.
    const keys = Object.prototype.hasOwnProperty.call(exports, attribute) ? [attribute, ...Object.keys(exports)] : Object.keys(exports);
    for (const key of keys) {
      const descriptor = Reflect.getOwnPropertyDescriptor(exports, key);
      if (descriptor === undefined || descriptor.value !== original || !(descriptor.writable === true || descriptor.configurable === true)) continue;
      Object.defineProperty(exports, key, { ...descriptor, value: wrapped });
      if (parent[attribute] === wrapped) return `${filename} ("${key}")`;
      Object.defineProperty(exports, key, descriptor);
    }
  }
  return undefined;
}

/** Replaces `target[path]` with `factory(original, ...args)` and returns the new value. */
export function wrapObject<T = any>(target: unknown, path: string, factory: (original: any, ...args: any[]) => T, ...args: unknown[]): T {
  if (typeof factory !== 'function') {
    throw new WraptHooksError('WRAPT_HOOKS_INVALID_ARGUMENT', `wrapObject: the factory for "${path}" must be a function, got ${describe(factory)}.`);
  }
  const [parent, attribute, original] = resolveIn(target, path, 'wrapObject');
  const value = factory(original, ...args);
  replaceProperty(parent, attribute, value, path, 'wrapObject');
  return value;
}

/** Removes the outermost wrapper at `target[path]`; returns false when there is none. */
export function unwrap(target: unknown, path: string): boolean {
  const [parent, attribute, current] = resolveIn(target, path, 'unwrap');
  const own = Reflect.getOwnPropertyDescriptor(parent, attribute);
  const replaced = own?.get === undefined ? undefined : accessors.get(own.get);
  if (replaced !== undefined) {
    Object.defineProperty(parent, attribute, replaced);
    return true;
  }
  if (!isWrapped(current)) return false;
  replaceProperty(parent, attribute, getOriginal(current), path, 'unwrap');
  return true;
}

/**
 * Sets `parent[attribute] = value` keeping the property's enumerability, through the
 * namespace proxies patches receive, on class prototypes (where the method may be inherited)
 * and on accessors; a frozen or read-only property is a WraptHooksError naming the path.
 */
export function replaceProperty(parent: any, attribute: string, value: unknown, path: string, caller: string): void {
  const own = Reflect.getOwnPropertyDescriptor(parent, attribute);
  const readOnly = (reason: string, cause?: unknown): WraptHooksError =>
    new WraptHooksError(
      'WRAPT_HOOKS_READ_ONLY',
      `${caller}: cannot replace "${path}": ${reason}. Patch it before the object is frozen, or patch the code that uses it instead.`,
      cause === undefined ? undefined : { cause },
    );
  if (own !== undefined && !own.configurable && !(own.writable === true)) {
    throw readOnly('the property is frozen or non-configurable and read-only');
  }
  if (own !== undefined && 'value' in own && own.writable !== true) {
    // Configurable but read-only (Node 20's zlib.createGzip): assignment throws, a definition does not.
    Object.defineProperty(parent, attribute, { ...own, value });
    return;
  }
  if (own === undefined || !('value' in own)) {
    // Inherited (e.g. a method on a base class prototype) or an accessor: define an own data property.
    if (own === undefined && !Object.isExtensible(parent)) throw readOnly('the object is frozen or not extensible');
    const inherited = own ?? findDescriptor(Object.getPrototypeOf(parent), attribute);
    try {
      Object.defineProperty(parent, attribute, {
        value,
        writable: true,
        enumerable: inherited === undefined ? true : inherited.enumerable === true,
        configurable: true,
      });
    } catch (error) {
      throw readOnly('the object refused the new property', error);
    }
    return;
  }
  try {
    parent[attribute] = value;
  } catch (error) {
    throw readOnly('assignment was refused (a read-only ES module namespace or a proxy)', error);
  }
  if (parent[attribute] !== value) throw readOnly('assignment had no effect');
}

function findDescriptor(object: unknown, attribute: string): PropertyDescriptor | undefined {
  for (let o = object; isObjectLike(o); o = Object.getPrototypeOf(o)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(o, attribute);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

function isObjectLike(value: unknown): value is Record<string, any> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
