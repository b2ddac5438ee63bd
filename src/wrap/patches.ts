// Where a wrapper goes: resolving dotted paths and replacing properties in place.
import { WraptHooksError } from '../errors';
import { describe, getOriginal, isWrapped, makeWrapper } from './wrappers';
import type { Wrapper } from '../types';

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
  let parent: any = target;
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
  const wrapped = makeWrapper(original, wrapper);
  replaceProperty(parent, attribute, wrapped, path, 'wrapFunctionWrapper');
  return wrapped as T;
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
  if (!isWrapped(current)) return false;
  replaceProperty(parent, attribute, getOriginal(current), path, 'unwrap');
  return true;
}

/** A property replaced while a `recordReplacements` call ran: what it was, and what was put there. */
export interface Replacement {
  readonly parent: object;
  readonly attribute: string;
  /** The own property before, undefined when it was inherited or absent. */
  readonly before: PropertyDescriptor | undefined;
  readonly value: unknown;
}

let recorder: ((replacement: Replacement) => void) | undefined;

/**
 * Runs `fn` and hands `record` every property that wrapFunctionWrapper, wrapObject and unwrap
 * replace meanwhile, so that they can be put back (`wrapt-hooks attach` undoes what it added).
 */
export function recordReplacements<T>(record: (replacement: Replacement) => void, fn: () => T): T {
  const previous = recorder;
  recorder = record;
  try {
    return fn();
  } finally {
    recorder = previous;
  }
}

/** Puts back a recorded property if it still holds what was put there; false when something replaced it since. */
export function restoreReplacement(replacement: Replacement): boolean {
  const { parent, attribute, before, value } = replacement;
  const now = Reflect.getOwnPropertyDescriptor(parent, attribute);
  if (now === undefined || !('value' in now) || now.value !== value) return false;
  if (before === undefined) return Reflect.deleteProperty(parent, attribute);
  if (Reflect.defineProperty(parent, attribute, before)) return true;
  // A namespace proxy or a non-configurable property: assignment is what replaced it.
  try {
    (parent as Record<string, unknown>)[attribute] = before.value;
  } catch {
    return false;
  }
  return (parent as Record<string, unknown>)[attribute] === before.value;
}

/**
 * Sets `parent[attribute] = value` keeping the property's enumerability, through the
 * namespace proxies patches receive, on class prototypes (where the method may be inherited)
 * and on accessors; a frozen or read-only property is a WraptHooksError naming the path.
 */
export function replaceProperty(parent: any, attribute: string, value: unknown, path: string, caller: string): void {
  const own = Reflect.getOwnPropertyDescriptor(parent, attribute);
  setProperty(parent, attribute, value, path, caller, own);
  recorder?.({ parent, attribute, before: own, value });
}

function setProperty(parent: any, attribute: string, value: unknown, path: string, caller: string, own: PropertyDescriptor | undefined): void {
  const readOnly = (reason: string, cause?: unknown): WraptHooksError =>
    new WraptHooksError(
      'WRAPT_HOOKS_READ_ONLY',
      `${caller}: cannot replace "${path}": ${reason}. Patch it before the object is frozen, or patch the code that uses it instead.`,
      cause === undefined ? undefined : { cause },
    );
  if (own !== undefined && !own.configurable && !(own.writable === true)) {
    throw readOnly('the property is frozen or non-configurable and read-only');
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
