// The ES module resolve/load hooks, in both flavours: synchronous for `module.registerHooks`
// (in-thread) and asynchronous for `module.register` (the off-thread loader, see loader.ts).
//
// import-in-the-middle's hooks are loaded lazily: until the first import of a target, these
// hooks only ask `isTarget` of each resolved module and pass everything through. Its hook code
// (create-hook.mjs with es-module-lexer and cjs-module-lexer, bundled into dist/iitm.js) loads at
// the first import of a target, and never for an application that imports none (a CommonJS
// application, or one whose targets are all required).
import nodeModule = require('node:module');
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeCause, warn } from '../errors';
import { joinOwnCopy, noteResolved } from './esm-bridge';
import { completeWrapper } from './esm-wrapper';
import { requireContext } from './node';

export interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean | undefined;
}
export interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean | undefined;
}
export interface ResolveContext {
  parentURL?: string | undefined;
  conditions?: readonly string[] | undefined;
}
type NextResolve<R> = (specifier: string, context?: ResolveContext) => R;
type NextLoad<R> = (url: string, context?: object) => R;

/** What import-in-the-middle's `createHook(meta)` returns (create-hook.mjs, v3). */
interface IitmHook {
  resolve(specifier: string, context: ResolveContext, next: NextResolve<Promise<ResolveResult>>): Promise<ResolveResult>;
  load(url: string, context: object, next: NextLoad<Promise<LoadResult>>): Promise<LoadResult>;
  resolveSync(specifier: string, context: ResolveContext, next: NextResolve<ResolveResult>): ResolveResult;
  loadSync(url: string, context: object, next: NextLoad<LoadResult>): LoadResult;
  applyOptions(options: { shouldInclude: (url: string, specifier: string) => boolean }): void;
}

export type IsTarget = (url: string, specifier: string) => boolean;
/** The package target `url` is in when `specifier` does not name the package (core/match.ts `packageReached`). */
export type PackageReached = (url: string, specifier: string) => { name: string; basedir: string } | undefined;

// A package's entry point for an import's conditions, by package root and conditions: one extra
// resolution per target package reached by path, not one per import.
const entries = new Map<string, string | null>();

/** The resolution `matchedAs` needs first: package `name` from its own root, with the import's conditions. */
interface EntryQuestion {
  name: string;
  key: string;
  context: ResolveContext;
}

/**
 * The specifier a module is matched by: the package's name when `url` is the entry point of a
 * target package that the import reached by path or `file:` URL (`import(absolutePath)`, as
 * vitest imports every dependency), else the specifier as written; or, the first time a package
 * is reached so, the question whose answer (`answered`) decides it.
 */
function matchedAs(url: string, specifier: string, context: ResolveContext, reached: PackageReached): string | EntryQuestion {
  const pkg = reached(url, specifier);
  if (pkg === undefined) return specifier;
  const key = `${pkg.basedir}\0${context.conditions?.join(',') ?? ''}`;
  const entry = entries.get(key);
  if (entry === undefined) return { name: pkg.name, key, context: { ...context, parentURL: pathToFileURL(join(pkg.basedir, 'package.json')).href } };
  return entry === url ? pkg.name : specifier;
}

function answered(question: EntryQuestion, url: string, specifier: string, entry: string | null): string {
  entries.set(question.key, entry);
  return entry === url ? question.name : specifier;
}

/** Is this import-in-the-middle's request for a wrapper, or a wrapper's import (of the original module, of its lib/register.js)? */
function isWrapping(specifier: string, context: ResolveContext): boolean {
  return specifier.includes('iitm=') || context.parentURL?.includes('iitm=') === true;
}

/** The `next` handed to import-in-the-middle: its resolution of `specifier` is the one already made. */
function resolvedAs<R>(specifier: string, context: ResolveContext, result: R, next: NextResolve<R>): NextResolve<R> {
  return (request, requestContext) => (request === specifier && requestContext === context ? result : next(request, requestContext));
}

type CreateHook = (meta: { url: string }) => IitmHook;

/** dist/start.js, named from this file's place in dist/ (scripts/build.mjs defines it). */
declare const START_FILE: string;

/**
 * import-in-the-middle's hooks, restricted to `isTarget` (the generated wrappers import its
 * lib/register.js); undefined, after one warning, when they cannot be loaded: ES module targets
 * then load unpatched, and nothing else changes. Its `createHook` comes from dist/iitm.js: its
 * hook code and the two lexers, bundled by scripts/build.mjs and compiled from the code cache by
 * dist/start.js, in the application's thread or in Node 20's loader thread alike. The package's
 * own ES modules cost each start that imports a target their compile and an ES module facade for
 * each builtin they import (bench/FINDINGS.md), and nothing of them needs resolving here.
 */
function createIitm(isTarget: IsTarget): IitmHook | undefined {
  try {
    const { createHook } = (require(START_FILE) as { iitm(): unknown }).iitm() as { createHook: CreateHook };
    const hook = createHook({ url: pathToFileURL(require.resolve('import-in-the-middle/hook.mjs')).href });
    hook.applyOptions({ shouldInclude: isTarget });
    return hook;
  } catch (error) {
    warn(
      'WRAPT_HOOKS_ESM_UNAVAILABLE',
      `could not load import-in-the-middle's ES module hooks (${describeCause(error)}); ES module imports of targets are not patched, require() still is.`,
      error,
    );
    return undefined;
  }
}

/**
 * import-in-the-middle's resolve treats a request with no parent (`node -e "require('os')"`) as
 * the entry point and gives builtins `format: 'commonjs'`; Node then reads them from disk.
 */
function builtinFormat<R extends ResolveResult>(result: R): R {
  if (result.format !== 'builtin' && result.url.startsWith('node:') && nodeModule.isBuiltin(result.url)) return { ...result, format: 'builtin' };
  return result;
}

/**
 * The in-thread hooks (`module.registerHooks`, through esm-first.ts's `register`, which
 * deregisters them while an outermost require() runs). Until the first target is imported only a
 * resolve hook is registered (a `require()` that still passes through it, within an ES module
 * graph that a require() started, gets one lookup); the load hook, which only
 * import-in-the-middle's wrappers need, is registered when the first target is imported. Each
 * resolved URL is shown to the bridge (a copy of import-in-the-middle's lib/register.js being
 * loaded is joined before its wrappers run).
 */
export function installSyncHooks(registerHooks: (hooks: object) => void, isTarget: IsTarget, reached: PackageReached): void {
  let iitm: IitmHook | undefined;
  let failed = false;
  const noted = (result: ResolveResult): ResolveResult => {
    noteResolved(result.url);
    return result;
  };
  registerHooks({
    resolve(specifier: string, context: ResolveContext, next: NextResolve<ResolveResult>): ResolveResult {
      // import-in-the-middle's wrappers and what they import are its own business.
      if (iitm !== undefined && isWrapping(specifier, context)) return noted(builtinFormat(iitm.resolveSync(specifier, context, next)));
      // require() is the CommonJS hook's business (hooks/cjs.ts); only imports are wrapped.
      if (context.conditions?.includes('require')) {
        const result = next(specifier, requireContext(context));
        return noted(iitm === undefined ? result : builtinFormat(result));
      }
      const result = next(specifier, context);
      if (failed) return noted(result);
      let as = matchedAs(result.url, specifier, context, reached);
      if (typeof as !== 'string') {
        let entry: string | null = null;
        try {
          entry = next(as.name, as.context).url;
        } catch {
          // No entry point for these conditions: the file is matched by its path alone.
        }
        as = answered(as, result.url, specifier, entry);
      }
      if (iitm === undefined) {
        if (!isTarget(result.url, as)) return noted(result);
        iitm = createIitm(isTarget);
        failed = iitm === undefined;
        if (iitm === undefined) return noted(result);
        // Before the first wrapper runs: the copy its code imports is joined to the bridge.
        joinOwnCopy();
        const active = iitm;
        // Hooks registered later run first: this load hook sees import-in-the-middle's wrapper URLs.
        registerHooks({
          load: (url: string, loadContext: object, nextLoad: NextLoad<LoadResult>) => completeWrapper(url, active.loadSync(url, loadContext, nextLoad)),
        });
      }
      return noted(builtinFormat(iitm.resolveSync(as, context, resolvedAs(as, context, result, next))));
    },
  });
}

/** Hooks for the off-thread `module.register` loader (loader.ts). */
export function asyncHooks(
  isTarget: IsTarget,
  reached: PackageReached,
): {
  resolve: (specifier: string, context: ResolveContext, next: NextResolve<Promise<ResolveResult>>) => Promise<ResolveResult>;
  load: (url: string, context: object, next: NextLoad<Promise<LoadResult>>) => Promise<LoadResult>;
} {
  let iitm: IitmHook | undefined;
  let failed = false;
  return {
    async resolve(specifier, context, next) {
      if (iitm !== undefined && isWrapping(specifier, context)) return builtinFormat(await iitm.resolve(specifier, context, next));
      if (failed) return next(specifier, context);
      const result = await next(specifier, context);
      let as = matchedAs(result.url, specifier, context, reached);
      if (typeof as !== 'string') {
        let entry: string | null = null;
        try {
          entry = (await next(as.name, as.context)).url;
        } catch {
          // No entry point for these conditions: the file is matched by its path alone.
        }
        as = answered(as, result.url, specifier, entry);
      }
      if (iitm === undefined) {
        if (!isTarget(result.url, as)) return result;
        iitm = createIitm(isTarget);
        failed = iitm === undefined;
        if (iitm === undefined) return result;
      }
      return builtinFormat(await iitm.resolve(as, context, resolvedAs(as, context, Promise.resolve(result), next)));
    },
    async load(url, context, next) {
      if (iitm === undefined) return next(url, context);
      return completeWrapper(url, await iitm.load(url, context, next));
    },
  };
}
