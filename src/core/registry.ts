// The post-import hook registry: who waits for what (hook-table.ts), which module instances have
// loaded (instances.ts), and firing each hook once per instance (apply-hook.ts runs one and says
// what came of it; this file counts, reports and accepts it). It knows nothing of how modules are
// intercepted (hooks/*) nor of config files: both call into it. The module hooks hear of new
// targets and replaced exports through `listen`, and the thread's registry is made by hooks/index.ts
// with the way to find modules loaded before a hook (hooks/loaded.ts).
import { syncBuiltinESMExports } from 'node:module';
import { debug } from '../debug';
import { report } from '../errors';
import type { Hook } from '../types';
import { applyHook, PatchFunctions } from './apply-hook';
import { HookTable, nextHookId } from './hook-table';
import { Instances } from './instances';
import type { TargetTables } from './match';
import { replacesExports } from './patch-result';
import { checkSpecifier, parseTarget, type Target } from './targets';
import { followBuiltinSync, syncView } from './views';
import type { DeclaredPatch, FindLoaded, HookOptions, HookRecord, Instance, LoadEvent, RegistryListener, RegistryOptions, SummaryRow } from './registry-types';

export type { DeclaredPatch, Format, HookOptions, LoadEvent, RegistryOptions, SummaryRow } from './registry-types';

/** The exit summary's rows: each hook on each instance, by what came of it. */
export interface Summary {
  readonly applied: readonly SummaryRow[];
  readonly failed: readonly SummaryRow[];
  readonly skipped: readonly SummaryRow[];
}

export class Registry implements TargetTables {
  private readonly table = new HookTable();
  private readonly instances = new Instances();
  private readonly patches = new PatchFunctions();
  private readonly listeners: RegistryListener[] = [];
  private readonly rows = { applied: [] as SummaryRow[], failed: [] as SummaryRow[], skipped: [] as SummaryRow[] };
  private readonly findLoaded: FindLoaded | undefined;
  private strictMode: boolean;
  private disabledKeys: ReadonlySet<string>;

  // The target keys by kind, which the module hooks test each load against (match.ts).
  readonly builtins = this.table.builtins;
  readonly packages = this.table.packages;
  readonly deep = this.table.deep;
  readonly files = this.table.files;

  constructor(options: RegistryOptions = {}) {
    this.strictMode = options.strict === true;
    this.disabledKeys = options.disabled ?? new Set();
    this.findLoaded = options.findLoaded;
  }

  /** Does a problem throw (WRAPT_HOOKS_STRICT) instead of warning? */
  get strict(): boolean {
    return this.strictMode;
  }

  /** Targets switched off by WRAPT_HOOKS_DISABLE (canonical keys). */
  get disabled(): ReadonlySet<string> {
    return this.disabledKeys;
  }

  /**
   * The flags of a later start in this thread (a bundle's baked config after the preload's, or
   * the preload after the API made the registry): strict stays on once on; WRAPT_HOOKS_DISABLE
   * (one variable per process) gives the disabled targets.
   */
  adopt(options: Pick<RegistryOptions, 'strict' | 'disabled'>): void {
    if (options.strict === true) this.strictMode = true;
    if (options.disabled !== undefined) this.disabledKeys = options.disabled;
  }

  /** Tells `listener` of new targets and replaced exports from now on; returns the function that stops it. */
  listen(listener: RegistryListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at !== -1) this.listeners.splice(at, 1);
    };
  }

  /** What came of each hook on each instance so far (the exit summary's rows). */
  summary(): Summary {
    return this.rows;
  }

  /** Registers a patch declared by a config file or a patch package (its target already parsed). */
  registerPatch(patch: DeclaredPatch, options: { immediate: boolean; planned?: boolean }): () => void {
    return this.register(patch.spec, patch.parsed, { baseDir: patch.baseDir, origin: patch.origin, versions: patch.versions, load: patch.load, ...options });
  }

  /** Registers `hook` for `target` (as written, or parsed); returns its undo function. */
  register(hook: Hook, targetWritten: string | Target, options: HookOptions): () => void {
    const target = typeof targetWritten === 'string' ? parseTarget(targetWritten, options.baseDir) : targetWritten;
    if (typeof target === 'string') {
      report(this.strictMode, 'WRAPT_HOOKS_INVALID_ARGUMENT', `${options.origin}: ${target}.`);
      return noop;
    }
    if (typeof hook === 'string') {
      const problem = checkSpecifier(hook);
      if (problem !== undefined) {
        report(this.strictMode, 'WRAPT_HOOKS_INVALID_ARGUMENT', `${options.origin}: ${problem}.`);
        return noop;
      }
    } else if (typeof hook !== 'function') {
      report(
        this.strictMode,
        'WRAPT_HOOKS_INVALID_ARGUMENT',
        `${options.origin}: the hook for "${target.written}" must be a function or a "<module>#<export>" string, got ${hook === null ? 'null' : typeof hook}.`,
      );
      return noop;
    }
    const label = typeof hook === 'string' ? hook : hook.name ? `${hook.name}()` : '(anonymous function)';
    if (this.disabledKeys.has(target.key)) {
      debug(`skip ${target.written} ${label}: disabled by WRAPT_HOOKS_DISABLE`);
      if (options.planned === true)
        this.rows.skipped.push({ target: target.written, version: undefined, patch: label, reason: 'disabled by WRAPT_HOOKS_DISABLE' });
      return noop;
    }
    const record: HookRecord = { id: nextHookId(), target, hook, options, label, active: true };
    if (this.table.add(record)) for (const listener of this.listeners) listener.newTarget?.(target);
    if (options.immediate) this.fireLoaded(target);
    return () => this.unregister(record);
  }

  /** Is the declaration at `origin` (a config file and key) already registered for target `key`? A bundle's baked config is, when the same file is also found beside it. */
  isDeclared(key: string, origin: string): boolean {
    return this.table.hooksOf(key)?.some((record) => record.active && record.options.origin === origin) ?? false;
  }

  /** Targets that have at least one active hook. */
  targets(): Target[] {
    return this.table.targets();
  }

  hasTargets(): boolean {
    return this.table.size > 0;
  }

  /** Is `key` (a builtin name, package name, normalized deep path or absolute file) a target? O(1). */
  isTarget(key: string): boolean {
    return this.table.has(key);
  }

  private unregister(record: HookRecord): void {
    if (!record.active) return;
    record.active = false;
    this.table.remove(record);
  }

  /**
   * A target module was loaded (or another view of it appeared). Fires the hooks that have
   * not fired for this instance and returns what a `require` caller should receive.
   */
  onLoad(event: LoadEvent): unknown {
    const instance = this.instances.instanceFor(event, this);
    // The CommonJS entry under an ES module entry that re-exports it (views.ts twinOf), required
    // after the ES module: one more view, and what `require` returns.
    const twinExports = event.via === 'require' && event.format === 'commonjs' && instance.format === 'module';
    if ((event.via === 'import' || twinExports) && !instance.views.includes(event.value)) {
      instance.views.push(event.value);
      if (instance.format === 'builtin') followBuiltinSync(() => this.syncBuiltinViews());
    }
    this.instances.seenAs(instance, event.keys);
    let ran = false;
    for (const key of event.keys) ran = this.fire(key, instance) || ran;
    if (!ran && (event.via === 'import' || twinExports)) syncView(instance, event.value);
    if (twinExports) return event.value;
    if (event.via === 'require') return instance.exports;
    return undefined;
  }

  /** After `module.syncBuiltinESMExports()`: the ES module views of builtins follow their exports too. */
  private syncBuiltinViews(): void {
    for (const instance of this.instances.builtins()) for (const view of instance.views) syncView(instance, view);
  }

  /** Runs the hooks of `key` that have not fired for `instance`; true when any ran. */
  private fire(key: string, instance: Instance): boolean {
    const list = this.table.hooksOf(key);
    if (list === undefined) return false;
    let ran = false;
    for (const record of [...list]) {
      if (!record.active || instance.fired.has(record.id)) continue;
      instance.fired.add(record.id);
      ran = this.run(record, instance) || ran;
    }
    if (ran) {
      if (instance.format === 'builtin') syncBuiltinESMExports();
      for (const view of instance.views) syncView(instance, view);
    }
    return ran;
  }

  /** Runs one hook on one instance and counts what came of it; true when the patch ran. Fail-open: problems are reported and the module loads on. */
  private run(record: HookRecord, instance: Instance): boolean {
    const outcome = applyHook(record, instance, this.patches);
    const row = { target: record.target.written, version: outcome.version, patch: record.label };
    switch (outcome.status) {
      case 'skipped':
        this.rows.skipped.push({ ...row, reason: outcome.reason });
        return false;
      case 'unusable':
      case 'threw':
        this.rows.failed.push({ ...row, reason: outcome.reason });
        report(this.strictMode, outcome.problem.code, outcome.problem.message, outcome.problem.cause);
        // A patch that threw ran, and may have changed the exports before it did; one never loaded did not.
        return outcome.status === 'threw';
      case 'declined':
        this.rows.failed.push({ ...row, reason: outcome.reason });
        this.accept(record, instance, outcome.result);
        return true;
      case 'applied':
        if (record.options.internal !== true) this.rows.applied.push({ ...row, ms: outcome.ms });
        this.accept(record, instance, outcome.result);
        return true;
    }
  }

  /** What a patch returned: nothing, a promise, its own wrapper, or replacement exports. */
  private accept(record: HookRecord, instance: Instance, result: unknown): void {
    if (!replacesExports(record, instance, result, this.strictMode)) return;
    const before = instance.exports;
    instance.exports = result;
    for (const listener of this.listeners) listener.replaced?.(before, result);
    // A bundled module's filename is where it was on the build machine, not a require.cache entry.
    if (instance.filename !== undefined && instance.key === instance.filename) {
      const cached = require.cache[instance.filename];
      if (cached !== undefined) cached.exports = result;
    }
  }

  /** Fires an immediate hook for instances already loaded: those the registry saw, and those `findLoaded` finds. */
  private fireLoaded(target: Target): void {
    this.findLoaded?.(
      target,
      this,
      (key, module) => this.instances.has(key, module),
      (event) => this.onLoad(event),
    );
    for (const instance of this.instances.ofTarget(target.key)) this.fire(target.key, instance);
  }

  /** Brings the ES module views of `key`'s loaded instances back in step with their exports (after wrappers were taken off). */
  resync(key: string): void {
    for (const instance of this.instances.ofTarget(key)) {
      if (instance.format === 'builtin') syncBuiltinESMExports();
      for (const view of instance.views) syncView(instance, view);
    }
  }

  /** Targets that have hooks declared by config or discovery but no instance yet. */
  neverImported(): { target: string; parsed: Target; patches: string[] }[] {
    const rows: { target: string; parsed: Target; patches: string[] }[] = [];
    for (const [key, list] of this.table.entries()) {
      if (this.instances.ofTarget(key).length > 0) continue;
      const planned = list.filter((record) => record.active && record.options.planned === true);
      if (planned.length > 0) rows.push({ target: planned[0]!.target.written, parsed: planned[0]!.target, patches: planned.map((record) => record.label) });
    }
    return rows;
  }
}

function noop(): void {}
