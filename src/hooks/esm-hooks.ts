// The ES module resolve/load hooks, in both flavours: synchronous for `module.registerHooks`
// (in-thread) and asynchronous for `module.register` (the off-thread loader, see loader.ts).
//
// import-in-the-middle's hooks are loaded lazily: until the first import of a target, these
// hooks only ask `isTarget` of each resolved module and pass everything through. Its hook code
// (create-hook.mjs with es-module-lexer and cjs-module-lexer: most of what loading it costs)
// loads at the first import of a target, and never for an application that imports none (a
// CommonJS application, or one whose targets are all required).
import nodeModule = require('node:module');
import { pathToFileURL } from 'node:url';
import { describeCause, warn } from '../errors';
import { joinOwnCopy, noteResolved } from './esm-bridge';
import { completeWrapper } from './esm-wrapper';

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

/**
 * import-in-the-middle's hooks, restricted to `isTarget` (the generated wrappers import its
 * lib/register.js); undefined, after one warning, when they cannot be loaded: ES module targets
 * then load unpatched, and nothing else changes.
 */
function createIitm(isTarget: IsTarget): IitmHook | undefined {
  try {
    const { createHook } = require('import-in-the-middle/create-hook.mjs') as { createHook(meta: { url: string }): IitmHook };
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
 * The in-thread hooks (`module.registerHooks`). Until the first target is imported only a resolve
 * hook is registered (every `require()` passes through it too, so it does one lookup); the load
 * hook, which only import-in-the-middle's wrappers need, is registered when the first target is
 * imported. Each resolved URL is shown to the bridge (a copy of import-in-the-middle's
 * lib/register.js being loaded is joined before its wrappers run).
 */
export function installSyncHooks(registerHooks: (hooks: object) => unknown, isTarget: IsTarget): void {
  let iitm: IitmHook | undefined;
  let state: 'waiting' | 'activating' | 'active' | 'failed' = 'waiting';
  registerHooks({
    resolve(specifier: string, context: ResolveContext, next: NextResolve<ResolveResult>): ResolveResult {
      if (iitm === undefined) {
        const result = next(specifier, context);
        noteResolved(result.url);
        // require() is the CommonJS hook's business (hooks/cjs.ts); only imports are wrapped.
        // While import-in-the-middle's own modules load (they import `fs`, `url`, ...), pass through.
        if (state !== 'waiting' || context.conditions?.includes('require') || !isTarget(result.url, specifier)) return result;
        state = 'activating';
        iitm = createIitm(isTarget);
        state = iitm === undefined ? 'failed' : 'active';
        if (iitm === undefined) return result;
        // Before the first wrapper runs: the copy its code imports is joined to the bridge.
        joinOwnCopy();
        const active = iitm;
        // Hooks registered later run first: this load hook sees import-in-the-middle's wrapper URLs.
        registerHooks({
          load: (url: string, loadContext: object, nextLoad: NextLoad<LoadResult>) => completeWrapper(url, active.loadSync(url, loadContext, nextLoad)),
        });
      }
      const result = builtinFormat(iitm.resolveSync(specifier, context, next));
      noteResolved(result.url);
      return result;
    },
  });
}

/** Hooks for the off-thread `module.register` loader (loader.ts). */
export function asyncHooks(isTarget: IsTarget): {
  resolve: (specifier: string, context: ResolveContext, next: NextResolve<Promise<ResolveResult>>) => Promise<ResolveResult>;
  load: (url: string, context: object, next: NextLoad<Promise<LoadResult>>) => Promise<LoadResult>;
} {
  let iitm: IitmHook | undefined;
  let failed = false;
  return {
    async resolve(specifier, context, next) {
      if (iitm === undefined) {
        const result = await next(specifier, context);
        if (failed || !isTarget(result.url, specifier)) return result;
        iitm = createIitm(isTarget);
        failed = iitm === undefined;
        if (iitm === undefined) return result;
      }
      return builtinFormat(await iitm.resolve(specifier, context, next));
    },
    async load(url, context, next) {
      if (iitm === undefined) return next(url, context);
      return completeWrapper(url, await iitm.load(url, context, next));
    },
  };
}
