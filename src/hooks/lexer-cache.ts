// The lexers import-in-the-middle reads a module's exports with (cjs-module-lexer and
// es-module-lexer, in lib/get-exports.mjs and lib/get-esm-exports.mjs), with the result of each
// `parse` kept in the code cache's directory between starts. src/hooks/cjs-lexer.ts and
// src/hooks/esm-lexer.ts are bundled into dist/iitm.js in the lexers' place (scripts/build.mjs):
// import-in-the-middle's files are unchanged, and those two modules alone import the lexers.
//
// To write the wrapper of a module that an `import` reaches, import-in-the-middle lexes its
// source (and each file it re-exports), cold at every start: fastify's 35 KB main file cost an
// application that imports it 10 M instructions with cjs-module-lexer, the AWS SDK S3 client's
// 270 KB one 78 M (30 ms), espree's ES module 3 M with es-module-lexer (bench/FINDINGS.md). An
// entry holds the result and the source it came from, and is used only for that exact source:
// an edited, updated or other copy of a module is lexed again, and its entry written once. The
// directory is the per-user one dist/start.js trusts (mode 0700, this user's), with the same
// switch (NODE_DISABLE_COMPILE_CACHE), and only a process the preload started uses it. An entry
// that is not one (unreadable, another format, another source, a result of another shape) is no
// entry.
import fs = require('node:fs');
import path = require('node:path');

/** dist/start.js, named from this file's place in dist/: its cache directory and housekeeping (src/start.ts). */
declare const START_FILE: string;
interface Start {
  sideCacheDir(): string | undefined;
  sweep(written: string, suffix: string, max: number, maxBytes: number): void;
}

type Lex<R> = (source: string, name?: string) => R;

/** At most this many entries, of at most this many bytes in all, are kept (one per module file lexed), the oldest removed first. */
const MAX_ENTRIES = 256;
const MAX_BYTES = 64 * 1024 * 1024;
/** A source larger than this is lexed at every start (an entry holds a copy of its source). */
const MAX_SOURCE = 8 * 1024 * 1024;
const SUFFIX = '.lex';

let dir: string | null | undefined;

/** The cache directory, asked of dist/start.js once; null when there is none to use. */
function cacheDir(): string | null {
  if (dir === undefined) {
    try {
      dir = (require(START_FILE) as Start).sideCacheDir() ?? null;
    } catch {
      dir = null;
    }
  }
  return dir;
}

/**
 * `lex`, answered from the entry for the source when there is one. `kind` names the lexer and its
 * version in the entries' names; `valid` tells a result of its shape.
 */
export function cachedLexer<R>(kind: string, lex: Lex<R>, valid: (value: unknown) => value is R): Lex<R> {
  return (source, name) => {
    const directory = typeof source === 'string' && source.length <= MAX_SOURCE ? cacheDir() : null;
    if (directory === null) return lex(source, name);
    const file = `${directory}${path.sep}${kind}-${sampleHash(source)}-${source.length}${SUFFIX}`;
    const kept = read(file, source);
    if (kept !== undefined && valid(kept)) return kept;
    const lexed = lex(source, name);
    write(file, source, lexed);
    return lexed;
  };
}

/**
 * A 32-bit FNV-1a hash of at most about 4,096 of the source's characters, spread over it: it only
 * names the entry (which holds the whole source, compared before use), so it need not read every
 * character of a large file at every start.
 */
function sampleHash(source: string): string {
  const step = Math.max(1, Math.floor(source.length / 4096));
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i += step) hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** An entry's result when it is of this source: one line of JSON, then the source itself. */
function read(file: string, source: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const cut = text.indexOf('\n');
  if (cut === -1 || text.length - cut - 1 !== source.length || text.slice(cut + 1) !== source) return undefined;
  try {
    return JSON.parse(text.slice(0, cut)) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes the entry (in one rename, readable by this user only); a full or read-only disk is no error. */
function write(file: string, source: string, lexed: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // JSON.stringify writes no line break: the first one in the entry ends the result.
    fs.writeFileSync(temporary, `${JSON.stringify(lexed)}\n${source}`, { mode: 0o600 });
    fs.renameSync(temporary, file);
    (require(START_FILE) as Start).sweep(file, SUFFIX, MAX_ENTRIES, MAX_BYTES);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Left for a later sweep (temporary files go once stale).
    }
  }
}

/** Is `value` an array of what `item` accepts? */
export function arrayOf<T>(value: unknown, item: (each: unknown) => each is T): value is T[] {
  return Array.isArray(value) && value.every(item);
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
