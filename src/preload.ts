// The entry of the preload bundle (dist/preload.js, built by scripts/build.mjs, loaded by
// dist/start.js): the bootstrap that register.js and register.mjs call, and the library, so that
// a patch's `require('wrapt-hooks')` runs on the code the preload already loaded instead of
// compiling a second copy (dist/index.js re-exports `library()`). Nothing here runs on import: a
// module that is `require()`d where it is used is evaluated at that first use
// (docs/development.md, "A module that loads on demand").
export { bootstrap, startControl } from './bootstrap';

export function library(): typeof import('./index') {
  return require('./index') as typeof import('./index');
}

/** A recipe's patch functions (dist/recipes/<name>/index.js asks), evaluated on first use. */
export function recipe(name: string): object {
  return (require('./recipes/index') as typeof import('./recipes/index')).loadRecipe(name);
}
