// One require-in-the-middle Hook for every target. Its module list is a live view of the
// registry: `includes` is an O(1) lookup, so the cost of a require does not grow with the
// number of patches, and targets registered later are matched without a second Hook.
import Module = require('node:module');
import { isAbsolute, resolve, sep } from 'node:path';
import { isModuleNamespaceObject } from 'node:util/types';
import { builtinName, deepKey, splitBare } from '../targets';
import type { Registry } from '../registry';

/**
 * require-in-the-middle asks `modules.includes(x)` with, in order: the resolved filename of
 * every non-builtin module it processes, then the request id, the package name and the
 * normalized `pkg/sub/path`. The filename is remembered here so that the callback, which
 * require-in-the-middle gives only a name and a base directory, knows the exact file.
 */
class TargetList extends Array<string> {
  lastFilename: string | undefined;
  /** Set while wrapt-hooks' own code requires something: that never counts as an import of a target. */
  internal = false;
  constructor(private readonly registry: Registry) {
    super();
  }
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  override includes(x: string): boolean {
    if (this.internal) return false;
    const registry = this.registry;
    if (isAbsolute(x)) {
      // The resolved filename is already in require.cache (require-in-the-middle loads the
      // module before it asks); an absolute request id without its extension is not.
      if (x in require.cache) this.lastFilename = x;
      return registry.files.has(x);
    }
    return registry.builtins.has(x) || registry.packages.has(x) || deepTarget(registry, x) !== undefined;
  }
}

/** The deep target (`pkg/lib/file`) a request id or require-in-the-middle module name names, if any. */
function deepTarget(registry: Registry, id: string): string | undefined {
  if (registry.deep.size === 0 || !id.includes('/')) return undefined;
  const { name, subpath } = splitBare(id);
  if (subpath === '') return undefined;
  const key = deepKey(name, subpath);
  return registry.deep.has(key) ? key : undefined;
}

export function installCjs(registry: Registry): void {
  // In the preload bundle (scripts/build.mjs), require-in-the-middle is inside with a no-op
  // `debug` (tty, supports-color: 4–11 ms of start-up); the library requires the package.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Hook } = require('require-in-the-middle') as typeof import('require-in-the-middle');
  const list = new TargetList(registry);
  const hook = new Hook(list, { internals: false }, (exports: any, name: string, baseDir?: string) => {
    if (baseDir === undefined) {
      const builtin = builtinName(name);
      if (builtin === undefined || !registry.builtins.has(builtin)) return exports;
      return registry.onLoad({ keys: [builtin], format: 'builtin', via: 'require', value: exports, builtin });
    }
    const filename = list.lastFilename;
    if (filename === undefined) return exports;
    // An application file; else the package main (require-in-the-middle decided); else a file inside a package.
    const key = registry.files.has(filename) ? filename : registry.packages.has(name) ? name : deepTarget(registry, name);
    if (key === undefined) return exports;
    const format = isModuleNamespaceObject(exports) ? 'module' : 'commonjs';
    return registry.onLoad({ keys: [key], format, via: 'require', value: exports, filename });
  });
  // require-in-the-middle answers later requires of a module it has seen from its own cache
  // (require-in-the-middle 8: `_cache.set(filename | builtin, exports, isBuiltin)`), so exports
  // replaced by a hook registered after that first require must be stored there too.
  const cache = (hook as unknown as { _cache?: { set(key: string, exports: unknown, builtin: boolean): void } })._cache;
  if (cache !== undefined && typeof cache.set === 'function') registry.onReplace = (key, builtin, exports) => cache.set(key, exports, builtin);
  markOwnRequires(list);
}

declare const WRAPT_HOOKS_BUNDLED: boolean | undefined;

/**
 * wrapt-hooks' own modules load lazily, some of them after the hook is installed (the library
 * that a patch requires, semver, a loader): what they require (`fs`, `path`, …) is not the
 * application importing a target, so it must neither fire a patch early nor use up the first
 * import that fires it. A thin layer over require-in-the-middle's `require` tells it so.
 */
function markOwnRequires(list: TargetList): void {
  // dist/, where all of wrapt-hooks' code runs from (the preload bundle, the library, the loader).
  const own = resolve(__dirname, typeof WRAPT_HOOKS_BUNDLED === 'boolean' ? '.' : '..') + sep;
  const proto = Module.prototype as unknown as { require: (this: { filename?: string }, id: string) => unknown };
  const hooked = proto.require;
  proto.require = function require(this: { filename?: string }, id: string): unknown {
    const filename = this?.filename;
    const previous = list.internal;
    list.internal = typeof filename === 'string' && filename.startsWith(own);
    try {
      return Reflect.apply(hooked, this, arguments);
    } finally {
      list.internal = previous;
    }
  };
}
