// What a patch's return value means (undefined changes nothing, a
// thenable never replaces, our own wrapper of something else is ignored, anything else replaces
// CommonJS exports), and the package version a module instance reports.
import { readFileSync } from 'node:fs';
import path = require('node:path');
import { debug } from '../debug';
import { describeCause, report, warn } from '../errors';
import { getOriginal, isWrapped } from '../wrap/wrappers';
import type { HookRecord, Instance } from './registry-types';

/** Does what a patch returned replace the instance's exports? Nothing, a promise (reported), our own wrapper of something else, or an ES module's value (reported) do not. */
export function replacesExports(record: HookRecord, instance: Instance, result: unknown, strict: boolean): boolean {
  if (result === undefined || result === instance.exports) return false;
  const where = `patch ${record.label} for "${record.target.written}" (${record.options.origin})`;
  if ((typeof result === 'object' || typeof result === 'function') && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    // Never leave an unhandled rejection behind in the application.
    Promise.resolve(result as PromiseLike<unknown>).then(undefined, (error: unknown) =>
      warn('WRAPT_HOOKS_PATCH_ASYNC', `${where} returned a promise that rejected: ${describeCause(error)}`, error),
    );
    report(
      strict,
      'WRAPT_HOOKS_PATCH_ASYNC',
      `${where} returned a promise; patches are synchronous, so the exports were not replaced. Make the patch synchronous (start async work without returning it).`,
    );
    return false;
  }
  if (isWrapped(result) && getOriginal(result) !== instance.exports) {
    debug(`${where} returned a wrapper of something other than the exports: ignored`);
    return false;
  }
  if (instance.format === 'module') {
    report(
      strict,
      'WRAPT_HOOKS_PATCH_RETURN',
      `${where} returned a value, but an ES module's namespace cannot be replaced: assign to its exports instead (ns.name = wrapped) and return nothing.`,
    );
    return false;
  }
  return true;
}

/** The `version` of the package at `baseDir` (its package.json), cached in `cache`. */
export function packageVersion(cache: Map<string, string | undefined>, baseDir: string): string | undefined {
  if (cache.has(baseDir)) return cache.get(baseDir);
  let version: string | undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(baseDir, 'package.json'), 'utf8'));
    const value = (parsed as { version?: unknown } | null)?.version;
    if (typeof value === 'string') version = value;
  } catch {
    version = undefined;
  }
  cache.set(baseDir, version);
  return version;
}
