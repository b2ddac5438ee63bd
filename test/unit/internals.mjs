// The in-process entry to the built package's internal modules (src/internals.ts), for the
// tests under test/unit/: the same code the preload runs, without a child process.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `internals().<room>.<name>`: see src/internals.ts for the rooms. */
export const internals = require('../../dist/preload.js').internals;

/** The CLI (dist/cli.js): `cli.main(argv)` and `cli.internals.<module>` (src/cli/internals.ts). */
export const cli = require('../../dist/cli.js');
