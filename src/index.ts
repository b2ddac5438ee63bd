// The library: `require('wrapt-hooks')` and `import … from 'wrapt-hooks'` (one implementation).
// Importing it installs nothing.
export { registerPostImportHook, whenImported, discoverPostImportHooks } from './api';
export { functionWrapper, isWrapped, getOriginal } from './wrap/wrappers';
export { resolvePath, wrapObject, wrapFunctionWrapper, unwrap } from './wrap/patches';
export { WraptHooksError } from './errors';
export type { ErrorCode } from './errors';
export type { Config, DiscoverOptions, Hook, ModuleInfo, PatchEntry, PatchFn, TraceEntry, Wrapper } from './types';
import type { Config } from './types';

/** Identity, typed: `export default defineConfig({ patches: { … } })` in wrapt-hooks.config.ts. */
export function defineConfig<const C extends Config>(config: C): C {
  return config;
}
