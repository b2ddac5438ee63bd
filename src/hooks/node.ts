// Every branch on the running Node's version or abilities, in one place. The rest of the code
// asks these questions and never reads `process.versions` itself.
import Module = require('node:module');

export type EsmMode = 'sync' | 'async' | 'none';

export interface ModuleApi {
  registerHooks?: (hooks: object) => unknown;
  register?: (specifier: string, parentURL: string, options?: object) => void;
}

const getBuiltin = process.getBuiltinModule as ((id: string) => unknown) | undefined;

/**
 * `node:module` with the hook registration functions this Node may have. The preload's files get
 * the class of CommonJS modules for `require('node:module')` (the same object, without loading
 * node:module: start.ts); `module.register` is one of the functions loading node:module adds to
 * it, so where the class lacks one, node:module is loaded, once, and the class has it from then on.
 */
export function moduleApi(name: keyof ModuleApi): ModuleApi {
  const api = Module as unknown as ModuleApi;
  // Not require(): the files' require gives the class (Node 20.16+ has getBuiltinModule).
  if (typeof api[name] !== 'function') getBuiltin?.('node:module');
  return api;
}

/**
 * How ES modules are hooked on this Node: `sync` — in-thread `module.registerHooks`, where
 * import-in-the-middle's own `supportsSyncHooks()` says its synchronous hooks work there (where
 * Node's load hook accepts the nullish CommonJS source it returns); `async` — the off-thread `module.register` loader (Node 20, older
 * 22/24 lines); `none` — neither exists. The check, an ES module with no imports, is bundled
 * (scripts/build.mjs): requiring it from the package would cost every start a `require` of an ES
 * module.
 */
export function esmMode(): EsmMode {
  if (typeof moduleApi('registerHooks').registerHooks === 'function') {
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
    if (supportsSyncHooks()) return 'sync';
  }
  return typeof moduleApi('register').register === 'function' ? 'async' : 'none';
}

/**
 * The context a `require()` passing through a `module.registerHooks` resolve hook is resolved
 * with. With any such hook Node resolves require() through the hooks with its own conditions,
 * `module-sync` among them; under Yarn Plug'n'Play, require() without hooks goes to PnP's
 * resolver, whose conditions leave `module-sync` out, and the ES module a package offers under
 * it cannot be loaded from PnP's zip archives without PnP's ESM loader: the application would
 * crash. There, the conditions are the ones require() has without hooks.
 */
export function requireContext<C extends { conditions?: readonly string[] | undefined }>(context: C): C {
  if (process.versions.pnp === undefined || !context.conditions?.includes('module-sync')) return context;
  return { ...context, conditions: context.conditions.filter((condition) => condition !== 'module-sync') };
}
