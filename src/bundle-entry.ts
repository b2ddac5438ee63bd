// The entry of the preload bundle (scripts/build.mjs bundles it into dist/preload.js): the
// bootstrap, and the library, so that patches which `require('wrapt-hooks')` run on the code the
// preload already loaded instead of compiling a second copy of it (dist/index.js re-exports
// `library()` from the bundle). Nothing here runs on import: register.js calls `bootstrap`, and
// the library's modules are evaluated at the first `library()`.
export { bootstrap } from './bootstrap';

export function library(): typeof import('./index') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./index') as typeof import('./index');
}
