// Modules inside a bundle built with the esbuild plugin, as the registry sees them: each target
// module the bundle evaluates is a module instance (one per bundle evaluation), with the package
// details the plugin found at build time, since there is no package.json beside a bundle to read.
import type { Registry } from './registry';

/** A bundled target module, as the plugin describes it (bundlers/protocol.ts BundledModule). */
export interface BundledModule {
  /** The target keys it matches. */
  readonly keys: readonly string[];
  readonly name: string;
  readonly version?: string;
  readonly baseDir?: string;
  /** The file at build time. */
  readonly filename: string;
  readonly format: 'commonjs' | 'module';
}

/** The rebindable exports of a bundled ES module: name -> [get, set]. */
export type Bindings = Record<string, readonly [get: () => unknown, set: (value: unknown) => void]>;

/**
 * A bundled target module was evaluated: fires its hooks once for this instance and returns
 * what its importers receive (the CommonJS exports, perhaps replaced by a patch; for an ES
 * module, its namespace, whose bindings the patches may have rebound).
 */
export function bundledLoad(registry: Registry, bundle: number, module: BundledModule, value: unknown, bindings: Bindings | undefined): unknown {
  const bundled = { instance: `bundle ${bundle} ${module.filename}`, name: module.name, baseDir: module.baseDir, version: module.version };
  if (module.format === 'module') {
    const view = namespaceView(value as object, bindings ?? {});
    registry.onLoad({ keys: module.keys, format: 'module', via: 'import', value: view, filename: module.filename, bundled });
    return value;
  }
  return registry.onLoad({ keys: module.keys, format: 'commonjs', via: 'require', value, filename: module.filename, bundled });
}

/**
 * What a patch receives for a bundled ES module: a namespace whose existing exports can be
 * reassigned (`ns.fn = wrapped` rebinds the proxy's export, which every importer in the bundle
 * reads), as import-in-the-middle's namespace does unbundled. Names without a binding read
 * through and cannot be rebound; keys that are not exports are ignored.
 */
export function namespaceView(namespace: object, bindings: Bindings): object {
  const source = namespace as Record<string | symbol, unknown>;
  const bound = (key: string | symbol): key is string => typeof key === 'string' && Object.prototype.hasOwnProperty.call(bindings, key);
  const has = (key: string | symbol): boolean => bound(key) || (typeof key === 'string' && key in source);
  const read = (key: string | symbol): unknown => (bound(key) ? bindings[key]![0]() : key === Symbol.toStringTag ? 'Module' : source[key]);
  const write = (key: string | symbol, value: unknown): boolean => {
    if (bound(key)) bindings[key]![1](value);
    return true;
  };
  return new Proxy(Object.create(null) as object, {
    get: (_target, key) => read(key),
    set: (_target, key, value) => write(key, value),
    has: (_target, key) => has(key),
    ownKeys: () => [...new Set([...Object.keys(source), ...Object.keys(bindings)])].sort(),
    getOwnPropertyDescriptor: (_target, key) => (has(key) ? { value: read(key), writable: true, enumerable: true, configurable: true } : undefined),
    defineProperty: (_target, key, descriptor) => {
      if (!('value' in descriptor)) throw new TypeError(`cannot define a getter or setter for the export "${String(key)}": assign a value instead`);
      return write(key, descriptor.value);
    },
    deleteProperty: () => false,
  });
}
