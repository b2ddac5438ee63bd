// What one `wrapt-hooks attach` adds to the process, and takes off again at its detach
// (docs/attach.md). Traces and recipes go through the registry and the trace code the preload
// uses, registered to fire at once for what is loaded and later for what loads; every property
// they replace is recorded (wrap/patches.ts recordReplacements) and put back at the detach.
import { parseTraceEntry, optionProblem } from '../config/validate';
import { discover } from '../config/discovery';
import type { Registry } from '../core/registry';
import { loadSpecifier } from '../core/patch-loader';
import { parseTarget, type Target } from '../core/targets';
import { TargetSets } from '../core/match';
import { describeCause } from '../errors';
import { KEYS } from '../global-state';
import { ensureHooks } from '../hooks/index';
import type { BootstrapResult, Plan, PlanTrace } from '../config/types';
import { RECIPE_PREFIX, listenLazily, recipeNames, startRecipe } from '../recipes/discover';
import { loadRecipe } from '../recipes/index';
import { routeSource, type Route } from '../trace/output';
import { leftToOwnEntries, registerLiveTrace, type Registered } from '../trace/register';
import type { Stats } from '../trace/summary';
import { isWildcard } from '../trace/wildcard';
import { recordReplacements, restoreReplacement, type Replacement } from '../wrap/patches';
import { isModuleNamespaceObject } from 'node:util/types';

const ORIGIN = 'wrapt-hooks attach';

/** What became of one `--trace` entry or `--recipe`, as the client prints it. */
export type Result = { entry: string; status: 'applied' | 'waiting' | 'failed' | 'on'; message: string };

type Namespaces = Map<string, { filename: string; namespace: object }[]>;

export class Changes {
  private readonly replacements: Replacement[] = [];
  private readonly undo: (() => void)[] = [];
  private readonly keys = new Set<string>();
  private readonly traces: Registered[] = [];
  private off = false;

  /** `route` takes the lines of what is turned on; `note` what happens later (a target loaded then). */
  constructor(
    private readonly registry: Registry,
    private readonly route: Route,
    private readonly note: (text: string) => void,
  ) {}

  /** The counters of the traces turned on, one per function traced. */
  stats(): Stats[] {
    return this.traces.flatMap(({ stats }) => stats);
  }

  /** Turns on `specs` (trace entries) and `recipes`; one Result each. */
  async add(specs: readonly string[], recipes: readonly string[]): Promise<Result[]> {
    const results: Result[] = [];
    const traces: { spec: string; trace: PlanTrace; target: Target }[] = [];
    for (const spec of specs) {
      const read = readTrace(spec);
      if ('status' in read) results.push(read);
      else traces.push({ spec, ...read });
    }
    // Before any target is registered, and so before the module hooks include these files: an
    // `import()` of a loaded module then hands back its own namespace, not a new wrapper of it.
    const namespaces = await this.loadedNamespaces(traces.map(({ target }) => target));
    // A connection lost while the namespaces loaded has been detached already: nothing to add.
    if (this.off) return [];
    if (traces.length > 0 || recipes.some((name) => name !== 'handles')) ensureHooks(this.registry);
    const skipFor = leftToOwnEntries(traces.map(({ trace }) => trace));
    for (const { spec, trace, target } of traces) results.push(this.trace(spec, trace, target, namespaces, skipFor(trace)));
    for (const name of recipes) results.push(this.recipe(name));
    return results;
  }

  /** Runs a patch of this attach with every property it replaces recorded. */
  private recorded<T>(fn: () => T): T {
    return recordReplacements((replacement) => this.replacements.push(replacement), fn);
  }

  /**
   * The namespaces of ES modules loaded before the attach that the registry never saw (the
   * process had no hook for them) and that `targets` name, by target key.
   */
  private async loadedNamespaces(targets: readonly Target[]): Promise<Namespaces> {
    const byKey: Namespaces = new Map();
    const wanted = targets.filter((target) => target.kind !== 'builtin' && !this.registry.isTarget(target.key));
    if (wanted.length === 0) return byKey;
    const { importLoaded, loadedEsmTargets, loadedScriptUrls } = require('./loaded-esm') as typeof import('./loaded-esm');
    const tables = new TargetSets();
    for (const target of wanted) tables.setOf(target).add(target.key);
    for (const { url, filename, keys } of loadedEsmTargets(tables, loadedScriptUrls())) {
      let namespace: unknown;
      try {
        namespace = await importLoaded(url);
      } catch {
        continue; // a module that failed to evaluate: nothing to trace in it
      }
      if (!isModuleNamespaceObject(namespace)) continue;
      for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), { filename, namespace: namespace as object }]);
    }
    return byKey;
  }

  private trace(spec: string, trace: PlanTrace, target: Target, namespaces: Namespaces, skip: (fnPath: string) => boolean): Result {
    this.keys.add(target.key);
    let now = true;
    const applied: string[] = [];
    const failures: string[] = [];
    const registered = registerLiveTrace(
      this.registry,
      trace,
      {
        route: this.route,
        around: (fn) => this.recorded(fn),
        applied: (filename, names) => {
          const where = `${filename ?? trace.target}${names === undefined ? '' : ` (${names.length} function${names.length === 1 ? '' : 's'}: ${names.join(', ')})`}`;
          if (now) applied.push(where);
          else this.note(`trace ${trace.spec}: applied to ${where}, loaded now`);
        },
        failed: (message) => {
          if (now) failures.push(message);
          else this.note(message);
        },
      },
      skip,
    );
    this.undo.push(registered.unregister);
    this.traces.push(registered);
    for (const { filename, namespace } of applied.length === 0 ? (namespaces.get(target.key) ?? []) : []) {
      const binding = ownBinding(trace, filename);
      if (binding === undefined) registered.apply(namespace, filename);
      else failures.push(binding);
    }
    now = false;
    const traced = `traced in ${[...new Set(applied)].join(', ')}`;
    if (applied.length > 0) return { entry: spec, status: 'applied', message: failures.length === 0 ? traced : `${traced}; ${failures.join('; ')}` };
    if (failures.length > 0) return { entry: spec, status: 'failed', message: failures.join('; ') };
    return { entry: spec, status: 'waiting', message: `"${trace.target}" is not loaded yet: traced when the process loads it` };
  }

  private recipe(name: string): Result {
    const entry = `recipe ${name}`;
    if (!recipeNames().includes(name)) return { entry, status: 'failed', message: `"${name}" is not a recipe. The recipes are: ${recipeNames().join(', ')}` };
    const full = RECIPE_PREFIX + name;
    if (bootPlan()?.packages.some((item) => item.name === full) === true) {
      return { entry, status: 'on', message: "already on in the process (its own configuration); its lines go to the process's output" };
    }
    const found = discover(full, safeCwd(), ORIGIN);
    if (found.problems.length > 0 || found.root === undefined) return { entry, status: 'failed', message: found.problems.map((p) => p.message).join('; ') };
    routeSource(name, this.route);
    this.undo.push(() => routeSource(name, undefined));
    const problems: string[] = [];
    const onError = (message: string, error: unknown): void => {
      problems.push(error === undefined ? message : `${message}: ${describeCause(error)}`);
    };
    for (const patch of found.patches) {
      const lazy = loadSpecifier(patch.spec, patch.baseDir, `for "${patch.target}" (${ORIGIN} --recipe ${name})`);
      if ('error' in lazy) {
        problems.push(lazy.error.message);
        continue;
      }
      const fn = lazy.fn;
      const hook = (exports: unknown, info: Parameters<typeof fn>[1]): unknown => this.recorded(() => fn(exports, info));
      Object.defineProperty(hook, 'name', { value: `recipe ${name}` });
      this.keys.add(patch.parsed.key);
      this.undo.push(
        this.registry.register(hook, patch.parsed, {
          baseDir: patch.baseDir,
          origin: `${ORIGIN} --recipe ${name}`,
          versions: patch.versions,
          immediate: true,
          planned: false,
          internal: true,
        }),
      );
    }
    this.undo.push(listenLazily(found.root, onError));
    this.recorded(() => startRecipe(found.root!, onError));
    this.undo.push(() => {
      const off = (loadRecipe(name) as { off?: unknown } | undefined)?.off;
      if (typeof off === 'function') (off as () => void)();
    });
    if (problems.length > 0) return { entry, status: 'failed', message: problems.join('; ') };
    return { entry, status: 'applied', message: 'on' };
  }

  /**
   * Takes off everything added: hooks unregistered, recipes off, each replaced property put back
   * (one that something else replaced since is left as it is, and named in `kept`). Idempotent.
   */
  takeOff(): { restored: number; kept: string[] } {
    this.off = true;
    for (const fn of this.undo.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // an undo that fails leaves the rest to run
      }
    }
    let restored = 0;
    const kept: string[] = [];
    for (const replacement of this.replacements.splice(0).reverse()) {
      if (restoreReplacement(replacement)) restored++;
      else kept.push(`${replacement.attribute}: replaced again since the attach wrapped it, left as it is`);
    }
    for (const key of this.keys) this.registry.resync(key);
    return { restored, kept };
  }
}

/** A trace entry of the attach, resolved against the process's working directory, or why it cannot be. */
function readTrace(spec: string): Result | { trace: PlanTrace; target: Target } {
  const cwd = safeCwd();
  const read = parseTraceEntry(spec, cwd);
  if (typeof read.parsed === 'string') return { entry: spec, status: 'failed', message: read.parsed };
  if (read.problems.length > 0) return { entry: spec, status: 'failed', message: `${optionProblem(read.problems[0]!)}.` };
  const target = parseTarget(read.parsed.target, cwd);
  if (typeof target === 'string') return { entry: spec, status: 'failed', message: target };
  return { trace: { ...read.parsed, options: read.options, stack: read.options.stack > 0, baseDir: cwd, origin: ORIGIN }, target };
}

/**
 * Why `trace` cannot be applied to an ES module loaded before the attach: it names the module's
 * own bindings (`#hello`, `#*`), which cannot be replaced once it is loaded; undefined for a
 * member reachable from them (`#Greeter.prototype.greet`, `#Greeter.prototype.*`).
 */
function ownBinding(trace: PlanTrace, filename: string): string | undefined {
  const { spec, path: fnPath } = trace;
  const wildcard = isWildcard(fnPath);
  if (wildcard ? fnPath !== '*' : fnPath.includes('.')) return undefined;
  const what = wildcard ? '"*" stands for the export bindings' : `"${fnPath}" is an export binding`;
  return `trace "${spec}": ${what} of the ES module ${filename}, loaded before the attach; a module's own bindings cannot be replaced once it is loaded. Trace a member reachable from it (like "Class.prototype.method" or "Class.prototype.*"), or start the process with WRAPT_TRACE=${spec}`;
}

/** The plan the preload started this thread with (undefined when it started with none). */
export function bootPlan(): Plan | undefined {
  return (globalThis as unknown as Record<symbol, BootstrapResult | undefined>)[KEYS.bootstrapped]?.plan;
}

/** The process's working directory ('/' when it was removed). */
export function safeCwd(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
}
