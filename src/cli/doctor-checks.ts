// doctor's checks of one patch specifier and one trace entry, without running them: the module
// is resolved, its owner and mode checked, its syntax compiled (not run), and its exports read by
// the lexers (static-exports.ts). Application and patch code never runs here.
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path = require('node:path');
import { compileFunction } from 'node:vm';
import type { PlanPatch, PlanTrace } from '../config/types';
import { checkSyntax, nodeStripsTypes } from '../core/load-error';
import { splitSpecifier } from '../core/targets';
import { untrustedReason } from '../core/trust';
import { satisfies } from '../core/versions';
import { describeCause, describeCauseBriefly } from '../errors';
import { functionsOf, isWildcard, wildcardParent } from '../trace/wildcard';
import { resolvePath } from '../wrap/patches';
import type { Installed, PatchReport, ProblemReport, TargetReport, TraceReport } from './doctor-report';
import { formatOf, hasExport, staticExports, type StaticExports } from './static-exports';

export type WithProblem<T> = T & { problemReport?: ProblemReport };

const HINTS: Record<string, string> = {
  WRAPT_HOOKS_PATCH_NOT_FOUND: 'Relative specifiers start with "./" and resolve from the file that declares them (the config file, or the patch package root).',
  WRAPT_HOOKS_PATCH_EXPORT: 'Name an exported function after "#", or export a default function.',
  WRAPT_HOOKS_PATCH_LOAD: 'Fix the file at the line named, or run a Node.js that can load it.',
  WRAPT_HOOKS_UNTRUSTED_FILE: "Fix the file's owner or permissions as the message says.",
};

/** Checks one patch specifier: file found and trusted, syntax, and the export it names. */
export function checkPatch(patch: PlanPatch, pkg: string | null, target: TargetReport): WithProblem<PatchReport> {
  const row: WithProblem<PatchReport> = {
    spec: patch.spec,
    origin: patch.origin,
    package: pkg,
    versions: patch.versions ?? null,
    versionMatches: null,
    file: null,
    export: null,
    ok: false,
  };
  const version = target.installed?.version ?? null;
  if (patch.versions !== undefined && version !== null) row.versionMatches = satisfies(version, patch.versions) ?? null;
  const { module, exportName } = splitSpecifier(patch.spec);
  const where = `for "${patch.target}" (${patch.origin})`;
  const fail = (code: string, short: string, message: string): WithProblem<PatchReport> => {
    row.problem = short;
    row.problemReport = { code, message, hint: HINTS[code] ?? 'Fix the patch specifier or the patch module.' };
    return row;
  };
  let file: string;
  try {
    file = createRequire(path.join(patch.baseDir, '__wrapt_hooks__.js')).resolve(module);
  } catch (error) {
    return fail(
      'WRAPT_HOOKS_PATCH_NOT_FOUND',
      `cannot find "${module}" from ${patch.baseDir}`,
      `cannot find patch module "${module}" ${where}, looked up from ${patch.baseDir}: ${describeCause(error)}. Check the path (relative paths start with "./") or install the package.`,
    );
  }
  row.file = file;
  const untrusted = isBuiltin(file) ? undefined : untrustedReason(file);
  if (untrusted !== undefined)
    return fail('WRAPT_HOOKS_UNTRUSTED_FILE', `refused: ${untrusted}`, `refusing to load patch module ${file} ${where}: ${untrusted}.`);
  const unloadable = loadProblem(file);
  if (unloadable !== undefined) return fail('WRAPT_HOOKS_PATCH_LOAD', unloadable, `patch module ${file} ${where} cannot be loaded: ${unloadable}.`);
  let found: StaticExports;
  try {
    found = staticExports(file);
  } catch (error) {
    row.ok = true; // the lexers could not read it; the preload finds out when the target loads
    row.problem = `exports not checked: ${describeCause(error)}`;
    return row;
  }
  const listed = exportList(found);
  if (exportName !== undefined) {
    const present = found.format === 'commonjs' && exportName === 'default' && !found.names.has('default') ? 'no' : hasExport(found, exportName);
    if (present === 'no') {
      return fail(
        'WRAPT_HOOKS_PATCH_EXPORT',
        `no function export "${exportName}"`,
        `patch module ${file} ${where} has no export "${exportName}" (${listed}). Fix the name after "#" in "${patch.spec}".`,
      );
    }
    if (found.kinds.get(exportName) === 'not-function') {
      return fail(
        'WRAPT_HOOKS_PATCH_EXPORT',
        `export "${exportName}" is not a function`,
        `patch module ${file} ${where}: its export "${exportName}" is not a function. Fix the name after "#" in "${patch.spec}".`,
      );
    }
    row.export = exportName;
  } else {
    const esm = found.format !== 'commonjs';
    const hasDefault = found.names.has('default');
    if (esm ? !hasDefault || found.defaultKind === 'not-function' : !hasDefault && found.defaultKind === 'not-function') {
      return fail(
        'WRAPT_HOOKS_PATCH_EXPORT',
        'exports no function (no default export, module.exports is not a function)',
        `patch module ${file} ${where} exports no function (${listed}). Export a default function, assign a function to module.exports, or name the export: "${module}#name".`,
      );
    }
    row.export = hasDefault ? 'default' : 'module.exports';
  }
  row.ok = true;
  return row;
}

/** Why `file` cannot be loaded at all, read without running it: TypeScript this Node cannot load, or a syntax error. */
function loadProblem(file: string): string | undefined {
  const ext = path.extname(file);
  if (['.ts', '.mts', '.cts'].includes(ext)) {
    return nodeStripsTypes()
      ? undefined
      : `it is TypeScript, which this Node.js (${process.versions.node}) cannot load; use Node.js 22.18+ or 24, or compile it to JavaScript`;
  }
  if (ext === '.json' || ext === '.node') return undefined;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read it: ${describeCause(error)}`;
  }
  if (formatOf(file, source) === 'module') {
    const at = checkSyntax(file);
    return at === undefined ? undefined : `syntax error at ${at.file}:${at.line}:${at.column}`;
  }
  try {
    // Compiled, not run: as the body of the function Node wraps a CommonJS module in.
    compileFunction(source.startsWith('#!') ? `//${source}` : source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
    return undefined;
  } catch (error) {
    // describeCause adds the file, line and column from the arrow Node put on the stack.
    return describeCauseBriefly(error);
  }
}

function exportList(found: StaticExports): string {
  const names = [...found.names].filter((name) => name !== '__esModule');
  if (names.length === 0) return found.format === 'commonjs' && found.defaultKind === 'function' ? 'module.exports is a function' : 'it exports nothing';
  return `it exports ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
}

/** Checks one trace entry: its target found, and the first name of its path among the target's exports. */
export function checkTrace(
  trace: PlanTrace,
  pkg: string | null,
  installed: Installed | null,
  note: string | undefined,
  builtin: boolean,
): WithProblem<TraceReport> {
  const row: WithProblem<TraceReport> = {
    spec: trace.spec,
    target: trace.target,
    path: trace.path,
    stack: trace.stack,
    origin: trace.origin,
    package: pkg,
    installed,
    resolves: null,
    ok: false,
  };
  const fail = (code: string, problem: string, hint: string): WithProblem<TraceReport> => {
    row.problem = problem;
    row.problemReport = { code, message: `trace "${trace.spec}" (${trace.origin}): ${problem}`, hint };
    return row;
  };
  if (installed === null)
    return fail('WRAPT_HOOKS_TARGET_NOT_FOUND', `target "${trace.target}": ${note ?? 'not found'}`, 'Install the target or fix the part before "#".');
  if (builtin) return checkBuiltinPath(row, trace, fail);
  if (installed.file === null) {
    row.ok = true;
    row.problem = 'not checked: its entry cannot be resolved with require() (an ES-module-only "exports" map?)';
    return row;
  }
  let found: StaticExports;
  try {
    found = staticExports(installed.file);
  } catch (error) {
    row.ok = true; // not the entry's fault: the preload checks it when the target loads
    row.problem = `not checked: cannot read "${trace.target}": ${describeCause(error)}`;
    return row;
  }
  if (trace.path === '*') return checkWildcardExports(row, trace, found, fail);
  const [first = ''] = trace.path.split('.');
  const present = hasExport(found, first);
  const names = [...found.names].filter((name) => name !== '__esModule' && name !== 'default');
  const hint =
    names.length === 0 ? 'Fix the part after "#".' : `Fix the part after "#"; exported: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`;
  const likely = likelyPath(found, trace.path, present);
  const instead = likely === undefined ? '' : `; if "${first}" is the class the module exports as a whole, the path is "${trace.target}#${likely}"`;
  if (present === 'no') {
    row.resolves = false;
    return fail(
      'WRAPT_HOOKS_TRACE_PATH',
      `"${first}" is not there on the exports of "${trace.target}"${instead}`,
      likely === undefined ? hint : `Trace "${trace.target}#${likely}".`,
    );
  }
  if (present === 'yes' && first === trace.path && found.kinds.get(first) === 'not-function') {
    row.resolves = false;
    return fail('WRAPT_HOOKS_TRACE_PATH', `"${first}" is not a function on the exports of "${trace.target}"`, hint);
  }
  row.ok = true;
  if (found.reassignable?.has(first) === true)
    row.note = `"${first}" is an \`export let\`: if "${trace.target}" reassigns it later, importers keep the traced first value (docs/esm.md)`;
  if (present === 'yes' && isWildcard(trace.path)) row.problem = `"${first}" found; what "*" matches is known when "${trace.target}" loads`;
  else if (present === 'yes') row.resolves = true;
  else row.problem = `not confirmed: "${first}" is not among the exports found without running "${trace.target}"${instead}`;
  return row;
}

/**
 * `Database.prototype.prepare` on a module whose exports are the class itself
 * (`module.exports = Database`, better-sqlite3): the path starts on the exports, so the likely
 * one is `prototype.prepare`. Undefined when the first step is an export, or the module exports
 * no function as a whole.
 */
function likelyPath(found: StaticExports, path: string, present: 'yes' | 'no' | 'maybe'): string | undefined {
  const steps = path.split('.');
  if (present === 'yes' || steps.length < 3 || steps[1] !== 'prototype') return undefined;
  const whole = found.format === 'commonjs' ? found.defaultKind : found.kinds.get('default');
  return whole === 'not-function' ? undefined : steps.slice(1).join('.');
}

/**
 * `<target>#*`: the functions among the exports found without running the target. A getter's
 * value is unknown here, as it is to the preload, which does not call getters either.
 */
function checkWildcardExports(
  row: WithProblem<TraceReport>,
  trace: PlanTrace,
  found: StaticExports,
  fail: (code: string, problem: string, hint: string) => WithProblem<TraceReport>,
): WithProblem<TraceReport> {
  const names = [...found.names].filter((name) => name !== '__esModule' && name !== 'default');
  const functions = names.filter((name) => found.kinds.get(name) === 'function');
  const unsure = names.filter((name) => found.kinds.get(name) === 'unknown');
  if (functions.length === 0 && unsure.length === 0 && !found.partial) {
    row.resolves = false;
    return fail(
      'WRAPT_HOOKS_TRACE_PATH',
      `"*" matches no function on the exports of "${trace.target}" (${exportList(found)})`,
      'Name an object after "#" whose methods to trace ("Class.prototype.*"), or fix the target.',
    );
  }
  row.ok = true;
  row.matches = functions;
  if (functions.length > 0) row.resolves = true;
  else row.problem = `not confirmed: no export found without running "${trace.target}" is plainly a function`;
  return row;
}

/** A builtin's exports are Node's own: reading them runs no application code. */
function checkBuiltinPath(
  row: WithProblem<TraceReport>,
  trace: PlanTrace,
  fail: (code: string, problem: string, hint: string) => WithProblem<TraceReport>,
): WithProblem<TraceReport> {
  const exports = process.getBuiltinModule(trace.target);
  const wildcard = isWildcard(trace.path);
  const fnPath = wildcard ? wildcardParent(trace.path) : trace.path;
  let original: unknown;
  try {
    original = fnPath === '' ? exports : resolvePath(exports, fnPath)[2];
  } catch (error) {
    row.resolves = false;
    return fail(
      'WRAPT_HOOKS_TRACE_PATH',
      `"${trace.path}" does not resolve on the exports of "${trace.target}": ${describeCause(error)}`,
      'Fix the part after "#".',
    );
  }
  if (wildcard) {
    row.matches = functionsOf(original);
    row.resolves = row.matches.length > 0;
    if (!row.resolves)
      return fail('WRAPT_HOOKS_TRACE_PATH', `"${trace.path}" matches no function on the exports of "${trace.target}"`, 'Fix the part after "#".');
    row.ok = true;
    return row;
  }
  if (typeof original !== 'function') {
    row.resolves = false;
    return fail(
      'WRAPT_HOOKS_TRACE_PATH',
      `"${trace.path}" is ${original === undefined ? 'not there' : `a ${typeof original}, not a function`} on the exports of "${trace.target}"`,
      'Fix the part after "#".',
    );
  }
  row.resolves = true;
  row.ok = true;
  return row;
}
