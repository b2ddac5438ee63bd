// The thread's registry, and the module interception installed once per thread: the CommonJS
// hook and the ESM hooks.
import { debug } from '../debug';
import { describeCause, warn } from '../errors';
import { Registry, type RegistryOptions } from '../core/registry';
import { globalSlot, KEYS } from '../global-state';
import { findLoaded } from './loaded';
import type { EsmMode } from './node';

const INSTALLED = KEYS.installed;

/**
 * The registry of this thread, shared by every installed copy of wrapt-hooks; the first caller
 * makes it with its flags, and a later caller's flags are adopted (Registry.adopt).
 */
export function getRegistry(flags?: Pick<RegistryOptions, 'strict' | 'disabled'>): Registry {
  let made = false;
  const registry = globalSlot(KEYS.registry, () => {
    made = true;
    return new Registry({ ...flags, findLoaded });
  });
  if (!made && flags !== undefined) registry.adopt(flags);
  return registry;
}

/** Installs the CommonJS and ESM hooks for `registry` unless this thread already has them. */
export function ensureHooks(registry: Registry): EsmMode | undefined {
  const store = globalThis as unknown as Record<symbol, EsmMode | undefined>;
  if (store[INSTALLED] !== undefined) return store[INSTALLED];
  store[INSTALLED] = 'none';
  // ESM first: what import-in-the-middle loads must not pass through the require hook, where a
  // target such as `path` or `worker_threads` would fire before the application imported it.
  let mode: EsmMode = 'none';
  try {
    mode = (require('./esm') as typeof import('./esm')).installEsm(registry);
  } catch (error) {
    warn(
      'WRAPT_HOOKS_ESM_UNAVAILABLE',
      `could not install the ES module hooks (${describeCause(error)}); ES module targets will not be patched, CommonJS ones still are.`,
      error,
    );
  }

  (require('./cjs') as typeof import('./cjs')).installCjs(registry);
  store[INSTALLED] = mode;
  debug(
    `hooks installed: CommonJS require-in-the-middle, ESM ${mode === 'sync' ? 'in-thread module.registerHooks, registered before the first ES module loads' : mode === 'async' ? 'off-thread module.register loader' : 'unavailable'} (Node ${process.versions.node})`,
  );
  return mode;
}
