// What a bundle built with the esbuild plugin hands to the preload at run time: the baked plan
// (the config, read at build time) when the bundle starts, then each bundled target module as it
// is evaluated. The bundle and the preload may come from different installed versions of
// wrapt-hooks, so these shapes only grow; their version is in the global key (KEYS.bundle).
// Types only.
import type { PlanTrace } from '../config/types';
import type { Bindings, BundledModule } from '../core/bundled';
import type { Target } from '../core/targets';

export type { Bindings, BundledModule } from '../core/bundled';

/** One patch of the baked plan. */
export interface BakedPatch {
  /** The target, parsed at build time: an application file's key is its path on the build machine. */
  readonly target: Target;
  /** As written in the config (for messages and the summary). */
  readonly spec: string;
  readonly versions: string | undefined;
  readonly baseDir: string;
  readonly origin: string;
  /** Index into the bundle's loaders (the patch module, bundled), or a file that wrapt-hooks itself ships (a recipe's patch), relative to its root. */
  readonly module: number | { readonly own: string };
}

export interface Baked {
  /** The bundle's output format: ES module output links its builtin imports before any of its code runs. */
  readonly format: 'cjs' | 'esm';
  /** The config file read at build time, for messages. */
  readonly config: string | undefined;
  readonly dir: string;
  readonly strict: boolean;
  readonly patches: readonly BakedPatch[];
  readonly trace: readonly PlanTrace[];
  /** The config's "traceSummary". */
  readonly traceSummary: boolean;
}

/** What the preload keeps on `globalThis` under KEYS.bundle. */
export interface BundleApi {
  /** Called once per evaluation of a bundle; undefined when wrapt-hooks is turned off. */
  install(baked: Baked, loaders: readonly (() => unknown)[]): BundleHandle | undefined;
}

export interface BundleHandle {
  /** A bundled target module was evaluated: fires its hooks; returns what its importers receive. */
  loaded(module: BundledModule, value: unknown, bindings?: Bindings): unknown;
}
