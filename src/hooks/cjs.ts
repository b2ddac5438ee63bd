// The CommonJS side: one interception for every target, with a cost that does not grow with the
// number of patches and is paid once per module *load*, not once per `require()` call.
//
// - Files (application files, package entry points, files inside packages) are caught in
//   `Module.prototype.load`, which Node calls once for each module it evaluates, whatever the
//   extension, with the filename already resolved. When the original returns, `module.exports`
//   is final: the registry fires the target's hooks and whatever a patch returned becomes the
//   module's exports, so `require.cache` and every later `require` agree. A cache hit never
//   comes here.
// - Builtins are never "loaded" that way; they are caught by their request id in
//   `Module.prototype.require` and `process.getBuiltinModule`: a Set lookup, no resolution.
//
// require-in-the-middle (what this replaced) wraps `require` and resolves every request again
// before it can say "not a target": 1.10–1.20× the start-up of an app of 1,000 modules on its
// own (bench/FINDINGS.md). Its semantics are kept: a package's hooks fire for its CommonJS entry
// point, a deep target (`pkg/lib/file`) for that file however it is reached, a target module
// already loaded fires at the application's first `require` of it, and what wrapt-hooks' own
// code requires never counts as the application importing a target.
import Module = require('node:module');
import { resolve, sep } from 'node:path';
import { isModuleNamespaceObject } from 'node:util/types';
import { debug } from '../debug';
import { builtinName } from '../core/targets';
import { matchRequired } from '../core/match';
import type { Registry } from '../core/registry';

interface CjsModule {
  filename?: string;
  exports: unknown;
  loaded?: boolean;
}
type RequireFn = (this: CjsModule, id: string) => unknown;
type LoadFn = (this: CjsModule, filename: string) => unknown;

export function installCjs(registry: Registry): void {
  // dist/, where all of wrapt-hooks' code runs from (the preload bundle, the library, the loader).
  const own = resolve(__dirname) + sep;
  const isOwn = (module: CjsModule | undefined): boolean => typeof module?.filename === 'string' && module.filename.startsWith(own);
  const proto = Module.prototype as unknown as { require: RequireFn; load: LoadFn };
  const builtins = registry.builtins;
  /**
   * Who asked for the module being loaded: set by `require()` and taken by the first module load
   * it causes. A load nobody required (the entry point, a CommonJS module that an ES module
   * imports) is the ESM side's business, as it was with require-in-the-middle; one that
   * wrapt-hooks' own code required is nobody's.
   */
  let request: 'none' | 'app' | 'own' = 'none';

  /** Fires the hooks of a target file that was loaded at an application's request; what `require` returns. */
  const fireFile = (module: CjsModule, filename: string, keys: string[]): unknown => {
    const format = isModuleNamespaceObject(module.exports) ? 'module' : 'commonjs';
    const exports = registry.onLoad({ keys, format, via: 'require', value: module.exports, filename });
    if (exports !== module.exports) module.exports = exports;
    return exports;
  };

  /**
   * Target modules loaded before the application asked for them: by wrapt-hooks itself (semver
   * for a `versions` range, say), or by a preload that ran before this one. A cached module never
   * passes through `load` again, so they are known by their exports, and fire when an
   * application `require` first returns them (as require-in-the-middle, which checks every
   * `require`, would have).
   */
  const early = new Map<unknown, { module: CjsModule; filename: string; keys: string[] }>();
  const loadedEarly = (module: CjsModule, filename: string, keys: string[]): void => {
    debug(`${filename}: loaded before the application asked for it; ${keys.join(', ')} will fire at its first require`);
    early.set(module.exports, { module, filename, keys });
  };
  for (const [filename, module] of Object.entries(require.cache)) {
    if (module === undefined || !module.loaded) continue;
    const keys = matchRequired(registry, filename);
    if (keys.length > 0) loadedEarly(module, filename, keys);
  }

  /** What an application's `require(id)` returns: builtins and early modules fire here. */
  const required = (id: unknown, exports: unknown): unknown => {
    if (early.size !== 0) {
      const entry = early.get(exports);
      if (entry !== undefined && entry.module.exports === exports) {
        early.delete(exports);
        return fireFile(entry.module, entry.filename, entry.keys);
      }
    }
    if (builtins.size === 0 || typeof id !== 'string') return exports;
    // Cheap test first: most requests name no builtin target.
    if (!builtins.has(id.startsWith('node:') ? id.slice(5) : id) && !builtins.has(id)) return exports;
    const name = builtinName(id);
    if (name === undefined || !builtins.has(name)) return exports;
    return registry.onLoad({ keys: [name], format: 'builtin', via: 'require', value: exports, builtin: name });
  };

  const originalRequire = proto.require;
  proto.require = function require(this: CjsModule, id: string): unknown {
    const own = isOwn(this);
    request = own ? 'own' : 'app';
    let exports: unknown;
    try {
      exports = Reflect.apply(originalRequire, this, arguments);
    } finally {
      request = 'none';
    }
    return own ? exports : required(id, exports);
  };

  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltinModule === 'function') {
    (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule = function getBuiltinModule_(this: unknown, id: string): unknown {
      const exports = Reflect.apply(getBuiltinModule, this, arguments);
      return exports === undefined ? exports : required(id, exports);
    };
    Object.defineProperty(process.getBuiltinModule, 'name', { value: 'getBuiltinModule' });
  }

  const originalLoad = proto.load;
  proto.load = function load(this: CjsModule, filename: string): unknown {
    const by = request;
    request = 'none'; // what this module requires in turn asks for itself
    const result = Reflect.apply(originalLoad, this, arguments);
    if (by === 'none' || typeof filename !== 'string') return result;
    const keys = matchRequired(registry, filename);
    if (keys.length === 0) return result;
    if (by === 'own') loadedEarly(this, filename, keys);
    else fireFile(this, filename, keys);
    return result;
  };
}
