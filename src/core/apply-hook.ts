// One hook on one module instance: the version gate, the lazy patch function, the call (in a
// copy scope for a config patch on CommonJS exports), its time, and what came of it, returned as
// an Outcome for the registry to count, report and accept. Fail-open: nothing here throws for a
// patch's sake; a problem comes back as a coded message.
import { debug } from '../debug';
import { describeCause, type ErrorCode } from '../errors';
import { KEYS } from '../global-state';
import type { ModuleInfo, PatchFn } from '../types';
import { withExportsCopy } from '../wrap/exports-copy';
import { thrownAt } from './load-error';
import { loadBundled, loadSpecifier, type Lazy } from './patch-loader';
import type { HookRecord, Instance } from './registry-types';
import { mutableCopy } from './views';
import { satisfies } from './versions';

/** A warning (an error in strict mode) for the registry to give. */
export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly cause?: unknown;
}

/** What came of one hook on one instance; `version` is the one the exit summary shows. */
export type Outcome =
  /** The patch ran and returned `result`. */
  | { readonly status: 'applied'; readonly version: string | undefined; readonly ms: number; readonly result: unknown }
  /** The patch ran, and returned `notApplied(reason)`: it could not apply, and said why itself. */
  | { readonly status: 'declined'; readonly version: string | undefined; readonly reason: string; readonly result: unknown }
  /** The patch threw: the module loads on without the rest of it. */
  | { readonly status: 'threw'; readonly version: string | undefined; readonly reason: string; readonly problem: Problem }
  /** The patch never ran: its `versions` is no semver range, or its module did not load. */
  | { readonly status: 'unusable'; readonly version: string | undefined; readonly reason: string; readonly problem: Problem }
  /** The patch never ran: the instance's version is outside its `versions` (or it has none). */
  | { readonly status: 'skipped'; readonly version: string | undefined; readonly reason: string };

/** What a built-in patch (a trace) returns when it ran but could not apply (it reports why itself). */
export interface NotApplied {
  readonly [KEYS.notApplied]: string;
}

/** The value a built-in patch returns to be counted as failed with `reason` rather than applied. */
export function notApplied(reason: string): NotApplied {
  return { [KEYS.notApplied]: reason };
}

/** Patch functions by (directory, specifier): each lazy specifier is loaded once. */
export class PatchFunctions {
  private readonly loaded = new Map<string, Lazy>();

  of(record: HookRecord): Lazy {
    if (typeof record.hook === 'function') return { fn: record.hook };
    const spec = record.hook;
    const cacheKey = `${record.options.baseDir}\0${spec}`;
    let lazy = this.loaded.get(cacheKey);
    if (lazy === undefined) {
      const where = `for "${record.target.written}" (${record.options.origin})`;
      lazy = record.options.load === undefined ? loadSpecifier(spec, record.options.baseDir, where) : loadBundled(spec, record.options.load, where);
      this.loaded.set(cacheKey, lazy);
    }
    return lazy;
  }
}

/** Runs `record`'s hook on `instance` unless its version range rules it out; never throws for the patch's sake. */
export function applyHook(record: HookRecord, instance: Instance, patches: PatchFunctions): Outcome {
  const { target, options, label } = record;
  const shown = `${target.written}${instance.version === undefined ? '' : `@${instance.version}`}`;
  if (options.versions !== undefined) {
    const version = instance.format === 'builtin' ? process.versions.node : instance.version;
    const inRange = version === undefined ? false : satisfies(version, options.versions);
    if (inRange === undefined) {
      const message = `${options.origin}: versions ${JSON.stringify(options.versions)} is not a semver range, so ${label} was not applied to "${target.written}". Write one like ">=4 <6" or "^5.1.0".`;
      return { status: 'unusable', version, reason: `"${options.versions}" is not a semver range`, problem: { code: 'WRAPT_HOOKS_CONFIG_INVALID', message } };
    }
    if (!inRange) {
      const reason = version === undefined ? `it has no version to check against "${options.versions}"` : `version ${version} is outside "${options.versions}"`;
      debug(`skip ${shown} ${label}: ${reason}`);
      return { status: 'skipped', version, reason };
    }
  }
  const loaded = patches.of(record);
  if ('error' in loaded) return { status: 'unusable', version: undefined, reason: loaded.error.message, problem: loaded.error };
  if (instance.frozen) {
    instance.exports = mutableCopy(instance.exports);
    instance.frozen = false;
  }
  if (options.internal !== true) debug(`patching ${shown} with ${label}`);
  const start = process.hrtime.bigint();
  let result: unknown;
  let declined: string | undefined;
  try {
    ({ result, declined } = call(record, instance, loaded.fn));
  } catch (error) {
    const at = thrownAt(error, loaded.file);
    const reason = describeCause(error);
    const message = `patch ${label} for "${target.written}" (${options.origin}) threw ${reason.replace(/\.$/, '')}${at === undefined ? '' : ` at ${at}`}. "${target.written}" loads without the rest of this patch; fix the patch or turn it off with WRAPT_HOOKS_DISABLE=${target.written}.`;
    return { status: 'threw', version: instance.version, reason, problem: { code: 'WRAPT_HOOKS_PATCH_FAILED', message, cause: error } };
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (declined !== undefined) return { status: 'declined', version: instance.version, reason: declined, result };
  return { status: 'applied', version: instance.version, ms, result };
}

/** Calls the patch; returns what replaces the exports (if anything) and the reason it gave for not applying (if it gave one). */
function call(record: HookRecord, instance: Instance, fn: PatchFn): { result: unknown; declined: string | undefined } {
  const { target, options } = record;
  const info: ModuleInfo = { target: target.written, name: target.kind === 'file' ? target.written : instance.name, format: instance.format };
  if (instance.version !== undefined) info.version = instance.version;
  const baseDir = target.kind === 'file' ? target.baseDir : instance.baseDir;
  if (baseDir !== undefined) info.baseDir = baseDir;
  if (instance.filename !== undefined) info.filename = instance.filename;
  // A config patch or trace on a CommonJS module at its first load: a wrapper that cannot
  // replace an export in place goes into a copy of the exports, which then replaces them.
  if (options.planned === true && instance.format === 'commonjs') {
    const exports = instance.exports;
    const run = withExportsCopy(exports, () => fn(exports, info));
    const declined = declinedReason(run.result);
    const returned = declined === undefined ? run.result : undefined;
    return { result: run.copy !== undefined && (returned === undefined || returned === exports) ? run.copy : returned, declined };
  }
  const returned = fn(instance.exports, info);
  const declined = declinedReason(returned);
  return { result: declined === undefined ? returned : undefined, declined };
}

function declinedReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const reason = (value as Partial<Record<symbol, unknown>>)[KEYS.notApplied];
  return typeof reason === 'string' ? reason : undefined;
}
