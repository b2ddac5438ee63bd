// `wrapt-hooks doctor`: reads the config and the patch packages the way the preload would and
// reports every target, patch, package and trace with what is wrong, without running any
// application or patch code (doctor-checks.ts reads them statically).
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path = require('node:path');
import { parseArgs } from 'node:util';
import { loadPlan } from '../config/plan';
import type { Plan, PlanPatch, PlanTrace } from '../config/types';
import { discover, findPackageRoot } from '../config/discovery';
import { targetMistake, unknownDisabled } from '../config/target-checks';
import { bundleCandidates, bundledReason } from '../bundlers/detect';
import { describeCause } from '../errors';
import { esmMode } from '../hooks/node';
import { disabledTargets } from '../core/disable';
import { parseTarget, splitBare, type Target } from '../core/targets';
import { builtinNames, didYouMean, installedPackages } from '../near-miss';
import { checkPatch, checkTrace } from './doctor-checks';
import { formatReport, useColor } from './doctor-format';
import type { DoctorReport, Installed, PackageReport, ProblemReport, TargetReport, TraceReport } from './doctor-report';

export type * from './doctor-report';
import { packageVersion } from '../version';
import type { Env } from '../env';

const DOCTOR_USAGE = `Usage: wrapt-hooks doctor [--json]

Checks, from the current directory: the config file, each target (installed version, whether
each patch's "versions" range matches), each patch specifier (file found, export found), the
patch packages (WRAPT_PATCHES, "packages"), the trace entries (target found, function path
resolves), the Node.js version and the ES module hook mode. Exits 1 when there is a problem.

No application or patch code runs: exports are read from the source (as import-in-the-middle
reads them), and syntax is compiled, not run.

Options:
  --json       print the report as JSON (format version 1, see docs/cli.md)
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
  let installedNames: Set<string> | undefined;
  const installed = (): Set<string> => (installedNames ??= installedPackages(plan.dir));
  for (const { patch, pkg } of patches) {
    const target = parseTarget(patch.target, patch.baseDir);
    if (typeof target === 'string') continue; // reported by the validation already
    let row = targets.get(target.key);
    if (row === undefined) {
      row = targetRow(target, plan.dir, disable);
      targets.set(target.key, row);
      // A missing application file or a bare file name is in the plan's problems already.
      const miss = row.installed === null && target.kind !== 'file' ? nearMissProblem(target, patch.origin, plan.dir, installed) : undefined;
      if (miss !== undefined) {
        row.note = `${row.note ?? 'not installed'}; ${miss.hint}`;
        if (miss.problem !== undefined) problems.push(miss.problem);
      }
      // A package that is not installed may be inside the application's bundle, out of every hook's sight.
      const bundled =
        miss === undefined && row.installed === null && target.kind !== 'file'
          ? bundledReason(target.written, (bundles ??= bundleCandidates(plan.dir)), false)
          : undefined;
      if (bundled !== undefined) {
        row.note = bundled;
        problems.push({
          code: 'WRAPT_HOOKS_TARGET_BUNDLED',
          message: `target "${patch.target}" (${patch.origin}): ${bundled}.`,
          hint: "See docs/bundling.md in wrapt-hooks' documentation.",
        });
      }
    }
    const checked = checkPatch(patch, pkg, row);
    row.patches.push(checked);
    if (checked.problemReport !== undefined) problems.push(checked.problemReport);
    delete checked.problemReport;
  }
  const report = traces.map(({ trace, pkg }) => {
    const target = parseTarget(trace.target, trace.baseDir);
    const found: ReturnType<typeof locate> = typeof target === 'string' ? { installed: null, note: target } : locate(target, plan.dir);
    let note = found.note;
    if (found.installed === null && typeof target !== 'string' && target.kind !== 'file') {
      const miss = nearMissProblem(target, trace.origin, plan.dir, installed);
      if (miss !== undefined) note = `${note ?? 'not installed'}; ${miss.hint}`;
    }
    const row = checkTrace(trace, pkg, found.installed, note, typeof target !== 'string' && target.kind === 'builtin');
    if (row.problemReport !== undefined) problems.push(row.problemReport);
    delete row.problemReport;
    return row as TraceReport;
  });
  if (disable !== 'all') {
    const configured = new Map([...targets.values()].map((row) => [row.key, row.target]));
    for (const { trace } of traces) {
      const target = parseTarget(trace.target, trace.baseDir);
      if (typeof target !== 'string') configured.set(target.key, trace.target);
    }
    for (const message of unknownDisabled(disable, configured)) {
      problems.push({
        code: 'WRAPT_HOOKS_DISABLE_UNKNOWN',
        message,
        hint: 'WRAPT_HOOKS_DISABLE takes target names as written in the config, separated by commas.',
      });
    }
  }

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
    config: { file: plan.file ?? null, ...failedConfig(plan), dir: plan.dir, strict: plan.strict, shadowed: [...(plan.shadowed ?? [])] },
    disabled: disable === 'all' ? 'all' : [...disable],
    targets: [...targets.values()],
    packages,
    traces: report,
    problems,
  };
}

/** The config file that exists but failed to load, when the search stopped at one. */
function failedConfig(plan: Plan): { failed?: string } {
  const file = plan.file === undefined ? plan.problems.find((problem) => problem.file !== undefined)?.file : undefined;
  return file === undefined ? {} : { failed: file };
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

/** A package target that is not installed but is close to an installed name: "did you mean express?". */
function nearMissProblem(target: Target, origin: string, appDir: string, installed: () => Set<string>): { hint: string; problem?: ProblemReport } | undefined {
  // `src/db.js` naming an application file: the plan's problems say so already.
  if (targetMistake(target, appDir) !== undefined) return { hint: `did you mean ./${target.written}?` };
  const hint = didYouMean(target.name, target.name.startsWith('node:') ? builtinNames() : installed());
  if (hint === '') return undefined;
  return {
    hint,
    problem: {
      code: 'WRAPT_HOOKS_TARGET_NOT_FOUND',
      message: `target "${target.written}" (${origin}): package "${target.name}" is not installed: ${hint}`,
      hint: 'Fix the target name; its patches wait for a package of exactly that name.',
    },
  };
}

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
