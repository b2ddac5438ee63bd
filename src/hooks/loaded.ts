// Modules that were loaded before a hook for them was registered, found where Node keeps them:
// `require.cache` for CommonJS files, `process.moduleLoadList` for builtins. The registry asks
// for them when a hook that fires at once (the API's, an attach's) is registered, and then fires
// it on each as on a load. ES modules loaded before are not found here (control/loaded-esm.ts).
import type { TargetTables } from '../core/match';
import { matchRequired } from '../core/match';
import type { LoadEvent } from '../core/registry-types';
import type { Target } from '../core/targets';
import { builtinLoaded } from '../thread';

interface CjsModule {
  exports: unknown;
  loaded?: boolean;
}

// Taken before wrapt-hooks installs its own hook on `Module.prototype.require`: reading a
// builtin's exports here is not the application loading it.
const Module = require('node:module') as { prototype: { require: (id: string) => unknown } };
const requireBeforeHooks = Module.prototype.require;
const selfModule = module;

/**
 * Hands `load` a load event for each module of `target` that is loaded already and that the
 * registry has not `seen` (by instance key, and CommonJS module object where there is one).
 * Each is checked as it comes: a hook fired for one may load another.
 */
export function findLoaded(target: Target, tables: TargetTables, seen: (key: string, module?: object) => boolean, load: (event: LoadEvent) => void): void {
  if (target.kind === 'builtin') {
    if (!seen(`node:${target.key}`) && builtinLoaded(target.key)) {
      load({ keys: [target.key], format: 'builtin', via: 'require', value: requireBeforeHooks.call(selfModule, target.key), builtin: target.key });
    }
    return;
  }
  const cache = require.cache as Record<string, CjsModule | undefined>;
  for (const filename of Object.keys(cache)) {
    const cached = cache[filename];
    if (cached === undefined || cached.loaded !== true || seen(filename, cached)) continue;
    if (!matchRequired(tables, filename).includes(target.key)) continue;
    load({ keys: [target.key], format: 'commonjs', via: 'require', value: cached.exports, filename, module: cached });
  }
}
