// The CLI's modules, for the in-process tests over the built dist/cli.js (test/unit/): reached as
// `require('wrapt-hooks/dist/cli.js').internals.<name>`. Not a public interface: names here
// change without notice. They live in the CLI's bundle, not in the preload's (src/internals.ts),
// so that the preload file stays the size the application reads at start-up.
export * as args from './args';
export * as run from './run';
export * as doctor from './doctor';
export * as doctorFormat from './doctor-format';
export * as version from './version';
export * as attach from './attach';
export * as proc from './proc';
