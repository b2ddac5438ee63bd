// es-module-lexer as import-in-the-middle imports it, its `parse` results kept between starts
// (hooks/lexer-cache.ts): a start that finds them does not compile the lexer's WebAssembly either.
import type * as Lexer from 'es-module-lexer' with { 'resolution-mode': 'import' };
import { arrayOf, cachedLexer, isRecord } from './lexer-cache';

/** The lexer's version (scripts/build.mjs): an entry holds what this lexer made of its source. */
declare const ES_LEXER_VERSION: string;

// The package's ES module build (its WebAssembly lexer), which scripts/build.mjs bundles here.
const lexer = require('es-module-lexer') as typeof Lexer;

export const { init } = lexer;

/** `[imports, exports, facade, hasModuleSyntax]`: plain data, as JSON keeps it. */
export const parse = cachedLexer(
  `esm-${ES_LEXER_VERSION}`,
  lexer.parse,
  (value): value is ReturnType<typeof lexer.parse> =>
    Array.isArray(value) &&
    value.length === 4 &&
    arrayOf(value[0], isRecord) &&
    arrayOf(value[1], isRecord) &&
    typeof value[2] === 'boolean' &&
    typeof value[3] === 'boolean',
);
