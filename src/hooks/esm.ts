// import-in-the-middle, restricted to the target modules. Every Node-version branch of the
// project lives in `esmMode()` below.
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinName, type Target } from '../targets';
import { completeWrapper } from './esm-wrapper';
import type { Format, Registry } from '../registry';

export type EsmMode = 'sync' | 'async' | 'none';

interface ModuleApi {
  registerHooks?: (hooks: { resolve?: ResolveHook; load?: LoadHook }) => unknown;
  register?: (specifier: string, parentURL: string, options?: object) => void;
}
type ResolveResult = { url: string; format?: string | null | undefined };
type ResolveHook = (specifier: string, context: object, next: (specifier: string, context?: object) => ResolveResult) => ResolveResult;
type LoadResult = { format?: string | null | undefined; source?: string | ArrayBuffer | ArrayBufferView | null | undefined };
type LoadHook = (url: string, context: object, next: (url: string, context?: object) => LoadResult) => LoadResult;

/**
 * How ESM is hooked on this Node: `sync` — in-thread `module.registerHooks` (Node >= 22.22.3,
 * >= 24.11.1, 25.1+, where import-in-the-middle supports it); `async` — the off-thread
 * `module.register` loader (Node 20 and older 22/24 lines); `none` — neither exists.
 */
export function esmMode(): EsmMode {
  const api = nodeModule as unknown as ModuleApi;
  if (typeof api.registerHooks === 'function') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
    if (supportsSyncHooks()) return 'sync';
  }
  return typeof api.register === 'function' ? 'async' : 'none';
}

/** Installs the ESM side for `registry`'s targets; returns the mode used. */
export function installEsm(registry: Registry): EsmMode {
  const mode = esmMode();
  if (mode === 'none') return mode;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iitm = require('import-in-the-middle') as { addHook(hook: (url: string, namespace: any, specifier: string, format?: string) => void): void };
  iitm.addHook((url, namespace, specifier, format) => dispatch(registry, url, namespace, specifier, format));
  const api = nodeModule as unknown as Required<ModuleApi>;
  if (mode === 'sync') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { register } = require('import-in-the-middle/register-hooks.mjs') as { register(options: object): void };
    register({ shouldInclude: (url: string, specifier: string) => includes(registry, url, specifier) });
    // import-in-the-middle's resolve treats a request with no parent (`node -e "require('os')"`)
    // as the entry point and gives builtins `format: 'commonjs'`; Node then tries to read
    // them from disk. Hooks registered later run first: restore the builtin format here.
    api.registerHooks({
      resolve(specifier, context, next) {
        const result = next(specifier, context);
        if (result.format !== 'builtin' && result.url.startsWith('node:') && nodeModule.isBuiltin(result.url)) return { ...result, format: 'builtin' };
        return result;
      },
      // Wrappers keep every export of the original (see esm-wrapper.ts: date-fns' longFormatters).
      load: (url, context, next) => completeWrapper(url, next(url, context)),
    });
    return mode;
  }
  // Off-thread loader: it gets the include list now, and later targets over a message port.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MessageChannel } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const previous = registry.onNewTarget;
  registry.onNewTarget = (target) => {
    previous?.(target);
    const entry = includeEntry(target);
    if (typeof entry === 'string') port1.postMessage([entry]);
  };
  const include = registry.targets().map(includeEntry);
  const hookUrl = pathToFileURL(require.resolve('import-in-the-middle/hook.mjs')).href;
  api.register(hookUrl, pathToFileURL(__filename).href, { data: { include, addHookMessagePort: port2 }, transferList: [port2] });
  // Registered after import-in-the-middle's, so it runs first and completes its wrappers (esm-wrapper.ts).
  api.register(pathToFileURL(require.resolve('./esm-wrapper')).href, pathToFileURL(__filename).href);
  return mode;
}

/**
 * What the off-thread loader matches for a target: the bare specifier, the file URL, or a URL
 * pattern. Not an absolute path: import-in-the-middle's `initialize` rejects one in `include`,
 * and when it throws, the loader it already registered is left with no include list at all,
 * so it wraps every module of the application.
 */
function includeEntry(target: Target): string | RegExp {
  switch (target.kind) {
    case 'builtin':
    case 'package':
      return target.key;
    case 'file':
      return pathToFileURL(target.key).href;
    case 'deep':
      return new RegExp(`/node_modules/${escapeRegExp(target.key)}(?:\\.js|/index\\.js)?$`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The live include predicate of the in-thread hooks: only targets are wrapped. */
function includes(registry: Registry, url: string, specifier: string): boolean {
  if (url.startsWith('node:')) {
    const name = builtinName(url);
    return name !== undefined && registry.builtins.has(name);
  }
  if (registry.packages.has(specifier)) return true;
  if ((registry.files.size === 0 && registry.deep.size === 0) || !url.startsWith('file:')) return false;
  return registry.matchFile(fileURLToPath(url), () => false).length > 0;
}

/** import-in-the-middle calls this for every module it wrapped. */
function dispatch(registry: Registry, url: string, namespace: any, specifier: string, format: string | undefined): void {
  if (url.startsWith('node:')) {
    const name = builtinName(url);
    if (name === undefined || !registry.builtins.has(name)) return;
    registry.onLoad({ keys: [name], format: 'builtin', via: 'import', value: namespace, builtin: name });
    return;
  }
  if (!url.startsWith('file:')) return;
  const filename = fileURLToPath(url);
  const keys = registry.matchFile(filename, (name) => specifier === name);
  if (keys.length === 0) return;
  const kind: Format = format === 'commonjs' || format === 'commonjs-typescript' ? 'commonjs' : 'module';
  registry.onLoad({ keys, format: kind, via: 'import', value: namespace, filename });
}
