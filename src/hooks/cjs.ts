// The CommonJS side: one require-in-the-middle `Hook` for every target, and a dispatch from what
// it reports (a name and a package root) to the registry. Its whitelist is a live list
// (cjs-targets.ts) that grows as targets are registered, so one Hook serves every patch and the
// cost of a `require` does not grow with their number.
//
// Kept from require-in-the-middle as it is:
// - every `require()` and `process.getBuiltinModule()` passes through it, so a target that was
//   loaded before (by another preload, or by wrapt-hooks itself) fires at the application's first
//   `require` of it;
// - it keeps the patched exports on the module object in `require.cache`: after
//   `delete require.cache[file]` the next `require` evaluates the file again and the hook fires
//   for the new module object, which the registry takes as a new instance;
// - a package fires at its CommonJS entry point, and (`internals`) each file inside a target
//   package is reported by its path, which deep targets match exactly.
//
// Added around it: wrapt-hooks' own `require()` calls go beneath it, so they never count as the
// application importing a target; exports that a hook registered later replaced are what
// `require` returns (require-in-the-middle still holds what the first patches returned); and the
// in-thread ES module hooks are deregistered while an outermost `require()` runs (esm-first.ts).
import Module = require('node:module');
import { isBuiltin } from 'node:module';
import { join, sep } from 'node:path';
import { isModuleNamespaceObject } from 'node:util/types';
import { Hook, type OnRequireFn } from 'require-in-the-middle';
import { debug, debugEnabled } from '../debug';
import { matchRequired, requireMain } from '../core/match';
import type { Registry } from '../core/registry';
import { TargetList } from './cjs-targets';
import { outermostRequire } from './require-gate';

interface CjsModule {
  filename?: string;
  exports: unknown;
  loaded?: boolean;
}
type RequireFn = (this: CjsModule, id: string) => unknown;
type GetBuiltin = (id: string) => unknown;
type Cache = Record<string, CjsModule | undefined>;

export function installCjs(registry: Registry): void {
  // dist/, where all of wrapt-hooks' code runs from (the preload bundle, the library, the loader);
  // __dirname is absolute and normalized.
  const own = __dirname + sep;
  const isOwn = (module: CjsModule | undefined): boolean => typeof module?.filename === 'string' && module.filename.startsWith(own);
  const proto = Module.prototype as unknown as { require: RequireFn };
  const cache = require.cache as Cache;

  const targets = new TargetList();
  for (const target of registry.targets()) targets.addTarget(target);

  // Exports replaced by a patch that fired outside require-in-the-middle's hook (an API hook for a
  // module already loaded): old -> new, followed on the way out of `require`.
  const replaced = new WeakMap<object, unknown>();
  let anyReplaced = false;
  let dispatching = 0;
  registry.listen({
    newTarget: (target) => targets.addTarget(target),
    replaced: (before, after) => {
      if (dispatching !== 0 || !isObject(before)) return;
      replaced.set(before, after);
      anyReplaced = true;
    },
  });
  const current = (exports: unknown): unknown => {
    let value = exports;
    for (let hops = 0; hops < 32 && isObject(value) && replaced.has(value); hops++) value = replaced.get(value);
    return value;
  };

  if (debugEnabled) {
    for (const [filename, module] of Object.entries(cache)) {
      if (module !== undefined && module.loaded === true) noteEarly(registry, filename);
    }
  }

  const onRequire = (exports: unknown, name: string, baseDir: string | undefined): unknown => {
    dispatching++;
    try {
      return dispatch(registry, targets, cache, exports, name, baseDir);
    } finally {
      dispatching--;
    }
  };
  const beneath = proto.require;
  // The Hook installs itself on Module.prototype.require and process.getBuiltinModule.
  new Hook(targets, { internals: true }, onRequire as OnRequireFn);
  const hooked = proto.require;
  // Outermost require()s (none running beneath them) let the in-thread ES hooks step aside for
  // their duration (require-gate.ts, esm-first.ts).
  let depth = 0;
  proto.require = function require(this: CjsModule, id: string): unknown {
    const gate = depth === 0 ? outermostRequire.gate : undefined;
    const aside = gate !== undefined && gate.stepAside();
    depth++;
    try {
      if (isOwn(this)) {
        if (!debugEnabled) return Reflect.apply(beneath, this, arguments);
        const filename = resolveQuietly(this, id);
        const fresh = filename !== undefined && cache[filename] === undefined;
        const exports = Reflect.apply(beneath, this, arguments);
        if (fresh && filename !== undefined) noteEarly(registry, filename);
        return exports;
      }
      if (typeof id === 'string' && typeof this?.filename === 'string' && targets.skips(this.filename, id)) return Reflect.apply(beneath, this, arguments);
      const exports = Reflect.apply(hooked, this, arguments);
      return anyReplaced ? current(exports) : exports;
    } finally {
      depth--;
      if (aside) gate.stepBack();
    }
  };

  const getBuiltinModule = (process as { getBuiltinModule?: GetBuiltin }).getBuiltinModule;
  if (typeof getBuiltinModule === 'function') {
    (process as { getBuiltinModule?: GetBuiltin }).getBuiltinModule = function getBuiltinModule_(this: unknown): unknown {
      const exports = Reflect.apply(getBuiltinModule, this, arguments);
      return anyReplaced ? current(exports) : exports;
    };
    Object.defineProperty(process.getBuiltinModule, 'name', { value: 'getBuiltinModule' });
  }
}

/** From require-in-the-middle's (name, package root) to the registry: what `require` returns. */
function dispatch(registry: Registry, targets: TargetList, cache: Cache, exports: unknown, name: string, baseDir: string | undefined): unknown {
  if (baseDir === undefined) {
    if (!registry.builtins.has(name)) return exports;
    return registry.onLoad({ keys: [name], format: 'builtin', via: 'require', value: exports, builtin: name });
  }
  const filename = targets.fileFor(name, baseDir, (file) => cache[file] !== undefined) ?? packageFile(name, baseDir);
  if (filename === undefined) return exports;
  const keys = matchRequired(registry, filename);
  if (keys.length === 0) return exports;
  const module = cache[filename];
  const format = isModuleNamespaceObject(exports) ? 'module' : 'commonjs';
  const result = registry.onLoad({ keys, format, via: 'require', value: exports, filename, module });
  if (module !== undefined && result !== module.exports) module.exports = result;
  return result;
}

/** The file require-in-the-middle reported: a package's entry point (`name`) or a file inside it (`name` + sep + path). */
function packageFile(name: string, baseDir: string): string | undefined {
  if (baseDir.endsWith(sep + name)) return requireMain(name, baseDir);
  const afterScope = name.startsWith('@') ? name.indexOf(sep) + 1 : 0;
  const at = name.indexOf(sep, afterScope);
  return at === -1 ? undefined : join(baseDir, name.slice(at + 1));
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The file `id` names from `parent`, or undefined (builtins, and what does not resolve). */
function resolveQuietly(parent: CjsModule, id: string): string | undefined {
  if (isBuiltin(id)) return undefined;
  try {
    return (Module as unknown as { _resolveFilename(id: string, parent: unknown): string })._resolveFilename(id, parent);
  } catch {
    return undefined; // the require itself throws the error the caller sees
  }
}

/** Under WRAPT_HOOKS_DEBUG: a target loaded by someone other than the application fires at its first application require. */
function noteEarly(registry: Registry, filename: string): void {
  const keys = matchRequired(registry, filename);
  if (keys.length > 0) debug(`${filename}: loaded before the application asked for it; ${keys.join(', ')} will fire at its first require`);
}
