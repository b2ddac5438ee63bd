// The registry's records: hooks, module instances, load events and summary rows, and what the
// registry is made with and tells its listeners. Types only.
import type { Hook, ModuleInfo } from '../types';
import type { TargetTables } from './match';
import type { Target } from './targets';

export type Format = ModuleInfo['format'];

export interface HookOptions {
  /** Directory lazy specifiers and relative targets resolve against. */
  readonly baseDir: string;
  /** Where the hook was declared, for messages: `config /app/.wrapt-hooksrc.json, key "patches.fs"`. */
  readonly origin: string;
  /** A semver range the target's version must satisfy. */
  readonly versions?: string | undefined;
  /** Fire at once for instances that are already loaded (API registrations); config hooks wait for the app's first import. */
  readonly immediate: boolean;
  /** Counted in the exit summary ("never imported"): hooks from config, discovery and traces. */
  readonly planned?: boolean;
  /** The patch module bundled with the application (esbuild plugin): called instead of resolving the specifier. */
  readonly load?: (() => unknown) | undefined;
  /** wrapt-hooks' own hook (the import-in-the-middle bridge): no debug line, not in the summary. */
  readonly internal?: boolean;
}

export interface HookRecord {
  readonly id: number;
  readonly target: Target;
  readonly hook: Hook;
  readonly options: HookOptions;
  readonly label: string;
  active: boolean;
}

export interface Instance {
  readonly key: string;
  readonly name: string;
  readonly format: Format;
  readonly filename: string | undefined;
  readonly baseDir: string | undefined;
  readonly version: string | undefined;
  /** The CommonJS module object, where one is known: a module evaluated again (after a `require.cache` delete) is a new instance. */
  module: object | undefined;
  /** The canonical exports: what patches receive and what `require` returns. */
  exports: any;
  /** A real module namespace from require(esm): copied to a mutable object before a patch runs. */
  frozen: boolean;
  readonly fired: Set<number>;
  /** Namespace objects handed to ESM importers, kept in step with `exports`. */
  readonly views: object[];
}

/** A patch as a config file or a patch package declares it (config.ts PlanPatch). */
export interface DeclaredPatch {
  readonly parsed: Target;
  readonly spec: string;
  readonly versions: string | undefined;
  readonly baseDir: string;
  readonly origin: string;
  /** See HookOptions.load. */
  readonly load?: (() => unknown) | undefined;
}

export interface LoadEvent {
  readonly keys: readonly string[];
  readonly format: Format;
  readonly via: 'require' | 'import';
  /** `module.exports` or a real namespace for `require`; the import-in-the-middle namespace for `import`. */
  readonly value: any;
  /** The builtin's name, or the loaded file. */
  readonly builtin?: string;
  readonly filename?: string;
  /** The CommonJS module object (`require.cache[filename]`), where the hook knows it. */
  readonly module?: object | undefined;
  /** A module inside a bundle (core/bundled.ts): its instance key, and the package details found at build time. */
  readonly bundled?: BundledDetails;
}

export interface BundledDetails {
  readonly instance: string;
  readonly name: string;
  readonly baseDir: string | undefined;
  readonly version: string | undefined;
}

export interface SummaryRow {
  target: string;
  version: string | undefined;
  patch: string;
  ms?: number;
  reason?: string;
}

/** What the thread's registry is made with. */
export interface RegistryOptions {
  /** WRAPT_HOOKS_STRICT / "strict": a problem throws instead of warning. */
  readonly strict?: boolean | undefined;
  /** Targets switched off by WRAPT_HOOKS_DISABLE (canonical keys). */
  readonly disabled?: ReadonlySet<string> | undefined;
  /** Where a hook that fires at once finds the modules loaded before it (hooks/loaded.ts); without it, only instances the registry has seen. */
  readonly findLoaded?: FindLoaded;
}

/**
 * Hands `load` a load event for each module of `target` that is loaded already and that the
 * registry has not `seen` (an instance key, and the CommonJS module object where there is one).
 */
export type FindLoaded = (target: Target, tables: TargetTables, seen: (key: string, module?: object) => boolean, load: (event: LoadEvent) => void) => void;

/** What the module hooks hear from the registry (`Registry.listen`). */
export interface RegistryListener {
  /** A target key gained its first hook. */
  readonly newTarget?: (target: Target) => void;
  /** A patch replaced a module instance's exports: `before` -> `after`. */
  readonly replaced?: (before: unknown, after: unknown) => void;
}
