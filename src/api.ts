// The registration API (wrapt's register_post_import_hook, when_imported,
// discover_post_import_hooks). Importing this module has no side effects; the first
// registration installs the module hooks, since a hook that can never fire is no use.
import { report, WraptHooksError } from './errors';
import { ensureHooks, getRegistry } from './hooks/index';
import type { DiscoverOptions, Hook, PatchFn } from './types';

/**
 * Calls `hook` when `target` is imported (or at once, if it already was). `hook` is a patch
 * function or a lazy `"<module>#<export>"` specifier (relative to `process.cwd()`).
 * Returns the function that unregisters it.
 */
export function registerPostImportHook(hook: Hook, target: string): () => void {
  if (typeof target !== 'string') {
    throw new WraptHooksError(
      'WRAPT_HOOKS_INVALID_ARGUMENT',
      `registerPostImportHook: the target must be a module name like "express" or "fs", got ${target === null ? 'null' : typeof target}. (The hook comes first: registerPostImportHook(hook, target).)`,
    );
  }
  const registry = getRegistry();
  ensureHooks(registry);
  return registry.register(hook, target, { baseDir: process.cwd(), origin: `registerPostImportHook(…, ${JSON.stringify(target)})`, immediate: true });
}

/** Decorator form: `whenImported('express')((express) => { … })` registers and returns the hook. */
export function whenImported(target: string): <H extends PatchFn | string>(hook: H) => H {
  return (hook) => {
    registerPostImportHook(hook, target);
    return hook;
  };
}

/**
 * Reads installed package `pkg`'s package.json field "wrapt-hooks" and registers its patches
 * lazily. Returns the targets registered (as written).
 */
export function discoverPostImportHooks(pkg: string, options: DiscoverOptions = {}): string[] {
  const registry = getRegistry();
  const from = options.from ?? process.cwd();
  // Discovery (and the recipes it knows) loads on first use: a patch's require('wrapt-hooks') does not pay for it.
  const { discover } = require('./config/discovery') as typeof import('./config/discovery');
  const found = discover(pkg, from, `discoverPostImportHooks(${JSON.stringify(pkg)})`);
  for (const problem of found.problems) report(registry.strict, problem.code, problem.message, problem.cause);
  if (found.patches.length === 0) return [];
  ensureHooks(registry);
  const targets: string[] = [];
  for (const patch of found.patches) {
    registry.registerPatch(patch, { immediate: true });
    if (!targets.includes(patch.target)) targets.push(patch.target);
  }
  return targets;
}
