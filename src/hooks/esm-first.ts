// When the in-thread ES module hooks are registered: before an ES module graph links, and not
// while a require() runs. Any `module.registerHooks` resolve hook takes every `require()` off
// Node's fast path (77,000 instructions more per module in the 1,000-module benchmark, about 88 M
// in the real-package one, bench/FINDINGS.md), so a CommonJS application that never loads an ES
// module should never have one, and an ES one should have it only while it links ES modules.
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
//
// Once registered, the hooks step aside for each outermost require() (hooks/cjs.ts asks through
// require-gate.ts): they are deregistered when it starts and registered again when it ends. A
// require() is synchronous, so no import's linking goes on while it runs except one it starts
// itself, and that starts with one of the two signals above, which register the hooks again at
// once; a chain of hooks Node is running keeps the hooks it started with. Deregistering and
// registering again puts ours back where they were only while they are the last registered: when
// anyone else calls `module.registerHooks` after us, ours are registered again first (theirs then
// run before ours, as they would have) and stay registered from then on. (`registerHooks` taken
// as a named import from an ES module facade made before ours was installed is not seen.)
import dc = require('node:diagnostics_channel');
import Module = require('node:module');
import { describeCause, warn } from '../errors';
import { debug } from '../debug';
import { outermostRequire } from './require-gate';

const IMPORT_START = 'tracing:module.import:start';

type Compile = (this: Module, ...args: unknown[]) => unknown;
type RegisterHooks = (hooks: object) => unknown;
/** Registers hooks with `module.registerHooks`: now, or when the require() they stepped aside for ends. */
export type Register = (hooks: object) => void;

interface Registration {
  hooks: object;
  handle: { deregister(): void } | undefined;
}

/**
 * Runs `install` once, before the first ES module graph links (see above), handing it the
 * `register` its hooks go through; never throws into the application. From then on the hooks
 * step aside for each outermost require().
 */
export function beforeFirstEsModule(install: (register: Register) => void): void {
  const nodeModule = Module as unknown as { registerHooks?: RegisterHooks };
  // `module.registerHooks` as it is at the install (another tool's wrapper of it stays in the chain).
  let nodeRegisterHooks: RegisterHooks | undefined;
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const original = prototype._compile;
  const registrations: Registration[] = [];
  let done = false;
  // Ours are deregistered for the require() running now.
  let aside = false;
  // Ours stay registered: someone registered hooks after them, or Node gave no way to deregister.
  let pinned = false;

  // Runs in a require()'s `finally` too: whatever Node does, nothing is thrown from here.
  const registerNow = (entry: Registration): void => {
    let handle: { deregister?: unknown } | undefined;
    try {
      handle = Reflect.apply(nodeRegisterHooks!, Module, [entry.hooks]) as typeof handle;
    } catch (error) {
      pinned = true;
      warn(
        'WRAPT_HOOKS_ESM_UNAVAILABLE',
        `could not register the ES module hooks (${describeCause(error)}); ES module targets imported from now on may not be patched, CommonJS ones still are.`,
        error,
      );
      return;
    }
    if (typeof handle?.deregister === 'function') entry.handle = handle as Registration['handle'];
    else pinned = true;
  };
  const register: Register = (hooks) => {
    const entry: Registration = { hooks, handle: undefined };
    registrations.push(entry);
    if (!aside) registerNow(entry);
  };
  const stepBack = (): void => {
    if (!aside) return;
    aside = false;
    for (const entry of registrations) registerNow(entry);
  };
  const gate = {
    stepAside(): boolean {
      if (aside || pinned || registrations.length === 0) return false;
      for (let i = registrations.length - 1; i >= 0; i--) {
        registrations[i]!.handle?.deregister();
        registrations[i]!.handle = undefined;
      }
      aside = true;
      return true;
    },
    stepBack,
  };
  /** Another `module.registerHooks` caller: ours go back first, so that theirs run before ours, and stay. */
  const registerHooksAfterUs = function registerHooks(this: unknown): unknown {
    if (!pinned) {
      stepBack();
      pinned = true;
      debug('another module.registerHooks() call after ours: the ES module hooks stay registered during require() from now on');
    }
    if (nodeModule.registerHooks === registerHooksAfterUs) nodeModule.registerHooks = nodeRegisterHooks!;
    return Reflect.apply(nodeRegisterHooks!, this, arguments) as unknown;
  };

  const now = (why: string): void => {
    done = true;
    nodeRegisterHooks = nodeModule.registerHooks;
    pinned = typeof nodeRegisterHooks !== 'function';
    debug(`ES module hooks registered: ${why}`);
    try {
      install(register);
    } catch (error) {
      warn(
        'WRAPT_HOOKS_ESM_UNAVAILABLE',
        `could not install the ES module hooks (${describeCause(error)}); ES module targets will not be patched, CommonJS ones still are.`,
        error,
      );
    }
    if (registrations.length === 0 || pinned) {
      // Nothing to step aside: the signals are not needed again.
      dc.unsubscribe(IMPORT_START, onImport);
      // Another tool may have wrapped it since: then ours stays in its chain, passing through.
      if (prototype._compile === compile) prototype._compile = original;
      return;
    }
    nodeModule.registerHooks = registerHooksAfterUs;
    outermostRequire.gate = gate;
  };
  function onImport(message: unknown): void {
    if (done) {
      stepBack();
      return;
    }
    // The specifier imported, or the URL object of an entry point.
    const url = (message as { url?: unknown } | null)?.url;
    now(`the first import (${typeof url === 'string' || url instanceof URL ? String(url) : 'an ES module'})`);
  }
  const compile = function compile(this: Module, ...args: unknown[]): unknown {
    if ((!done || aside) && esModuleSource(args[0], args[2])) {
      if (done) stepBack();
      else now(`require() of ${String(args[1])}, ${args[2] === undefined ? 'a file without a "type" whose source has an import' : 'an ES module'}`);
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
 * length. The character after the match is read first: what may open an import may open a
 * re-export's braces too, and most matches in CommonJS sources (`exports`, `report`) end there
 * (6.5 M instructions fewer in the real-package benchmark: bench/FINDINGS.md).
 */
export function mayLoadModules(source: string): boolean {
  for (let at = source.indexOf('port', 2); at !== -1; at = source.indexOf('port', at + 4)) {
    if (!opensImport(source, at + 4)) continue;
    const first = source.charCodeAt(at - 2);
    const second = source.charCodeAt(at - 1);
    const isImport = first === 0x69 && second === 0x6d; // im
    if (!isImport && !(first === 0x65 && second === 0x78)) continue; // ex
    if (startsStatement(source, at - 2) && (isImport || opensReexport(source, at + 4))) return true;
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
