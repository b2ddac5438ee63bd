// The preload's door for bundles built with the esbuild plugin: an object on `globalThis`
// (KEYS.bundle) that the baked module at the top of such a bundle calls. Set at every start, even
// with no config file (a bundle needs none beside it); what it does is loaded only when a bundle
// calls it.
import { describeCause, warn } from '../errors';
import { KEYS } from '../global-state';
import type { Registry } from '../core/registry';
import type { Baked, BundleApi, BundleHandle } from './protocol';

/** Defines the bundle door once per thread. `onInstalled` runs when a bundle's plan is in force. */
export function exposeBundleApi(disable: 'all' | ReadonlySet<string> | undefined, onInstalled: (registry: Registry) => void): void {
  const store = globalThis as unknown as Record<symbol, BundleApi | undefined>;
  if (store[KEYS.bundle] !== undefined) return;
  const api: BundleApi = {
    install(baked: Baked, loaders: readonly (() => unknown)[]): BundleHandle | undefined {
      try {
        const runtime = require('./runtime') as typeof import('./runtime');
        return runtime.installBundle(baked, loaders, disable, onInstalled);
      } catch (error) {
        if (baked.strict) throw error;
        warn(
          'WRAPT_HOOKS_CONFIG_INVALID',
          `wrapt-hooks could not install the config baked into this bundle (${describeCause(error)}); the application runs unpatched.`,
          error,
        );
        return undefined;
      }
    },
  };
  store[KEYS.bundle] = api;
}
