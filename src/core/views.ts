// The ES module views of a module instance (import-in-the-middle namespaces, a copy of a
// frozen require(esm) namespace, the CommonJS build under an ES module entry that re-exports
// it), kept in step with the canonical exports that patches change.
import { describeCause, warn } from '../errors';
import type { ModuleInfo } from '../types';
import { sep } from 'node:path';
import type { Instance, LoadEvent } from './registry-types';
import { isWrapped, makeWrapper } from '../wrap/wrappers';

/** What a view is synchronised from. */
export interface ModuleView {
  readonly name: string;
  readonly format: ModuleInfo['format'];
  exports: any;
}

/** Keeps an ESM view (import-in-the-middle namespace) in step with the canonical exports. */
export function syncView(instance: ModuleView, view: any): void {
  const canonical = instance.exports;
  if (view === canonical) return;
  try {
    if (instance.format !== 'module' && 'default' in view && view.default !== canonical) view.default = canonical;
    if ((typeof canonical !== 'object' && typeof canonical !== 'function') || canonical === null) return;
    for (const key of Object.keys(view)) {
      if (key === 'default' && instance.format !== 'module') continue;
      if (key === 'module.exports') {
        if (view[key] !== canonical) view[key] = canonical;
      } else {
        // Data properties only: reading an accessor could run a deprecation getter (fs.F_OK).
        const descriptor = findDataDescriptor(canonical, key);
        if (descriptor !== undefined && view[key] !== descriptor.value) view[key] = descriptor.value;
      }
    }
  } catch (error) {
    warn(
      'WRAPT_HOOKS_PATCH_FAILED',
      `could not update the ES module view of "${instance.name}": ${describeCause(error)}. ESM importers may see unpatched exports.`,
      error,
    );
  }
}

/**
 * Has `resync` run after each `module.syncBuiltinESMExports()`, once per thread. Node then
 * updates a builtin's own ES module facade from its `module.exports` (the usual way to mock `fs`
 * for ES code); an import-in-the-middle wrapper of the builtin holds bindings of its own, which
 * `resync` brings in step the same way.
 */
export function followBuiltinSync(resync: () => void): void {
  const nodeModule = require('node:module') as { syncBuiltinESMExports?: (...args: unknown[]) => unknown };
  const sync = nodeModule.syncBuiltinESMExports;
  if (typeof sync !== 'function' || isWrapped(sync)) return;
  nodeModule.syncBuiltinESMExports = makeWrapper(sync, (original, _instance, args) => {
    const result = original(...args);
    resync();
    return result;
  });
  // node:module's own ES facade then holds the wrapper too.
  sync();
}

/** A writable copy of a real module namespace (what `require(esm)` returns), for patches to change. */
export function mutableCopy(namespace: any): any {
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(namespace)) copy[key] = namespace[key];
  Object.defineProperty(copy, Symbol.toStringTag, { value: 'Module' });
  return copy;
}

function findDataDescriptor(object: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(o, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor : undefined;
  }
  return undefined;
}

/** Where the objects of a load event already are: an instance, or a loaded CommonJS module not seen yet. */
export interface Twin {
  readonly filename: string;
  readonly exports: object;
  readonly instance?: Instance;
}

/**
 * What `event` is another view of. A package whose ES module entry only re-exports its CommonJS
 * build (pg, ws) hands out the same objects through both, and a patch that wrapped
 * `Client.prototype.query` through one must not wrap it again through the other, whichever the
 * application loads first. Known by identity, within one package: the ES module's default export
 * is the CommonJS entry's `module.exports`, and no named export differs from the property of that
 * name. When the ES entry is imported first and its CommonJS entry is already in the cache (pg's
 * `import pg from '../lib/index.js'`), the CommonJS entry is the instance, as when it is required
 * first; when only the files behind it are (ws), the ES module is, and a later `require` of the
 * CommonJS entry joins it as one more view. Separate builds share no objects: two instances.
 */
export function twinOf(instances: Iterable<Instance>, event: LoadEvent, baseDir: string, isEntry: (filename: string) => boolean): Twin | undefined {
  const shared = event.via === 'require' ? event.value : defaultOf(event.value);
  if ((typeof shared !== 'object' && typeof shared !== 'function') || shared === null) return undefined;
  const esm = event.via === 'import' && event.format === 'module';
  if (esm && !reexports(event.value, shared)) return undefined;
  for (const other of instances) {
    if (other.baseDir !== baseDir || other.filename === undefined || other.filename === event.filename) continue;
    if (other.exports === shared || (other.format === 'module' && other.views.some((view) => defaultOf(view) === shared))) {
      return { filename: other.filename, exports: other.exports, instance: other };
    }
  }
  if (!esm) return undefined;
  const prefix = baseDir + sep;
  for (const [filename, cached] of Object.entries(require.cache)) {
    if (cached?.loaded === true && cached.exports === shared && filename.startsWith(prefix) && isEntry(filename)) return { filename, exports: shared };
  }
  return undefined;
}

/** No named export of `namespace` differs from the property of the same name on `shared`. */
function reexports(namespace: any, shared: any): boolean {
  for (const key of Object.keys(namespace)) {
    if (key === 'default') continue;
    const own = findDataDescriptor(shared, key);
    if (own !== undefined && own.value !== namespace[key]) return false;
  }
  return true;
}

/** The default export of a module namespace (or of an import-in-the-middle view of one). */
function defaultOf(namespace: any): unknown {
  if (namespace === null || typeof namespace !== 'object') return undefined;
  try {
    return namespace.default;
  } catch (error) {
    // An export still in its temporal dead zone (a cycle): not comparable yet, so not a twin.
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
}
