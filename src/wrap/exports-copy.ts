// While a config patch or trace runs on a CommonJS module at its first load, nobody else holds
// the module's exports yet: a wrapper that cannot replace an export in place (a non-configurable
// getter, a read-only value) goes into a copy of the exports, which then replaces them, as
// exports returned by a patch do (docs/patches-and-api.md, "Where a wrapper goes"). The module
// registry opens the scope; wrapFunctionWrapper (patches.ts) makes the copy when it needs one.
import { globalSlot, KEYS } from '../global-state';

/** The exports a patch is running on, and the copy made of them, if any. */
export interface CopyScope {
  readonly exports: object;
  copy?: object;
}

// On globalThis: a patch may call the wrapFunctionWrapper of another installed copy of the library.
const state = globalSlot(KEYS.exportsCopy, (): { scope: CopyScope | undefined } => ({ scope: undefined }));

/** The scope of the patch running now, if it runs on a CommonJS module at its first load. */
export function copyScope(): CopyScope | undefined {
  return state.scope;
}

/** Runs `patch` in a copy scope for `exports`; returns its result and the copy made, if any. */
export function withExportsCopy<T>(exports: unknown, patch: () => T): { result: T; copy: object | undefined } {
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return { result: patch(), copy: undefined };
  const outer = state.scope;
  const mine: CopyScope = { exports };
  state.scope = mine;
  try {
    return { result: patch(), copy: mine.copy };
  } finally {
    state.scope = outer;
  }
}

/** A copy of `exports`: the same prototype and properties (getters as getters), each replaceable. */
export function copyExports(exports: object): object {
  const copy = Object.create(Object.getPrototypeOf(exports)) as object;
  for (const key of Reflect.ownKeys(exports)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(exports, key)!;
    Object.defineProperty(copy, key, { ...descriptor, configurable: true });
  }
  return copy;
}
