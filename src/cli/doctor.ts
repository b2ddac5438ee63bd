// `wrapt-hooks doctor`: reads the config and the patch packages the way the preload would and
// reports every target, patch, package and trace with what is wrong.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlan } from '../config/plan';
import type { Plan, PlanPatch, PlanTrace } from '../config/types';
import { discover, findPackageRoot } from '../config/discovery';
import { bundleCandidates, bundledReason } from '../bundlers/detect';
import { describeCause } from '../errors';
import { esmMode } from '../hooks/esm';
import { resolvePath } from '../wrap/patches';
import { loadSpecifier } from '../core/patch-loader';
import { disabledTargets } from '../core/disable';
import { parseTarget, splitBare, splitSpecifier, type Target } from '../core/targets';
import { untrustedReason } from '../core/trust';
import { satisfies } from '../core/versions';
import { formatReport, useColor } from './doctor-format';
import type { DoctorReport, Installed, PackageReport, PatchReport, ProblemReport, TargetReport, TraceReport } from './doctor-report';

export type * from './doctor-report';
import { packageVersion } from './version';

type Env = Record<string, string | undefined>;

const DOCTOR_USAGE = `Usage: wrapt-hooks doctor [--json]

Checks, from the current directory: the config file, each target (installed version, whether
each patch's "versions" range matches), each patch specifier (file found, export found), the
patch packages (WRAPT_PATCHES, "packages"), the trace entries (target found, function path
resolves), the Node.js version and the ES module hook mode. Exits 1 when there is a problem.

Patch modules are loaded to check their exports (patch functions are not called); targets of
trace entries are loaded to check the function path.

Options:
  --json       print the report as JSON (format version 1, see the README)
  -h, --help   show this help
`;

export function doctorCommand(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const report = diagnose(process.cwd(), process.env);
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, useColor(process.env)));
  return report.ok ? 0 : 1;
}

/** Builds the doctor report for an application started in `cwd`. Loads patch modules (not their functions). */
export function diagnose(cwd: string, env: Env): DoctorReport {
  const problems: ProblemReport[] = [];
  const plan: Plan = loadPlan(cwd, env);
  for (const problem of plan.problems) problems.push({ code: problem.code, message: problem.message });

  const disable = disabledTargets(env['WRAPT_HOOKS_DISABLE'], cwd) ?? new Set<string>();
  const targets = new Map<string, TargetReport>();
  const packages: PackageReport[] = [];
  const traces: { trace: PlanTrace; pkg: string | null }[] = plan.trace.map((trace) => ({ trace, pkg: null }));
  const patches: { patch: PlanPatch; pkg: string | null }[] = plan.patches.map((patch) => ({ patch, pkg: null }));

  for (const { name, origin } of plan.packages) {
    const found = discover(name, plan.dir, origin);
    const row: PackageReport = { name, origin, version: found.version ?? null, root: found.root ?? null, targets: [], ok: found.problems.length === 0 };
    for (const problem of found.problems) problems.push({ code: problem.code, message: problem.message });
    if (found.problems.length > 0) row.problem = packageProblem(found.problems, found.root);
    for (const patch of found.patches) {
      patches.push({ patch, pkg: name });
      if (!row.targets.includes(patch.target)) row.targets.push(patch.target);
    }
    for (const trace of found.trace) traces.push({ trace, pkg: name });
    packages.push(row);
  }

  let bundles: string[] | undefined;
  // User code may print while it loads; keep stdout for the report (and parseable as JSON).
  const report = withStdoutOnStderr(() => {
    for (const { patch, pkg } of patches) {
      const target = parseTarget(patch.target, patch.baseDir);
      if (typeof target === 'string') continue; // reported by the validation already
      let row = targets.get(target.key);
      if (row === undefined) {
        row = targetRow(target, plan.dir, disable);
        targets.set(target.key, row);
        if (row.installed === null && target.kind === 'file') {
          problems.push({
            code: 'WRAPT_HOOKS_TARGET_NOT_FOUND',
            message: `target "${patch.target}" (${patch.origin}): ${row.note ?? 'not found'}.`,
            hint: 'Fix the path (relative to the file that declares it) or remove the entry.',
          });
        }
        // A package that is not installed may be inside the application's bundle, out of every hook's sight.
        const bundled =
          row.installed === null && target.kind !== 'file' ? bundledReason(target.written, (bundles ??= bundleCandidates(plan.dir)), false) : undefined;
        if (bundled !== undefined) {
          row.note = bundled;
          problems.push({
            code: 'WRAPT_HOOKS_TARGET_BUNDLED',
            message: `target "${patch.target}" (${patch.origin}): ${bundled}.`,
            hint: 'See "Bundled applications" in the README.',
          });
        }
      }
      const checked = checkPatch(patch, pkg, row);
      row.patches.push(checked);
      if (checked.problemReport !== undefined) problems.push(checked.problemReport);
      delete checked.problemReport;
    }
    return traces.map(({ trace, pkg }) => {
      const row = checkTrace(trace, pkg, plan.dir);
      if (row.problemReport !== undefined) problems.push(row.problemReport);
      delete row.problemReport;
      return row as TraceReport;
    });
  });

  const mode = esmMode();
  if (mode === 'none')
    problems.push({
      code: 'WRAPT_HOOKS_ESM_UNAVAILABLE',
      message: `Node.js ${process.versions.node} has neither module.registerHooks nor module.register: ES module targets cannot be patched.`,
      hint: 'Use Node.js 20.19 or newer.',
    });
  return {
    version: 1,
    ok: problems.length === 0,
    wraptHooks: { version: packageVersion() },
    node: { version: process.versions.node, esmMode: mode },
    cwd,
    config: { file: plan.file ?? null, dir: plan.dir, strict: plan.strict },
    disabled: disable === 'all' ? 'all' : [...disable],
    targets: [...targets.values()],
    packages,
    traces: report,
    problems,
  };
}

/** A patch package's problems in a few words, for its row (the full messages are in `problems`). */
function packageProblem(found: readonly { code: string; message: string; cause?: unknown }[], root: string | undefined): string {
  const first = found[0];
  if (root === undefined) return first?.code === 'WRAPT_HOOKS_PACKAGE_NOT_FOUND' ? 'not installed' : 'not a package name';
  if (found.length === 1 && first?.code === 'WRAPT_HOOKS_PACKAGE_INVALID') {
    return first.cause === undefined
      ? 'no "wrapt-hooks" field in its package.json: it declares no patches'
      : `cannot read its package.json: ${describeCause(first.cause)}`;
  }
  const prefix = `${path.join(root, 'package.json')}: `;
  return found.map((problem) => (problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message)).join(' ');
}

/** WRAPT_HOOKS_DISABLE as the preload reads it (src/bootstrap.ts): "all", or target keys. */

function targetRow(target: Target, appDir: string, disable: 'all' | Set<string>): TargetReport {
  const found = locate(target, appDir);
  const row: TargetReport = {
    target: target.written,
    key: target.key,
    kind: target.kind,
    disabled: disable === 'all' || disable.has(target.key),
    installed: found.installed,
    patches: [],
  };
  if (found.note !== undefined) row.note = found.note;
  return row;
}

/** Finds a target the way the application would load it, from `appDir`. */
function locate(target: Target, appDir: string): { installed: Installed | null; note?: string; root?: string } {
  if (target.kind === 'builtin') return { installed: { version: process.versions.node, file: null } };
  if (target.kind === 'file') {
    return isFile(target.key) ? { installed: { version: null, file: target.key } } : { installed: null, note: `no such file: ${target.key}` };
  }
  const { name, subpath } = splitBare(target.written);
  const root = findPackageRoot(name, appDir);
  if (root === undefined) return { installed: null, note: `not installed (no node_modules/${name} from ${appDir} upwards); its patches wait until it is` };
  const version = readVersion(root);
  const req = createRequire(path.join(appDir, '__wrapt_hooks__.js'));
  let file: string | null;
  try {
    file = req.resolve(target.written);
  } catch {
    file = subpath === '' ? null : findInPackage(root, subpath);
  }
  if (target.kind === 'deep' && file === null) {
    return {
      installed: null,
      note: `${name}${version === null ? '' : `@${version}`} has no file ${subpath} (at ${root}); its patches never fire with this version`,
      root,
    };
  }
  return { installed: { version, file }, root };
}

/** A file inside a package by its path, the way the module hooks match deep targets. */
function findInPackage(root: string, subpath: string): string | null {
  const base = path.join(root, subpath);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) if (isFile(candidate)) return candidate;
  return null;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function readVersion(root: string): string | null {
  try {
    const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

type WithProblem<T> = T & { problemReport?: ProblemReport };

function checkPatch(patch: PlanPatch, pkg: string | null, target: TargetReport): WithProblem<PatchReport> {
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
  try {
    row.file = createRequire(path.join(patch.baseDir, '__wrapt_hooks__.js')).resolve(module);
  } catch {
    row.file = null;
  }
  const loaded = loadSpecifier(patch.spec, patch.baseDir, `for "${patch.target}" (${patch.origin})`);
  if ('error' in loaded) {
    row.problem = patchProblem(loaded.error.code, module, exportName, row.file, patch.baseDir, loaded.error.cause);
    row.problemReport = {
      code: loaded.error.code,
      message: loaded.error.message,
      hint: PATCH_HINTS[loaded.error.code] ?? 'Fix the patch specifier or the patch module.',
    };
    return row;
  }
  row.ok = true;
  if (exportName !== undefined) row.export = exportName;
  else {
    let exported: unknown;
    try {
      exported = row.file === null ? undefined : createRequire(row.file)(row.file);
    } catch {
      exported = undefined;
    }
    row.export =
      exported !== null && (typeof exported === 'object' || typeof exported === 'function') && (exported as { default?: unknown }).default === loaded.fn
        ? 'default'
        : 'module.exports';
  }
  return row;
}

/** A patch's problem in a few words, for its row (the full message is in `problems`). */
function patchProblem(code: string, module: string, exportName: string | undefined, file: string | null, baseDir: string, cause: unknown): string {
  switch (code) {
    case 'WRAPT_HOOKS_PATCH_NOT_FOUND':
      return `cannot find "${module}" from ${baseDir}`;
    case 'WRAPT_HOOKS_PATCH_EXPORT':
      return exportName === undefined ? 'exports no function (no default export, module.exports is not a function)' : `no function export "${exportName}"`;
    case 'WRAPT_HOOKS_PATCH_LOAD':
      return (cause as { code?: unknown } | undefined)?.code === 'ERR_REQUIRE_ASYNC_MODULE'
        ? 'uses top-level await (a patch module must load synchronously)'
        : `threw while loading: ${describeCause(cause)}`;
    case 'WRAPT_HOOKS_UNTRUSTED_FILE':
      return `refused: ${(file === null ? undefined : untrustedReason(file)) ?? 'untrusted file'}`;
    default:
      return code;
  }
}

const PATCH_HINTS: Record<string, string> = {
  WRAPT_HOOKS_PATCH_NOT_FOUND: 'Relative specifiers start with "./" and resolve from the file that declares them (the config file, or the patch package root).',
  WRAPT_HOOKS_PATCH_EXPORT: 'Name an exported function after "#", or export a default function.',
  WRAPT_HOOKS_PATCH_LOAD: 'Run the patch module on its own (node -e "require(\'<file>\')") to see the error.',
  WRAPT_HOOKS_UNTRUSTED_FILE: "Fix the file's owner or permissions as the message says.",
};

function checkTrace(trace: PlanTrace, pkg: string | null, appDir: string): WithProblem<TraceReport> {
  const row: WithProblem<TraceReport> = {
    spec: trace.spec,
    target: trace.target,
    path: trace.path,
    stack: trace.stack,
    origin: trace.origin,
    package: pkg,
    installed: null,
    resolves: null,
    ok: false,
  };
  const target = parseTarget(trace.target, trace.baseDir);
  if (typeof target === 'string') {
    row.problem = target;
    return row;
  }
  const found = locate(target, appDir);
  row.installed = found.installed;
  const fail = (code: string, problem: string, hint: string): WithProblem<TraceReport> => {
    row.problem = problem;
    row.problemReport = { code, message: `trace "${trace.spec}" (${trace.origin}): ${problem}`, hint };
    return row;
  };
  if (found.installed === null)
    return fail('WRAPT_HOOKS_TARGET_NOT_FOUND', `target "${trace.target}": ${found.note ?? 'not found'}`, 'Install the target or fix the part before "#".');
  let exports: unknown;
  try {
    exports = loadTarget(target, found.installed.file);
  } catch (error) {
    row.problem = `cannot load "${trace.target}" to check the path: ${describeCause(error)}`;
    row.ok = true; // not the entry's fault: the preload checks it when the target loads
    return row;
  }
  let original: unknown;
  try {
    original = resolvePath(exports, trace.path)[2];
  } catch (error) {
    row.resolves = false;
    return fail('WRAPT_HOOKS_TRACE_PATH', `"${trace.path}" does not resolve on the exports of "${trace.target}": ${describeCause(error)}`, pathHint(exports));
  }
  if (typeof original !== 'function') {
    row.resolves = false;
    return fail(
      'WRAPT_HOOKS_TRACE_PATH',
      `"${trace.path}" is ${original === undefined ? 'not there' : `a ${typeof original}, not a function`} on the exports of "${trace.target}"`,
      pathHint(exports),
    );
  }
  row.resolves = true;
  row.ok = true;
  return row;
}

function pathHint(exports: unknown): string {
  const names =
    exports !== null && (typeof exports === 'object' || typeof exports === 'function')
      ? Object.keys(exports).filter((name) => typeof (exports as Record<string, unknown>)[name] === 'function')
      : [];
  return names.length === 0
    ? 'Fix the part after "#".'
    : `Fix the part after "#"; functions exported: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`;
}

/** Loads a target the way a patch would receive it: module.exports, or the namespace of an ES module. */
function loadTarget(target: Target, file: string | null): unknown {
  if (target.kind === 'builtin') return require(target.key);
  if (file === null) throw new Error('its entry point cannot be resolved with require() (an ES-module-only "exports" map?)');
  return createRequire(file)(file);
}

function withStdoutOnStderr<T>(fn: () => T): T {
  const stdout = process.stdout as unknown as { write: (...args: unknown[]) => boolean };
  const original = stdout.write;
  stdout.write = (...args: unknown[]) => (process.stderr.write as (...a: unknown[]) => boolean)(...args);
  try {
    return fn();
  } finally {
    stdout.write = original;
  }
}
