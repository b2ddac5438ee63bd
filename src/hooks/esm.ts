// The ES module side: import-in-the-middle, restricted to the target modules and loaded only
// when the first target is imported (esm-hooks.ts). Every Node-version branch of the project
// lives in `esmMode()` below.
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinName, type Target } from '../core/targets';
import { isTargetUrl, matchFile } from '../core/match';
import type { Format, Registry } from '../core/registry';
import type { TargetLists } from './loader';

export type EsmMode = 'sync' | 'async' | 'none';

type IitmHook = (url: string, namespace: any, specifier: string, format?: string) => void;

interface ModuleApi {
  registerHooks?: (hooks: object) => unknown;
  register?: (specifier: string, parentURL: string, options?: object) => void;
}

/**
 * How ESM is hooked on this Node: `sync` — in-thread `module.registerHooks`, where its load hook
 * accepts the nullish CommonJS source import-in-the-middle returns (Node >= 22.22.3, >= 24.11.1,
 * >= 25.1, 26+; earlier lines reject it; the check import-in-the-middle's supports-sync-hooks.mjs
 * makes); `async` — the off-thread `module.register` loader (Node 20, older 22/24 lines);
 * `none` — neither exists.
 */
export function esmMode(version: string = process.versions.node): EsmMode {
  const api = nodeModule as unknown as ModuleApi;
  if (typeof api.registerHooks === 'function') {
    const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => parseInt(part, 10));
    const sync =
      major >= 26 ||
      (major === 25 && minor >= 1) ||
      (major === 24 && (minor > 11 || (minor === 11 && patch >= 1))) ||
      (major === 22 && (minor > 22 || (minor === 22 && patch >= 3)));
    if (sync) return 'sync';
  }
  return typeof api.register === 'function' ? 'async' : 'none';
}

/** Installs the ESM side for `registry`'s targets; returns the mode used. */
export function installEsm(registry: Registry): EsmMode {
  const mode = esmMode();
  if (mode === 'none') return mode;
  const api = nodeModule as unknown as Required<ModuleApi>;
  const listen = (): void => {
    // What import-in-the-middle's `addHook` does, without its index.js (which loads worker_threads
    // for a MessageChannel we do not use): the wrappers it generates call lib/register.js, which
    // calls every function in `importHooks`.

    const { importHooks, toHook } = require('import-in-the-middle/lib/register.js') as { importHooks: IitmHook[]; toHook: Parameters<IitmHook>[] };
    const hook: IitmHook = (url, namespace, specifier, format) => dispatch(registry, url, namespace, specifier, format);
    importHooks.push(hook);
    for (const args of toHook) hook(...args);
  };
  if (mode === 'sync') {
    const { installSyncHooks } = require('./esm-hooks') as typeof import('./esm-hooks');
    installSyncHooks(api.registerHooks, (url, specifier) => isTargetUrl(registry, url, specifier), listen);
    return mode;
  }
  // Off-thread: the wrappers it generates run here and call import-in-the-middle's lib/register.js,
  // so the listener must exist before any target is imported.
  listen();
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const previous = registry.onNewTarget;
  registry.onNewTarget = (target) => {
    previous?.(target);
    port1.postMessage(lists([target]));
  };
  api.register(pathToFileURL(loaderFile()).href, pathToFileURL(__filename).href, {
    data: { targets: lists(registry.targets()), port: port2 },
    transferList: [port2],
  });
  return mode;
}

/**
 * dist/hooks/loader.mjs (loader.ts and what it imports, bundled into one file by
 * scripts/build.mjs: the loader thread reads one file, not seven), from this file or from the
 * preload bundle (dist/preload.js).
 */
function loaderFile(): string {
  return join(__dirname, 'hooks', 'loader.mjs');
}

function lists(targets: readonly Target[]): TargetLists {
  const out: TargetLists = { builtins: [], packages: [], deep: [], files: [] };
  for (const target of targets) {
    const kind = target.kind === 'builtin' ? 'builtins' : target.kind === 'package' ? 'packages' : target.kind === 'deep' ? 'deep' : 'files';
    out[kind].push(target.key);
  }
  return out;
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
  const keys = matchFile(registry, filename, (name) => specifier === name);
  if (keys.length === 0) return;
  const kind: Format = format === 'commonjs' || format === 'commonjs-typescript' ? 'commonjs' : 'module';
  registry.onLoad({ keys, format: kind, via: 'import', value: namespace, filename });
}
