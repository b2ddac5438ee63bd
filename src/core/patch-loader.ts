// Lazy patch specifiers (`"<module>#<export>"`) turned into functions when their target fires:
// resolution from the declaring directory, the trust check, loading, and picking the export.
// Never throws: a problem comes back as a coded message for the registry to report.
import { createRequire } from 'node:module';
import path = require('node:path');
import { describeCause, safeGet, type ErrorCode } from '../errors';
import type { PatchFn } from '../types';
import { describeLoadError, withoutPlaceholder } from './load-error';
import { builtinName, splitSpecifier } from './targets';
import { untrustedReason } from './trust';

/** A patch function (with the file it came from, when it came from one), or why there is none. */
export type Lazy = { fn: PatchFn; file?: string } | { error: { code: ErrorCode; message: string; cause?: unknown } };

/** Resolves and loads `"<module>#<export>"` from `baseDir`; never throws. */
export function loadSpecifier(spec: string, baseDir: string, where: string): Lazy {
  const { module } = splitSpecifier(spec);
  const req = createRequire(path.join(baseDir, '__wrapt_hooks__.js'));
  let file: string;
  try {
    file = req.resolve(module);
  } catch (thrown) {
    const error = withoutPlaceholder(thrown);
    return {
      error: {
        code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
        message: `cannot find patch module "${module}" ${where}, looked up from ${baseDir}: ${describeCause(error)}. Check the path (relative paths start with "./") or install the package.`,
        cause: error,
      },
    };
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
  } catch (thrown) {
    const error = withoutPlaceholder(thrown);
    const code = safeGet(error, 'code');
    const message =
      code === 'ERR_REQUIRE_ASYNC_MODULE'
        ? `patch module ${file} ${where} uses top-level await, so it cannot be loaded synchronously before its target is imported. Move the await into code the patch starts, or out of the module.`
        : `patch module ${file} ${where} threw while loading: ${describeLoadError(file, error)}.`;
    return { error: { code: 'WRAPT_HOOKS_PATCH_LOAD', message, cause: error } };
  }
  const picked = exportOf(loaded, spec, file, where);
  return 'fn' in picked ? { fn: picked.fn, file } : picked;
}

/**
 * A patch module bundled with the application by the esbuild plugin: `load` evaluates it (the
 * bundle holds no file to resolve or to check); the export is picked as for any other. Never throws.
 */
export function loadBundled(spec: string, load: () => unknown, where: string): Lazy {
  const file = `${splitSpecifier(spec).module} (bundled)`;
  let loaded: any;
  try {
    loaded = load();
  } catch (error) {
    return { error: { code: 'WRAPT_HOOKS_PATCH_LOAD', message: `patch module ${file} ${where} threw while loading: ${describeCause(error)}.`, cause: error } };
  }
  return exportOf(loaded, spec, file, where);
}

/** The patch function `spec` names in a loaded module, or the problem. */
function exportOf(loaded: any, spec: string, file: string, where: string): Lazy {
  const { module, exportName } = splitSpecifier(spec);
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
