// Type tests of the public API, compiled by `npm run typecheck` (`tsc -p test/types/tsconfig.json`) against the
// built declarations, through the package's own name and "exports" map. Every `@ts-expect-error`
// line must be an error: if the types ever accept it, tsc fails on the unused directive.
import {
  discoverPostImportHooks,
  functionWrapper,
  getOriginal,
  isWrapped,
  registerPostImportHook,
  resolvePath,
  unwrap,
  whenImported,
  wrapFunctionWrapper,
  wrapObject,
  WraptHooksError,
  type ErrorCode,
  type ModuleInfo,
  type PatchFn,
  type Wrapper,
} from 'wrapt-hooks';

// registerPostImportHook(hook, target): a patch function or a lazy specifier; returns unregister().
const unregister: () => void = registerPostImportHook((exports, info) => {
  const name: string = info.name;
  const format: 'commonjs' | 'module' | 'builtin' = info.format;
  const version: string | undefined = info.version;
  (void exports, name, format, version);
}, 'fs');
unregister();
registerPostImportHook('./patches/fs.js#patchFs', 'fs');
// @ts-expect-error the target comes second and is a string
registerPostImportHook('fs', (exports: unknown) => exports);
// @ts-expect-error a hook is a function or a string
registerPostImportHook(42, 'fs');
registerPostImportHook((_exports, info) => {
  // @ts-expect-error ModuleInfo.format is one of three strings
  const f: 'esm' = info.format;
  void f;
}, 'fs');

// whenImported(target)(hook) returns the hook it was given, with its own type.
const patch = whenImported('express')((express: { use(): void }, info: ModuleInfo) => {
  express.use();
  return info.target;
});
const same: (express: { use(): void }, info: ModuleInfo) => string = patch;
void same;
const lazy: './patches/express.js#patch' = whenImported('express')('./patches/express.js#patch');
void lazy;

// discoverPostImportHooks returns the targets registered.
const targets: string[] = discoverPostImportHooks('wrapt-patches-example', { from: __dirname });
void targets;
// @ts-expect-error options.from is a string
discoverPostImportHooks('wrapt-patches-example', { from: 1 });

// Wrappers: (wrapped, instance, args) => result.
class Server {
  listen(port: number): string {
    return `listening on ${port}`;
  }
}
const wrapper: Wrapper = (wrapped, instance, args) => {
  void instance;
  return wrapped(...args);
};
const listen = wrapFunctionWrapper<Server['listen']>(Server.prototype, 'listen', wrapper);
const result: string = listen.call(new Server(), 80);
void result;
// @ts-expect-error the path is a dotted string
wrapFunctionWrapper(Server.prototype, ['listen'], wrapper);
// @ts-expect-error a wrapper takes (wrapped, instance, args), not a string
wrapFunctionWrapper(Server.prototype, 'listen', 'wrapper');

// functionWrapper keeps the function's type.
const double = functionWrapper((wrapped, _instance, args) => (wrapped(...args) as number) * 2)((a: number, b: number) => a + b);
const sum: number = double(1, 2);
void sum;
// @ts-expect-error the wrapped function keeps its parameter types
double('1', 2);

// wrapObject returns what the factory returns; extra arguments are passed on.
const replaced: () => string = wrapObject(
  Server.prototype,
  'listen',
  (original: Server['listen'], suffix: string) => () => original.call(new Server(), 1) + suffix,
  '!',
);
void replaced;

// resolvePath, unwrap, isWrapped, getOriginal.
const [parent, attribute, original] = resolvePath(Server, 'prototype.listen');
const attr: string = attribute;
(void parent, attr, original);
const removed: boolean = unwrap(Server.prototype, 'listen');
const wrappedNow: boolean = isWrapped(Server.prototype.listen);
const underneath: Server['listen'] = getOriginal(Server.prototype.listen);
(void removed, wrappedNow, underneath);

// Errors: a class with a code from the documented set.
try {
  unwrap(Object.freeze({ f() {} }), 'f');
} catch (error) {
  if (error instanceof WraptHooksError) {
    const code: ErrorCode = error.code;
    const cause: unknown = error.cause;
    (void code, cause);
  }
}
// @ts-expect-error codes are WRAPT_HOOKS_… strings
const bad: ErrorCode = 'E_NOPE';
void bad;

// PatchFn: what a patch module exports.
export const patchFs: PatchFn = (fs: typeof import('node:fs'), info) => {
  (void fs.mkdtempSync, info.filename);
};
