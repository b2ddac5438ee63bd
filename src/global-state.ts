// Every key wrapt-hooks keeps on `globalThis` or on shared objects, in one place. `Symbol.for`
// keys are shared by every copy of wrapt-hooks in a thread (the preload bundle and the library,
// two installed versions), so that they agree on one registry, one set of hooks, one brand.
// The `@1` suffix is the version of the shape stored under the key.

export const KEYS = Object.freeze({
  /** bootstrap.ts: the preload ran in this thread (its result). */
  bootstrapped: Symbol.for('wrapt-hooks.bootstrapped@1'),
  /** hooks/index.ts: the module hooks are installed in this thread (the ESM mode). */
  installed: Symbol.for('wrapt-hooks.installed@1'),
  /** hooks/index.ts: this thread's registry (core/registry.ts). */
  registry: Symbol.for('wrapt-hooks.registry@2'),
  /** core/apply-hook.ts: what a built-in patch returns when it could not apply (its reason). */
  notApplied: Symbol.for('wrapt-hooks.not-applied@1'),
  /** wrap/wrappers.ts: brand of a wrapper function, holding its original. */
  originals: Symbol.for('wrapt-hooks.originals@1'),
  /** wrap/exports-copy.ts: the CommonJS exports a config patch or trace is running on at their first load. */
  exportsCopy: Symbol.for('wrapt-hooks.exports-copy@1'),
  /** hooks/esm-bridge.ts: the import-in-the-middle copies joined in this thread. */
  iitmBridge: Symbol.for('wrapt-hooks.iitm-bridge@1'),
  /** hooks/esm-bridge.ts: brand of the relay function put into each copy's `importHooks`. */
  iitmRelay: Symbol.for('wrapt-hooks.iitm-relay@1'),
  /** errors.ts: brand of WraptHooksError, for `instanceof` across copies. */
  errorBrand: Symbol.for('wrapt-hooks.WraptHooksError@1'),
  /** errors.ts: the warnings already given in this thread. */
  warnings: Symbol.for('wrapt-hooks.warnings@1'),
  /** writer.ts: this thread's writers (stderr, WRAPT_TRACE_FILE), one queue per destination. */
  writer: Symbol.for('wrapt-hooks.writer@1'),
  /** trace/output.ts and line.ts: the trace line format and destination, WRAPT_TRACE_PREFIX, and the http recipe's request id. */
  output: Symbol.for('wrapt-hooks.output@1'),
  /** bootstrap.ts: what a bundle built with the esbuild plugin calls at its start (bundlers/protocol.ts BundleApi). */
  bundle: Symbol.for('wrapt-hooks.bundle@1'),
  /** Code the esbuild plugin puts in a bundle (bundlers/codegen.ts): the missing preload was reported once. */
  bundleWarned: Symbol.for('wrapt-hooks.bundle-warned@1'),
  /** control/listen.ts: this process's control socket (its path and server). */
  control: Symbol.for('wrapt-hooks.control@1'),
});

/** The value kept under `key` on `globalThis`, created by `make` on first use. */
export function globalSlot<T>(key: symbol, make: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  let value = store[key];
  if (value === undefined) {
    value = make();
    store[key] = value;
  }
  return value;
}
