// Every branch on the running Node's version or abilities, in one place. The rest of the code
// asks these questions and never reads `process.versions` itself.
import nodeModule = require('node:module');

export type EsmMode = 'sync' | 'async' | 'none';

export interface ModuleApi {
  registerHooks?: (hooks: object) => unknown;
  register?: (specifier: string, parentURL: string, options?: object) => void;
}

/** `node:module` with the hook registration functions this Node may have. */
export const moduleApi = nodeModule as unknown as ModuleApi;

/**
 * How ES modules are hooked on this Node: `sync` — in-thread `module.registerHooks`, where
 * import-in-the-middle's own `supportsSyncHooks()` says its synchronous hooks work there (where
 * Node's load hook accepts the nullish CommonJS source it returns); `async` — the off-thread `module.register` loader (Node 20, older
 * 22/24 lines); `none` — neither exists. Node 20 has no `registerHooks`, so it never loads the
 * check (a `require` of an ES module).
 */
export function esmMode(): EsmMode {
  if (typeof moduleApi.registerHooks === 'function') {
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
    if (supportsSyncHooks()) return 'sync';
  }
  return typeof moduleApi.register === 'function' ? 'async' : 'none';
}

/** Node's internal loader thread (Node 20's module.register thread runs --require preloads too). */
export function isLoaderThread(): boolean {
  // Every worker thread has worker_threads loaded by the time preloads run; the main thread has
  // not (loading it there would add to every start), so its absence answers the question for free.
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  if (loaded !== undefined && !loaded.includes('NativeModule worker_threads')) return false;

  const threads = require('node:worker_threads') as typeof import('node:worker_threads') & { isInternalThread?: boolean };
  // Node 22.14+, 23.7+.
  if (typeof threads.isInternalThread === 'boolean') return threads.isInternalThread;
  return !threads.isMainThread && threads.parentPort === null;
}
