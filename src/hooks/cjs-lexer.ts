// cjs-module-lexer (its JavaScript build, scripts/build.mjs) as import-in-the-middle imports it,
// its `parse` results kept between starts (hooks/lexer-cache.ts).
import { initSync, parse as lex } from 'cjs-module-lexer';
import { arrayOf, cachedLexer, isRecord, isString } from './lexer-cache';

/** The lexer's version (scripts/build.mjs): an entry holds what this lexer made of its source. */
declare const CJS_LEXER_VERSION: string;

export { initSync };

export const parse = cachedLexer(
  `cjs-${CJS_LEXER_VERSION}`,
  lex,
  (value): value is ReturnType<typeof lex> => isRecord(value) && arrayOf(value['exports'], isString) && arrayOf(value['reexports'], isString),
);
