// Tracing without a patch file: `trace` entries, WRAPT_TRACE and `run --trace` become lazy
// post-import hooks that wrap one function each (tracer.ts) when its target loads. Nothing
// loads or wraps until then.
import { describeCause, report } from '../errors';
import { resolvePath, wrapFunctionWrapper } from '../wrap/patches';
import { notApplied, type NotApplied } from '../core/apply-hook';
import type { Registry } from '../core/registry';
import { parseTarget } from '../core/targets';
import { loadInspect } from './format';
import { mergeOptions, type PlanTrace } from './options';
import { jsonLines, traceSink, type Route } from './output';
import { loadPromiseHooks } from './promises';
import { Stats, statsFor } from './summary';
import { quietly, tracer } from './tracer';
import { functionsOf, isWildcard, joinPath, wildcardParent } from './wildcard';

export interface TraceSettings {
  /** WRAPT_TRACE_SUMMARY / "traceSummary": per-function counts and times at exit. */
  readonly summary?: boolean;
}

/** Registers each trace entry as a lazy post-import hook (nothing loads until its target does). */
export function registerTraces(registry: Registry, traces: readonly PlanTrace[], settings: TraceSettings = {}): void {
  // The builtins a trace uses, loaded now, before the module hooks exist: loading them later
  // would go through the hooks (and fire the hooks of a "util" or "v8" target from inside a
  // traced call), and the functions taken now are the originals even if they are traced.
  loadInspect();
  loadPromiseHooks(quietly);
  // The destination is settled now: a WRAPT_TRACE_FILE that cannot be opened warns at start-up.
  jsonLines();
  traceSink();
  const entries = dedupe(traces);
  const skipFor = leftToOwnEntries(entries);
  for (const trace of entries) {
    let patch: (exports: unknown) => NotApplied | undefined;
    if (isWildcard(trace.path)) {
      const statsOf = perLabel((label) => (settings.summary === true ? statsFor(label) : undefined));
      const skip = skipFor(trace);
      patch = (exports) => applyWildcard(registry, trace, exports, statsOf, skip);
    } else {
      const stats = settings.summary === true ? statsFor(trace.spec) : undefined;
      patch = (exports) => applyTrace(registry, trace, exports, stats);
    }
    Object.defineProperty(patch, 'name', { value: `trace ${trace.spec}` });
    registry.register(patch, trace.target, { baseDir: trace.baseDir, origin: trace.origin, immediate: false, planned: true });
  }
}

/**
 * A function named by an entry of its own is left to that entry by a wildcard over its object:
 * for each wildcard entry of `traces`, which function paths of its target to skip.
 */
export function leftToOwnEntries(traces: readonly PlanTrace[]): (wildcard: PlanTrace) => (fnPath: string) => boolean {
  const named = new Set(traces.filter((trace) => !isWildcard(trace.path)).map((trace) => `${targetKey(trace)}#${trace.path}`));
  return (wildcard) => {
    const key = targetKey(wildcard);
    return (fnPath) => named.has(`${key}#${fnPath}`);
  };
}

/** The counters of each function a wildcard finds, made by `make` at its first sight and the same ones after. */
function perLabel<T>(make: (label: string) => T): (label: string) => T {
  const made = new Map<string, T>();
  return (label) => {
    if (!made.has(label)) made.set(label, make(label));
    return made.get(label) as T;
  };
}

/** The same function listed twice (config and WRAPT_TRACE) is traced once; the later entry's options win where it sets them. */
function dedupe(traces: readonly PlanTrace[]): PlanTrace[] {
  const byKey = new Map<string, PlanTrace>();
  const out: PlanTrace[] = [];
  for (const trace of traces) {
    const key = `${targetKey(trace)}#${trace.path}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, trace);
      out.push(trace);
    } else {
      const options = mergeOptions(seen.options, trace.options);
      const merged = { ...seen, options, stack: options.stack > 0 };
      byKey.set(key, merged);
      out[out.indexOf(seen)] = merged;
    }
  }
  return out;
}

/** What a trace registered by `wrapt-hooks attach` reports, instead of the process's warnings. */
export interface LiveTrace {
  readonly route: Route;
  /** Runs each application of the trace (the attach records what it replaces). */
  around(apply: () => void): void;
  /**
   * The trace wrapped its function in a module instance (`filename`, undefined for builtins);
   * for a wildcard, `names` are the functions it found there.
   */
  applied(filename: string | undefined, names?: readonly string[]): void;
  failed(message: string): void;
}

/** A trace of `wrapt-hooks attach`, registered: how to take it off, its counters, and how to apply it to one more object. */
export interface Registered {
  readonly unregister: () => void;
  /** One per function traced; a wildcard adds one for each function it finds as modules load. */
  readonly stats: readonly Stats[];
  /** Applies the trace to `exports` of the module instance `filename` (an ES module's namespace the registry never saw). */
  apply(exports: unknown, filename: string): void;
}

/**
 * Registers one trace for an attached `wrapt-hooks attach` (docs/attach.md): it fires at once for
 * the instances already loaded and for those loaded later, writes through `live.route`, counts
 * into its own Stats (never the process's exit summary) and reports to `live` instead of warning.
 * A wildcard entry (`#*`, `#Class.prototype.*`) traces every function it finds, as at start-up,
 * leaving to their own entries the functions `skip` says other entries of the attach name.
 */
export function registerLiveTrace(registry: Registry, trace: PlanTrace, live: LiveTrace, skip: (fnPath: string) => boolean = () => false): Registered {
  loadInspect();
  loadPromiseHooks(quietly);
  const stats: Stats[] = [];
  const statsOf = perLabel((label) => {
    const made = new Stats(label);
    stats.push(made);
    return made;
  });
  const wildcard = isWildcard(trace.path);
  if (!wildcard) statsOf(trace.spec);
  // Two views of one object (a class prototype reached from a CommonJS module and from an ES
  // module wrapper of it) get one wrapper.
  const seen = { ...live, wrappers: new WeakSet<object>() };
  const apply = (exports: unknown, filename: string | undefined): void =>
    live.around(
      () =>
        void (wildcard
          ? applyWildcard(registry, trace, exports, statsOf, skip, seen, filename)
          : applyTrace(registry, trace, exports, statsOf(trace.spec), seen, filename)),
    );
  const patch = (exports: unknown, info: { filename?: string }): void => apply(exports, info.filename);
  Object.defineProperty(patch, 'name', { value: `trace ${trace.spec}` });
  // Internal: the attach reports what it applied; the process's exit summary is about its own configuration.
  const unregister = registry.register(patch, trace.target, { baseDir: trace.baseDir, origin: trace.origin, immediate: true, planned: false, internal: true });
  return { unregister, stats, apply };
}

/** What a live trace tracks besides `LiveTrace`: the wrappers it made, so that no function gets two. */
type Seen = LiveTrace & { wrappers: WeakSet<object> };

/** The target of an entry as the registry keys it (the same module however it is written). */
function targetKey(trace: PlanTrace): string {
  const target = parseTarget(trace.target, trace.baseDir);
  return typeof target === 'string' ? `${trace.baseDir}\0${trace.target}` : target.key;
}

/**
 * How a trace that could not apply says so: to the attach that registered it (`live`), else as a
 * warning, and by returning notApplied so that the exit summary counts it as failed.
 */
function failure(registry: Registry, live: Seen | undefined): (message: string, error?: unknown) => NotApplied | undefined {
  return (message, error) => {
    if (live !== undefined) {
      live.failed(message);
      return undefined;
    }
    report(registry.strict, 'WRAPT_HOOKS_TRACE_PATH', message, error);
    return notApplied(message);
  };
}

/** A wildcard entry: every function of the object its path names, each traced as an entry of its own. */
function applyWildcard(
  registry: Registry,
  trace: PlanTrace,
  exports: unknown,
  statsOf: (label: string) => Stats | undefined,
  skip: (fnPath: string) => boolean,
  live?: Seen,
  filename?: string,
): NotApplied | undefined {
  const where = `trace "${trace.spec}" (${trace.origin})`;
  const fail = failure(registry, live);
  const parentPath = wildcardParent(trace.path);
  let parent: unknown;
  try {
    parent = parentPath === '' ? exports : resolvePath(exports, parentPath)[2];
  } catch (error) {
    return fail(`${where}: ${describeCause(error)}`, error);
  }
  const names = functionsOf(parent).filter((name) => !skip(joinPath(parentPath, name)));
  if (names.length === 0) {
    const what = parentPath === '' ? `the exports of "${trace.target}"` : `"${parentPath}"`;
    return fail(
      `${where}: "${trace.path}" matches no function when "${trace.target}" loads (${what} ${parent === null || parent === undefined ? `is ${String(parent)}` : 'holds no function as an own property; getters are not called'}), so nothing is traced. Check the path against the module's exports (methods are "Class.prototype.*").`,
    );
  }
  const failed: string[] = [];
  const traced: string[] = [];
  for (const name of names) {
    const fnPath = joinPath(parentPath, name);
    const label = `${trace.target}#${fnPath}`;
    try {
      // functionsOf read it as an own data property: reading it again calls nothing.
      if (live?.wrappers.has((parent as Record<string, object>)[name]!) !== true) {
        const wrapper = wrapFunctionWrapper<object>(exports, fnPath, tracer(label, trace.options, statsOf(label), live?.route));
        live?.wrappers.add(wrapper);
      }
      traced.push(name);
    } catch (error) {
      failed.push(`"${name}" (${describeCause(error)})`);
    }
  }
  if (traced.length > 0) live?.applied(filename, traced);
  if (failed.length > 0) return fail(`${where}: cannot trace ${failed.join(', ')}; the other ${names.length - failed.length} functions are traced.`);
  return undefined;
}

function applyTrace(registry: Registry, trace: PlanTrace, exports: unknown, stats: Stats | undefined, live?: Seen, filename?: string): NotApplied | undefined {
  const where = `trace "${trace.spec}" (${trace.origin})`;
  const fail = failure(registry, live);
  let original: unknown;
  try {
    original = resolvePath(exports, trace.path)[2];
  } catch (error) {
    return fail(`${where}: ${describeCause(error)}`, error);
  }
  if (typeof original !== 'function') {
    const what =
      original === undefined
        ? 'not there'
        : `${original === null ? 'null' : typeof original === 'object' ? 'an object' : `a ${typeof original}`}, not a function`;
    return fail(
      `${where}: "${trace.path}" is ${what} when "${trace.target}" loads, so it is not traced. Check the path against the module's exports (methods are "Class.prototype.method").`,
    );
  }
  if (live?.wrappers.has(original) === true) {
    live.applied(filename);
    return;
  }
  try {
    const wrapper = wrapFunctionWrapper<object>(exports, trace.path, tracer(trace.spec, trace.options, stats, live?.route));
    live?.wrappers.add(wrapper);
  } catch (error) {
    return fail(`${where}: cannot trace "${trace.path}": ${describeCause(error)}`, error);
  }
  live?.applied(filename);
  return undefined;
}
