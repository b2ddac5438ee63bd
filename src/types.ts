// Public types. This module imports nothing.

/** What a patch function is told about the module it patches. */
export interface ModuleInfo {
  /** The target as written where the hook was declared ("fs", "node:fs", "express", "./src/db.js", ...). */
  target: string;
  /** Package or builtin name ("fs", "express"); for a file of the application, its path as written. */
  name: string;
  /** The package's version; `undefined` for builtins and application files. */
  version?: string;
  /** The package root; for an application file, the directory its target was resolved against; `undefined` for builtins. */
  baseDir?: string;
  /** The file that was loaded, where there is one. */
  filename?: string;
  /** How the module was loaded. */
  format: 'commonjs' | 'module' | 'builtin';
}

/**
 * A patch. Receives `module.exports` (CommonJS, builtins) or a namespace whose existing
 * exports can be reassigned (ESM). Returns `undefined` to change nothing, or a value that
 * replaces the CommonJS exports.
 */
// The exports of an arbitrary module have no static type: `any` is the honest one here.

export type PatchFn = (exports: any, info: ModuleInfo) => unknown;

/** A patch function, or a lazy specifier `"<module>#<export>"` resolved when the target loads. */
export type Hook = PatchFn | string;

/**
 * A wrapper around a function: `wrapped(...args)` calls the original with the original
 * `this` (and, on `new`, constructs with the same `new.target`); `instance` is the call's
 * `this` (`undefined` for plain calls and for `new`).
 */

export type Wrapper = (wrapped: (...args: any[]) => any, instance: any, args: any[]) => unknown;

/** One patch entry of a config file: a specifier, or an object with options. */
export type PatchEntry =
  | string
  | {
      /** `"<module>#<export>"` or `"<module>"`. */
      patch: string;
      /** A semver range checked against the target package's version. */
      versions?: string;
      /** `false` turns the entry off. */
      enabled?: boolean;
    };

/** One trace entry: `"<target>#<path>"`, or an object with options. */
export type TraceEntry = string | { fn: string; stack?: boolean; enabled?: boolean };

/** The shape of a config file (and of a patch package's `"wrapt-hooks"` field). */
export interface Config {
  patches?: Record<string, PatchEntry | PatchEntry[]>;
  packages?: string[];
  trace?: TraceEntry[];
  /** `"otel"`: traced calls and recipe events are also OpenTelemetry spans (docs/opentelemetry.md). */
  export?: 'otel';
  strict?: boolean;
}

/** Options of `discoverPostImportHooks`. */
export interface DiscoverOptions {
  /** Directory to resolve the package from (default: `process.cwd()`). */
  from?: string;
}
