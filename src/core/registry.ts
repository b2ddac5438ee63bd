// The post-import hook registry: which hooks wait for which targets, which module instances
// have been seen, and firing each hook once per instance. It knows nothing of how modules are
// intercepted (hooks/*) nor of config files: both call into it.
import { syncBuiltinESMExports } from 'node:module';
import { debug } from '../debug';
import { globalSlot, KEYS } from '../global-state';
import { describeCause, report } from '../errors';
import { checkSpecifier, parseTarget, type Target } from './targets';
import { DeepTargets, matchRequired, packageOf, type TargetTables } from './match';
import { loadBundled, loadSpecifier, type Lazy } from './patch-loader';
import { packageVersion, replacesExports } from './patch-result';
import { followBuiltinSync, mutableCopy, syncView, twinOf } from './views';
import { satisfies } from './versions';
import { withExportsCopy } from '../wrap/exports-copy';
import type { Hook, ModuleInfo, PatchFn } from '../types';
import type { DeclaredPatch, HookOptions, HookRecord, Instance, LoadEvent, SummaryRow } from './registry-types';

export type { DeclaredPatch, Format, HookOptions, LoadEvent, SummaryRow } from './registry-types';

let nextId = 1;

export class Registry implements TargetTables {
  strict = false;
  /** Targets switched off by WRAPT_HOOKS_DISABLE (canonical keys). */
  disabled: ReadonlySet<string> = new Set();
  disabledAll = false;

  readonly builtins = new Set<string>();
  readonly packages = new Set<string>();
  readonly deep = new DeepTargets();
  readonly files = new Set<string>();

  readonly applied: SummaryRow[] = [];
  readonly failed: SummaryRow[] = [];
  readonly skipped: SummaryRow[] = [];

  /** Called once for each target key that gains its first hook; the module hooks listen. */
  onNewTarget: ((target: Target) => void) | undefined;
  /** Called when a patch replaces a module's exports (`before` -> `after`); the CommonJS hook listens. */
  onReplace: ((before: unknown, after: unknown) => void) | undefined;

  /** Set by `notApplied` while a built-in patch (a trace) runs: it returned but did nothing. */
  private failure: string | undefined;

  private readonly hooksByTarget = new Map<string, HookRecord[]>();
  private readonly instances = new Map<string, Instance>();
  private readonly instancesByTarget = new Map<string, Instance[]>();
  private readonly lazy = new Map<string, Lazy>();
  private readonly versions = new Map<string, string | undefined>();
  private readonly targetsWritten = new Map<string, Target>();

  /** Registers a patch declared by a config file or a patch package (its target already parsed). */
  registerPatch(patch: DeclaredPatch, options: { immediate: boolean; planned?: boolean }): () => void {
    return this.register(patch.spec, patch.parsed, { baseDir: patch.baseDir, origin: patch.origin, versions: patch.versions, load: patch.load, ...options });
  }

  /** Registers `hook` for `target` (as written, or parsed); returns its undo function. */
  register(hook: Hook, targetWritten: string | Target, options: HookOptions): () => void {
    const target = typeof targetWritten === 'string' ? parseTarget(targetWritten, options.baseDir) : targetWritten;
    if (typeof target === 'string') {
      report(this.strict, 'WRAPT_HOOKS_INVALID_ARGUMENT', `${options.origin}: ${target}.`);
      return noop;
    }
    if (typeof hook === 'string') {
      const problem = checkSpecifier(hook);
      if (problem !== undefined) {
        report(this.strict, 'WRAPT_HOOKS_INVALID_ARGUMENT', `${options.origin}: ${problem}.`);
        return noop;
      }
    } else if (typeof hook !== 'function') {
      report(
        this.strict,
        'WRAPT_HOOKS_INVALID_ARGUMENT',
        `${options.origin}: the hook for "${target.written}" must be a function or a "<module>#<export>" string, got ${hook === null ? 'null' : typeof hook}.`,
      );
      return noop;
    }
    const label = typeof hook === 'string' ? hook : hook.name ? `${hook.name}()` : '(anonymous function)';
    if (this.disabledAll || this.disabled.has(target.key)) {
      debug(`skip ${target.written} ${label}: disabled by WRAPT_HOOKS_DISABLE`);
      if (options.planned === true) this.skipped.push({ target: target.written, version: undefined, patch: label, reason: 'disabled by WRAPT_HOOKS_DISABLE' });
      return noop;
    }
    const record: HookRecord = { id: nextId++, target, hook, options, label, active: true };
    let list = this.hooksByTarget.get(target.key);
    if (list === undefined) {
      list = [];
      this.hooksByTarget.set(target.key, list);
      this.tableFor(target).add(target.key);
      this.targetsWritten.set(target.key, target);
      this.onNewTarget?.(target);
    }
    list.push(record);
    if (options.immediate) this.fireLoaded(target);
    return () => this.unregister(record);
  }

  /** Called by a built-in patch (a trace) that returns normally but could not apply: counted as failed in the summary. */
  notApplied(reason: string): void {
    this.failure = reason;
  }

  /** Is the declaration at `origin` (a config file and key) already registered for target `key`? A bundle's baked config is, when the same file is also found beside it. */
  isDeclared(key: string, origin: string): boolean {
    return this.hooksByTarget.get(key)?.some((record) => record.active && record.options.origin === origin) ?? false;
  }

  /** Targets that have at least one active hook. */
  targets(): Target[] {
    return [...this.targetsWritten.values()];
  }

  hasTargets(): boolean {
    return this.hooksByTarget.size > 0;
  }

  private unregister(record: HookRecord): void {
    if (!record.active) return;
    record.active = false;
    const list = this.hooksByTarget.get(record.target.key);
    if (list === undefined) return;
    const at = list.indexOf(record);
    if (at !== -1) list.splice(at, 1);
    if (list.length === 0) {
      this.hooksByTarget.delete(record.target.key);
      this.tableFor(record.target).delete(record.target.key);
      this.targetsWritten.delete(record.target.key);
    }
  }

  private tableFor(target: Target): Set<string> {
    switch (target.kind) {
      case 'builtin':
        return this.builtins;
      case 'package':
        return this.packages;
      case 'deep':
        return this.deep;
      case 'file':
        return this.files;
    }
  }

  /** Is `key` (a builtin name, package name, normalized deep path or absolute file) a target? O(1). */
  isTarget(key: string): boolean {
    return this.hooksByTarget.has(key);
  }

  /**
   * A target module was loaded (or another view of it appeared). Fires the hooks that have
   * not fired for this instance and returns what a `require` caller should receive.
   */
  onLoad(event: LoadEvent): unknown {
    const instance = this.instanceFor(event);
    // The CommonJS entry under an ES module entry that re-exports it (views.ts twinOf), required
    // after the ES module: one more view, and what `require` returns.
    const twinExports = event.via === 'require' && event.format === 'commonjs' && instance.format === 'module';
    if ((event.via === 'import' || twinExports) && !instance.views.includes(event.value)) {
      instance.views.push(event.value);
      if (instance.format === 'builtin') followBuiltinSync(() => this.syncBuiltinViews());
    }
    for (const key of event.keys) {
      let list = this.instancesByTarget.get(key);
      if (list === undefined) this.instancesByTarget.set(key, (list = []));
      if (!list.includes(instance)) list.push(instance);
    }
    let ran = false;
    for (const key of event.keys) ran = this.fire(key, instance) || ran;
    if (!ran && (event.via === 'import' || twinExports)) syncView(instance, event.value);
    if (twinExports) return event.value;
    if (event.via === 'require') return instance.exports;
    return undefined;
  }

  /** After `module.syncBuiltinESMExports()`: the ES module views of builtins follow their exports too. */
  private syncBuiltinViews(): void {
    for (const instance of new Set(this.instances.values())) {
      if (instance.format === 'builtin') for (const view of instance.views) syncView(instance, view);
    }
  }

  private instanceFor(event: LoadEvent): Instance {
    const key = event.bundled?.instance ?? (event.builtin !== undefined ? `node:${event.builtin}` : event.filename!);
    let instance = this.instances.get(key);
    if (instance !== undefined) {
      if (event.module === undefined || instance.module === event.module) return instance;
      if (instance.module === undefined) {
        instance.module = event.module;
        return instance;
      }
      // The same file evaluated again (its require.cache entry was deleted): a new instance.
      this.forget(instance);
    }
    const exports = event.via === 'import' && event.format !== 'module' ? event.value.default : event.value;
    let name = event.builtin ?? event.filename!;
    let baseDir: string | undefined;
    let version: string | undefined;
    if (event.bundled !== undefined) ({ name, baseDir, version } = event.bundled);
    else if (event.filename !== undefined) {
      const details = packageOf(event.filename);
      if (details !== undefined) {
        name = details.name;
        baseDir = details.basedir;
        version = packageVersion(this.versions, details.basedir);
      }
    }
    // A re-exporting ES module entry and its CommonJS build are one instance (views.ts twinOf).
    const twin = baseDir === undefined ? undefined : twinOf(this.instances.values(), event, baseDir, (file) => matchRequired(this, file).length > 0);
    if (twin !== undefined) debug(`${event.filename}: the same objects as ${twin.filename}, one instance for both`);
    if (twin?.instance !== undefined) {
      this.instances.set(key, twin.instance);
      return twin.instance;
    }
    instance = {
      key: twin?.filename ?? key,
      name,
      format: twin === undefined ? event.format : 'commonjs',
      filename: twin?.filename ?? event.filename,
      baseDir,
      version,
      module: event.module,
      exports: twin === undefined ? exports : twin.exports,
      frozen: event.via === 'require' && event.format === 'module',
      fired: new Set(),
      views: [],
    };
    if (twin !== undefined) this.instances.set(twin.filename, instance);
    this.instances.set(key, instance);
    return instance;
  }

  /** Drops an instance that a new evaluation of its file replaced. */
  private forget(instance: Instance): void {
    this.instances.delete(instance.key);
    for (const list of this.instancesByTarget.values()) {
      const at = list.indexOf(instance);
      if (at !== -1) list.splice(at, 1);
    }
  }

  /** Runs the hooks of `key` that have not fired for `instance`; true when any ran. */
  private fire(key: string, instance: Instance): boolean {
    const list = this.hooksByTarget.get(key);
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

  /** Runs one hook on one instance. Fail-open: problems are reported and the module loads on. */
  private run(record: HookRecord, instance: Instance): boolean {
    const { target, options, label } = record;
    const version = instance.format === 'builtin' ? process.versions.node : instance.version;
    const shown = `${target.written}${instance.version === undefined ? '' : `@${instance.version}`}`;
    if (options.versions !== undefined) {
      const inRange = version === undefined ? false : satisfies(version, options.versions);
      if (inRange === undefined) {
        this.failed.push({ target: target.written, version, patch: label, reason: `"${options.versions}" is not a semver range` });
        report(
          this.strict,
          'WRAPT_HOOKS_CONFIG_INVALID',
          `${options.origin}: versions ${JSON.stringify(options.versions)} is not a semver range, so ${label} was not applied to "${target.written}". Write one like ">=4 <6" or "^5.1.0".`,
        );
        return false;
      }
      const why =
        version === undefined
          ? `it has no version to check against "${options.versions}"`
          : inRange
            ? undefined
            : `version ${version} is outside "${options.versions}"`;
      if (why !== undefined) {
        debug(`skip ${shown} ${label}: ${why}`);
        this.skipped.push({ target: target.written, version, patch: label, reason: why });
        return false;
      }
    }
    const fn = typeof record.hook === 'function' ? record.hook : this.load(record);
    if (fn === undefined) return false;
    if (instance.frozen) {
      instance.exports = mutableCopy(instance.exports);
      instance.frozen = false;
    }
    const info: ModuleInfo = { target: target.written, name: target.kind === 'file' ? target.written : instance.name, format: instance.format };
    if (instance.version !== undefined) info.version = instance.version;
    const baseDir = target.kind === 'file' ? target.baseDir : instance.baseDir;
    if (baseDir !== undefined) info.baseDir = baseDir;
    if (instance.filename !== undefined) info.filename = instance.filename;
    if (options.internal !== true) debug(`patching ${shown} with ${label}`);
    const start = process.hrtime.bigint();
    let result: unknown;
    this.failure = undefined;
    try {
      // A config patch or trace on a CommonJS module at its first load: a wrapper that cannot
      // replace an export in place goes into a copy of the exports, which then replaces them.
      if (options.planned === true && instance.format === 'commonjs') {
        const exports = instance.exports;
        const run = withExportsCopy(exports, () => fn(exports, info));
        result = run.copy !== undefined && (run.result === undefined || run.result === exports) ? run.copy : run.result;
      } else result = fn(instance.exports, info);
    } catch (error) {
      this.failed.push({ target: target.written, version: instance.version, patch: label, reason: describeCause(error) });
      report(
        this.strict,
        'WRAPT_HOOKS_PATCH_FAILED',
        `patch ${label} for "${target.written}" (${options.origin}) threw ${describeCause(error).replace(/\.$/, '')}. "${target.written}" loads without the rest of this patch; fix the patch or turn it off with WRAPT_HOOKS_DISABLE=${target.written}.`,
        error,
      );
      return true;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) this.failed.push({ target: target.written, version: instance.version, patch: label, reason: failure });
    else if (options.internal !== true) this.applied.push({ target: target.written, version: instance.version, patch: label, ms });
    this.accept(record, instance, result);
    return true;
  }

  /** What a patch returned: nothing, a promise, its own wrapper, or replacement exports. */
  private accept(record: HookRecord, instance: Instance, result: unknown): void {
    if (!replacesExports(record, instance, result, this.strict)) return;
    const before = instance.exports;
    instance.exports = result;
    this.onReplace?.(before, result);
    // A bundled module's filename is where it was on the build machine, not a require.cache entry.
    if (instance.filename !== undefined && instance.key === instance.filename) {
      const cached = require.cache[instance.filename];
      if (cached !== undefined) cached.exports = result;
    }
  }

  /** Loads a lazy specifier's function, once per (directory, specifier). */
  private load(record: HookRecord): PatchFn | undefined {
    const spec = record.hook as string;
    const cacheKey = `${record.options.baseDir}\0${spec}`;
    let lazy = this.lazy.get(cacheKey);
    if (lazy === undefined) {
      const where = `for "${record.target.written}" (${record.options.origin})`;
      lazy = record.options.load === undefined ? loadSpecifier(spec, record.options.baseDir, where) : loadBundled(spec, record.options.load, where);
      this.lazy.set(cacheKey, lazy);
    }
    if ('fn' in lazy) return lazy.fn;
    this.failed.push({ target: record.target.written, version: undefined, patch: record.label, reason: lazy.error.message });
    report(this.strict, lazy.error.code, lazy.error.message, lazy.error.cause);
    return undefined;
  }

  /** Fires an immediate hook for instances already loaded: seen ones, `require.cache`, builtins Node loaded. */
  private fireLoaded(target: Target): void {
    if (target.kind === 'builtin') {
      if (!this.instances.has(`node:${target.key}`) && builtinLoaded(target.key)) {
        this.onLoad({ keys: [target.key], format: 'builtin', via: 'require', value: originalRequire(target.key), builtin: target.key });
        return;
      }
    } else {
      for (const filename of Object.keys(require.cache)) {
        const known = this.instances.get(filename);
        const cached = require.cache[filename];
        if (cached === undefined || !cached.loaded || (known !== undefined && (known.module === undefined || known.module === cached))) continue;
        const keys = matchRequired(this, filename);
        if (!keys.includes(target.key)) continue;
        this.onLoad({ keys: [target.key], format: 'commonjs', via: 'require', value: cached.exports, filename, module: cached });
      }
    }
    for (const instance of this.instancesByTarget.get(target.key) ?? []) this.fire(target.key, instance);
  }

  /** Targets that have hooks declared by config or discovery but no instance yet. */
  neverImported(): { target: string; parsed: Target; patches: string[] }[] {
    const rows: { target: string; parsed: Target; patches: string[] }[] = [];
    for (const [key, list] of this.hooksByTarget) {
      if ((this.instancesByTarget.get(key)?.length ?? 0) > 0) continue;
      const planned = list.filter((record) => record.active && record.options.planned === true);
      if (planned.length > 0) rows.push({ target: planned[0]!.target.written, parsed: planned[0]!.target, patches: planned.map((record) => record.label) });
    }
    return rows;
  }
}

const Module = require('node:module') as { prototype: { require: (id: string) => unknown } };
const requireBeforeHooks = Module.prototype.require;
const selfModule = module;

function originalRequire(id: string): unknown {
  return requireBeforeHooks.call(selfModule, id);
}

function builtinLoaded(name: string): boolean {
  const list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  return list === undefined || list.includes(`NativeModule ${name}`);
}

function noop(): void {}

/** The registry of this thread, shared by every installed copy of wrapt-hooks. */
export function getRegistry(): Registry {
  return globalSlot(KEYS.registry, () => new Registry());
}
