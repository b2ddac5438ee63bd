// When the in-thread ES module hooks are registered: before the first ES module graph is linked,
// not at start-up. Any `module.registerHooks` resolve hook takes every `require()` off Node's
// fast path (77,000 instructions more per module in the 1,000-module benchmark, bench/FINDINGS.md),
// so a CommonJS application that never loads an ES module should never have one.
//
// An ES module graph starts in one of two ways, and each is seen before its imports resolve:
// - an import: `import()`, `--import`, an ES main module, `--input-type=module`. Node publishes
//   `tracing:module.import:start` first (every Node with the synchronous hooks has the channel);
// - a `require()` of an ES module (require(esm)). Node hands every module `require()` loads to
//   `Module.prototype._compile` with its format: `module` for `.mjs` and `"type": "module"`.
//   A `.js` file whose package.json gives no type arrives without one and is compiled as
//   CommonJS first, parsed as an ES module only when that fails, within the same call: its
//   source triggers the registration when it has an `import` or `export` statement that can load
//   a module (`mayLoadModules`). A false positive costs what every start cost before this.
import dc = require('node:diagnostics_channel');
import Module = require('node:module');
import { describeCause, warn } from '../errors';
import { debug } from '../debug';

const IMPORT_START = 'tracing:module.import:start';

type Compile = (this: Module, ...args: unknown[]) => unknown;

/** Runs `install` once, before the first ES module graph links (see above); never throws into the application. */
export function beforeFirstEsModule(install: () => void): void {
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const original = prototype._compile;
  let done = false;
  const now = (why: string): void => {
    if (done) return;
    done = true;
    dc.unsubscribe(IMPORT_START, onImport);
    // Another tool may have wrapped it since: then ours stays in its chain, passing through.
    if (prototype._compile === compile) prototype._compile = original;
    debug(`ES module hooks registered: ${why}`);
    try {
      install();
    } catch (error) {
      warn(
        'WRAPT_HOOKS_ESM_UNAVAILABLE',
        `could not install the ES module hooks (${describeCause(error)}); ES module targets will not be patched, CommonJS ones still are.`,
        error,
      );
    }
  };
  function onImport(message: unknown): void {
    // The specifier imported, or the URL object of an entry point.
    const url = (message as { url?: unknown } | null)?.url;
    now(`the first import (${typeof url === 'string' || url instanceof URL ? String(url) : 'an ES module'})`);
  }
  const compile = function compile(this: Module, ...args: unknown[]): unknown {
    if (!done && esModuleSource(args[0], args[2])) {
      now(`require() of ${String(args[1])}, ${args[2] === undefined ? 'a file without a "type" whose source has an import' : 'an ES module'}`);
    }
    return Reflect.apply(original, this, args) as unknown;
  };
  dc.subscribe(IMPORT_START, onImport);
  prototype._compile = compile;
}

/** Is this a module Node will evaluate as an ES module that may import another (see above)? */
function esModuleSource(content: unknown, format: unknown): boolean {
  if (format === 'module' || format === 'module-typescript') return true;
  if (format !== undefined && format !== 'typescript') return false;
  return typeof content === 'string' && mayLoadModules(content);
}

/**
 * Does `source` have an `import` or `export … from` statement: `import` followed by a space,
 * `{`, `*` or a quote, or `export` followed by `{` or `*`, at the start of a line, after a `;`
 * or after a comment's `*\/`? Comments and strings are not told apart: a false positive is
 * harmless (the hooks are registered a little early). One search finds both words, which end in
 * `port` (a search per word took three times as long over the real-package benchmark's 7.7 MB);
 * each check looks only at the spaces around one match, so the whole is linear in the source's
 * length.
 */
export function mayLoadModules(source: string): boolean {
  for (let at = source.indexOf('port', 2); at !== -1; at = source.indexOf('port', at + 4)) {
    const first = source.charCodeAt(at - 2);
    const second = source.charCodeAt(at - 1);
    const isImport = first === 0x69 && second === 0x6d; // im
    if (!isImport && !(first === 0x65 && second === 0x78)) continue; // ex
    if (startsStatement(source, at - 2) && (isImport ? opensImport(source, at + 4) : opensReexport(source, at + 4))) return true;
  }
  return false;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function startsStatement(source: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isBlank(source.charCodeAt(i))) i--;
  if (i < 0) return true;
  const code = source.charCodeAt(i);
  return code === 0x0a || code === 0x0d || code === 0x3b || code === 0xfeff || (code === 0x2f && source.charCodeAt(i - 1) === 0x2a);
}

function opensImport(source: string, at: number): boolean {
  const code = source.charCodeAt(at);
  return isBlank(code) || code === 0x0a || code === 0x0d || code === 0x7b || code === 0x2a || code === 0x22 || code === 0x27;
}

function opensReexport(source: string, at: number): boolean {
  let code = source.charCodeAt(at);
  while (isBlank(code) || code === 0x0a || code === 0x0d) code = source.charCodeAt(++at);
  return code === 0x7b || code === 0x2a;
}
