// The entry of the preload bundle (scripts/build.mjs bundles it into dist/preload.js): the
// bootstrap, and the library, so that patches which `require('wrapt-hooks')` run on the code the
// preload already loaded instead of compiling a second copy of it (dist/index.js re-exports
// `library` from the bundle). Nothing here runs on import: register.js calls `bootstrap`.
export { bootstrap } from './bootstrap';
export * as library from './index';
