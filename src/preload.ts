// The entry of the preload bundle (dist/preload.js, built by scripts/build.mjs): the bootstrap
// that register.js and register.mjs call, and the library, so that a patch's
// `require('wrapt-hooks')` runs on the code the preload already loaded instead of compiling a
// second copy (dist/index.js re-exports `library()`). Nothing here runs on import: the
// library's modules are evaluated at the first `library()`, the internals at `internals()`.
export { bootstrap } from './bootstrap';

export function library(): typeof import('./index') {
  return require('./index') as typeof import('./index');
}

/** A recipe's patch functions (dist/recipes/<name>/index.js asks), evaluated on first use. */
export function recipe(name: string): object {
  return (require('./recipes/index') as typeof import('./recipes/index')).loadRecipe(name);
}

/** The internal modules, for the in-process tests (src/internals.ts). */
export function internals(): typeof import('./internals') {
  return require('./internals') as typeof import('./internals');
}
