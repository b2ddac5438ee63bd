// The post-import hook registry: which hooks wait for which targets, which module instances
// have been seen, and firing each hook once per instance. It knows nothing of how modules are
// intercepted (hooks/*) nor of config files: both call into it.
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';
import { debug } from './debug';
import { describeCause, report, warn, type ErrorCode } from './errors';
import { builtinName, checkSpecifier, parseTarget, splitSpecifier, type Target } from './targets';
import { DeepTargets, matchRequired, packageOf, type TargetTables } from './match';
import { untrustedReason } from './trust';
import { satisfies } from './versions';
import type { Hook, ModuleInfo, PatchFn } from './types';
import { getOriginal, isWrapped } from './wrappers';


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
}

interface HookRecord {
  readonly id: number;
  readonly target: Target;
  readonly hook: Hook;
  readonly options: HookOptions;
  readonly label: string;
  active: boolean;
}

interface Instance {
  readonly key: string;
  readonly name: string;
  readonly format: Format;
  readonly filename: string | undefined;
  readonly baseDir: string | undefined;
  readonly version: string | undefined;
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
}

export interface SummaryRow {
  target: string;
  version: string | undefined;
  patch: string;
  ms?: number;
  reason?: string;
}

type Lazy = { fn: PatchFn } | { error: { code: ErrorCode; message: string; cause?: unknown } };

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
    return this.register(patch.spec, patch.parsed, { baseDir: patch.baseDir, origin: patch.origin, versions: patch.versions, ...options });
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
      report(this.strict, 'WRAPT_HOOKS_INVALID_ARGUMENT', `${options.origin}: the hook for "${target.written}" must be a function or a "<module>#<export>" string, got ${hook === null ? 'null' : typeof hook}.`);
      return noop;
    }
    const label = typeof hook === 'string' ? hook : hook.name ? `${hook.name}()` : '(anonymous function)';
    if (this.disabledAll || this.disabled.has(target.key)) {
      debug(`skip ${target.written} ${label}: disabled by WRAPT_HOOKS_DISABLE`);
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
    if (event.via === 'import' && !instance.views.includes(event.value)) instance.views.push(event.value);
    for (const key of event.keys) {
      let list = this.instancesByTarget.get(key);
      if (list === undefined) this.instancesByTarget.set(key, (list = []));
      if (!list.includes(instance)) list.push(instance);
    }
    let ran = false;
    for (const key of event.keys) ran = this.fire(key, instance) || ran;
    if (!ran && event.via === 'import') this.syncView(instance, event.value);
    if (event.via === 'require') return instance.exports;
    return undefined;
  }

  private instanceFor(event: LoadEvent): Instance {
    const key = event.builtin !== undefined ? `node:${event.builtin}` : event.filename!;
    let instance = this.instances.get(key);
    if (instance !== undefined) return instance;
    const exports = event.via === 'import' && event.format !== 'module' ? event.value.default : event.value;
    let name = event.builtin ?? event.filename!;
    let baseDir: string | undefined;
    let version: string | undefined;
    if (event.filename !== undefined) {
      const details = packageOf(event.filename);
      if (details !== undefined) {
        name = details.name;
        baseDir = details.basedir;
        version = this.packageVersion(details.basedir);
      }
    }
    instance = {
      key,
      name,
      format: event.format,
      filename: event.filename,
      baseDir,
      version,
      exports,
      frozen: event.via === 'require' && event.format === 'module',
      fired: new Set(),
      views: [],
    };
    this.instances.set(key, instance);
    return instance;
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
      for (const view of instance.views) this.syncView(instance, view);
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
        report(this.strict, 'WRAPT_HOOKS_CONFIG_INVALID', `${options.origin}: versions ${JSON.stringify(options.versions)} is not a semver range, so ${label} was not applied to "${target.written}". Write one like ">=4 <6" or "^5.1.0".`);
        return false;
      }
      const why = version === undefined ? `it has no version to check against "${options.versions}"` : inRange ? undefined : `version ${version} is outside "${options.versions}"`;
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
    debug(`patching ${shown} with ${label}`);
    const start = process.hrtime.bigint();
    let result: unknown;
    this.failure = undefined;
    try {
      result = fn(instance.exports, info);
    } catch (error) {
      this.failed.push({ target: target.written, version: instance.version, patch: label, reason: describeCause(error) });
      report(this.strict, 'WRAPT_HOOKS_PATCH_FAILED', `patch ${label} for "${target.written}" (${options.origin}) threw ${describeCause(error)}. "${target.written}" loads without the rest of this patch; fix the patch or turn it off with WRAPT_HOOKS_DISABLE=${target.written}.`, error);
      return true;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) this.failed.push({ target: target.written, version: instance.version, patch: label, reason: failure });
    else this.applied.push({ target: target.written, version: instance.version, patch: label, ms });
    this.accept(record, instance, result);
    return true;
  }

  /** What a patch returned: nothing, a promise, its own wrapper, or replacement exports (§4). */
  private accept(record: HookRecord, instance: Instance, result: unknown): void {
    if (result === undefined || result === instance.exports) return;
    const where = `patch ${record.label} for "${record.target.written}" (${record.options.origin})`;
    if ((typeof result === 'object' || typeof result === 'function') && result !== null && typeof (result as { then?: unknown }).then === 'function') {
      // Never leave an unhandled rejection behind in the application.
      Promise.resolve(result as PromiseLike<unknown>).then(undefined, (error: unknown) => warn('WRAPT_HOOKS_PATCH_ASYNC', `${where} returned a promise that rejected: ${describeCause(error)}`, error));
      report(this.strict, 'WRAPT_HOOKS_PATCH_ASYNC', `${where} returned a promise; patches are synchronous, so the exports were not replaced. Make the patch synchronous (start async work without returning it).`);
      return;
    }
    if (isWrapped(result) && getOriginal(result) !== instance.exports) {
      debug(`${where} returned a wrapper of something other than the exports: ignored`);
      return;
    }
    if (instance.format === 'module') {
      report(this.strict, 'WRAPT_HOOKS_PATCH_RETURN', `${where} returned a value, but an ES module's namespace cannot be replaced: assign to its exports instead (ns.name = wrapped) and return nothing.`);
      return;
    }
    instance.exports = result;
    if (instance.filename !== undefined) {
      const cached = require.cache[instance.filename];
      if (cached !== undefined) cached.exports = result;
    }
  }

  /** Keeps an ESM view (import-in-the-middle namespace) in step with the canonical exports. */
  private syncView(instance: Instance, view: any): void {
    const canonical = instance.exports;
    if (view === canonical) return;
    try {
      if (instance.format !== 'module' && 'default' in view && view.default !== canonical) view.default = canonical;
      if ((typeof canonical !== 'object' && typeof canonical !== 'function') || canonical === null) return;
      for (const key of Object.keys(view)) {
        if (key === 'default' && instance.format !== 'module') continue;
        if (key === 'module.exports') {
          if (view[key] !== canonical) view[key] = canonical;
        } else {
          // Data properties only: reading an accessor could run a deprecation getter (fs.F_OK).
          const descriptor = findDataDescriptor(canonical, key);
          if (descriptor !== undefined && view[key] !== descriptor.value) view[key] = descriptor.value;
        }
      }
    } catch (error) {
      warn('WRAPT_HOOKS_PATCH_FAILED', `could not update the ES module view of "${instance.name}": ${describeCause(error)}. ESM importers may see unpatched exports.`, error);
    }
  }

  /** Loads a lazy specifier's function, once per (directory, specifier). */
  private load(record: HookRecord): PatchFn | undefined {
    const spec = record.hook as string;
    const cacheKey = `${record.options.baseDir}\0${spec}`;
    let lazy = this.lazy.get(cacheKey);
    if (lazy === undefined) {
      lazy = loadSpecifier(spec, record.options.baseDir, `for "${record.target.written}" (${record.options.origin})`);
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
        if (this.instances.has(filename)) continue;
        const keys = matchRequired(this, filename);
        if (!keys.includes(target.key)) continue;
        const cached = require.cache[filename];
        if (cached === undefined || !cached.loaded) continue;
        this.onLoad({ keys: [target.key], format: 'commonjs', via: 'require', value: cached.exports, filename });
      }
    }
    for (const instance of this.instancesByTarget.get(target.key) ?? []) this.fire(target.key, instance);
  }

  private packageVersion(baseDir: string): string | undefined {
    if (this.versions.has(baseDir)) return this.versions.get(baseDir);
    let version: string | undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(path.join(baseDir, 'package.json'), 'utf8'));
      const value = (parsed as { version?: unknown } | null)?.version;
      if (typeof value === 'string') version = value;
    } catch {
      version = undefined;
    }
    this.versions.set(baseDir, version);
    return version;
  }

  /** Targets that have hooks declared by config or discovery but no instance yet. */
  neverImported(): { target: string; patches: string[] }[] {
    const rows: { target: string; patches: string[] }[] = [];
    for (const [key, list] of this.hooksByTarget) {
      if ((this.instancesByTarget.get(key)?.length ?? 0) > 0) continue;
      const planned = list.filter((record) => record.active && record.options.planned === true);
      if (planned.length > 0) rows.push({ target: planned[0]!.target.written, patches: planned.map((record) => record.label) });
    }
    return rows;
  }
}

/** Resolves and loads `"<module>#<export>"` from `baseDir`; never throws. */
export function loadSpecifier(spec: string, baseDir: string, where: string): Lazy {
  const { module, exportName } = splitSpecifier(spec);
  const req = createRequire(path.join(baseDir, '__wrapt_hooks__.js'));
  let file: string;
  try {
    file = req.resolve(module);
  } catch (error) {
    return { error: { code: 'WRAPT_HOOKS_PATCH_NOT_FOUND', message: `cannot find patch module "${module}" ${where}, looked up from ${baseDir}: ${describeCause(error)}. Check the path (relative paths start with "./") or install the package.`, cause: error } };
  }
  if (builtinName(file) === undefined) {
    const reason = untrustedReason(file);
    if (reason !== undefined) {
      return { error: { code: 'WRAPT_HOOKS_UNTRUSTED_FILE', message: `refusing to load patch module ${file} ${where}: ${reason}.` } };
    }
  }
  let loaded: any;
  try {
    loaded = req(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message =
      code === 'ERR_REQUIRE_ASYNC_MODULE'
        ? `patch module ${file} ${where} uses top-level await, so it cannot be loaded synchronously before its target is imported. Move the await into code the patch starts, or out of the module.`
        : `patch module ${file} ${where} threw while loading: ${describeCause(error)}.`;
    return { error: { code: 'WRAPT_HOOKS_PATCH_LOAD', message, cause: error } };
  }
  const fn = pickExport(loaded, exportName);
  if (typeof fn === 'function') return { fn: fn as PatchFn };
  const names = exportNames(loaded);
  const has =
    typeof loaded === 'function'
      ? `its module.exports is function ${loaded.name || '(anonymous)'}${names.length === 0 ? '' : ` with properties ${names.join(', ')}`}`
      : names.length === 0
        ? 'it exports nothing'
        : `it exports ${names.join(', ')}`;
  const message =
    exportName !== undefined
      ? `patch module ${file} ${where} has no function export "${exportName}" (${has}). Fix the name after "#" in "${spec}".`
      : `patch module ${file} ${where} exports no function (${has}). Export a default function, assign a function to module.exports, or name the export: "${module}#name".`;
  return { error: { code: 'WRAPT_HOOKS_PATCH_EXPORT', message } };
}

function pickExport(loaded: any, exportName: string | undefined): unknown {
  if (loaded === null || (typeof loaded !== 'object' && typeof loaded !== 'function')) return undefined;
  if (exportName !== undefined) {
    const present = isNamespace(loaded) ? exportName in loaded : Object.prototype.hasOwnProperty.call(loaded, exportName);
    return present ? loaded[exportName] : undefined;
  }
  if (typeof loaded.default === 'function') return loaded.default;
  return typeof loaded === 'function' ? loaded : undefined;
}

function exportNames(loaded: unknown): string[] {
  if (loaded === null || (typeof loaded !== 'object' && typeof loaded !== 'function')) return [];
  return Object.keys(loaded).slice(0, 10);
}

function isNamespace(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object Module]';
}

/** A writable copy of a real module namespace (what `require(esm)` returns), for patches to change. */
function mutableCopy(namespace: any): any {
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(namespace)) copy[key] = namespace[key];
  Object.defineProperty(copy, Symbol.toStringTag, { value: 'Module' });
  return copy;
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

function findDataDescriptor(object: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(o, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor : undefined;
  }
  return undefined;
}

const KEY = Symbol.for('wrapt-hooks.registry@1');

/** The registry of this thread, shared by every installed copy of wrapt-hooks. */
export function getRegistry(): Registry {
  const store = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (store[KEY] ??= new Registry());
}
