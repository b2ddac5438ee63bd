// The command line (`wrapt-hooks`, the package's bin):
//   run     starts any command with the preload in NODE_OPTIONS (the CLI never loads it itself);
//   doctor  reads the config and the patch packages the way the preload would, loads each patch
//           module to check its export, and reports what would happen and what is wrong.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlan, parseTraceSpec, type PlanPatch, type PlanTrace, type Plan } from './config';
import { discover, findPackageRoot } from './discovery';
import { describeCause } from './errors';
import { esmMode, type EsmMode } from './hooks/esm';
import { resolvePath } from './patches';
import { loadSpecifier } from './registry';
import { parseTarget, splitBare, splitSpecifier, type Target, type TargetKind } from './targets';
import { untrustedReason } from './trust';
import { satisfies } from './versions';

type Env = Record<string, string | undefined>;

/** The preload `run` adds to NODE_OPTIONS: this installed copy's register.js, by absolute path. */
export const REGISTER = path.resolve(__dirname, '..', 'register.js');

const USAGE = `Usage: wrapt-hooks <command> [options]

Commands:
  run [--trace <spec>]... <command> [args...]
                    run a command with the wrapt-hooks preload added to NODE_OPTIONS
                    (child Node.js processes inherit it); exit code and signals pass through
  doctor [--json]   check the config file, the patch packages and every patch module,
                    without running the application; exits 1 when there is a problem

Options:
  -h, --help        show this help (also: wrapt-hooks <command> --help)
  -v, --version     print the version of wrapt-hooks

Environment: WRAPT_PATCHES, WRAPT_HOOKS_CONFIG, WRAPT_HOOKS_DEBUG, WRAPT_HOOKS_DISABLE,
WRAPT_HOOKS_STRICT, WRAPT_TRACE, WRAPT_TRACE_FILE (see the README).
`;

const RUN_USAGE = `Usage: wrapt-hooks run [--trace <spec>]... <command> [args...]

Runs <command> with "--require <wrapt-hooks>/register.js" appended to NODE_OPTIONS, so every
Node.js process it starts loads the config and the patches. Options end at <command>:
"wrapt-hooks run node --inspect app.js" passes --inspect to node.

Options:
  -t, --trace <spec>  log every call of a function, like WRAPT_TRACE: "<target>#<path>",
                      e.g. "fs#mkdtempSync" or "pg#Client.prototype.query"; add "+stack" for
                      the caller's frame. Repeatable.
  -h, --help          show this help

Examples:
  npx wrapt-hooks run node app.js
  npx wrapt-hooks run --trace fs#mkdtempSync+stack npm start
`;

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

class UsageError extends Error {}

/** The CLI. Resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const { options, rest } = splitOptions(argv, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } });
    if (options['version'] === true) {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const [command, ...args] = rest;
    if (options['help'] === true || command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    switch (command) {
      case 'run':
        return await runCommand(args);
      case 'doctor':
        return doctorCommand(args);
      case undefined:
        process.stderr.write(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}". The commands are "run" and "doctor".`);
    }
  } catch (error) {
    const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`wrapt-hooks: ${(error as Error).message}\nRun "wrapt-hooks --help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`wrapt-hooks: internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report it with the command you ran.\n`);
    return 1;
  }
}

type OptionSpec = Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>;

/**
 * Parses the options before the first positional argument with `parseArgs` and returns the
 * rest untouched: the options of the command being run are not ours.
 */
function splitOptions(argv: readonly string[], spec: OptionSpec): { options: Record<string, unknown>; rest: string[] } {
  const args = [...argv];
  // A lenient pass finds where our options end (a value-taking option consumes its value).
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  let end = args.length;
  let restStart = args.length;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      end = restStart = token.index;
      break;
    }
    if (token.kind === 'option-terminator') {
      end = token.index;
      restStart = token.index + 1;
      break;
    }
  }
  // The strict pass over our part reports unknown options and missing values.
  const { values } = parseArgs({ args: args.slice(0, end), options: spec, strict: true, allowPositionals: false });
  return { options: values as Record<string, unknown>, rest: args.slice(restStart) };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// run

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function runCommand(argv: readonly string[]): Promise<number> {
  const { options, rest } = splitOptions(argv, { trace: { type: 'string', short: 't', multiple: true }, help: { type: 'boolean', short: 'h' } });
  if (options['help'] === true) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const [command, ...args] = rest;
  if (command === undefined || command === '') throw new UsageError('run: name the command to run, like "wrapt-hooks run node app.js".');
  const traces = (options['trace'] as string[] | undefined) ?? [];
  for (const item of traces.flatMap((value) => value.split(','))) {
    const spec = item.trim();
    if (spec === '') continue;
    const parsed = parseTraceSpec(spec.endsWith('+stack') ? spec.slice(0, -'+stack'.length) : spec, process.cwd());
    if (typeof parsed === 'string') throw new UsageError(`run: --trace ${JSON.stringify(spec)}: ${parsed}`);
  }
  const env = runEnv(process.env, traces);
  return new Promise<number>((resolve) => {
    let settled = false;
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      // The terminal sends Ctrl-C to the whole process group, so the child may see SIGINT twice
      // (as with `npm run`); `kill <pid>` and `docker stop` reach only us, hence the forwarding.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const finish = (code: number, signal?: NodeJS.Signals): void => {
      if (settled) return;
      settled = true;
      for (const name of FORWARDED_SIGNALS) process.removeListener(name, forward);
      if (signal !== undefined) {
        // Die of the same signal, so that our parent sees what it would have seen without us.
        try {
          process.kill(process.pid, signal);
        } catch {
          // not a signal we can raise: fall through to the shell's 128 + n convention
        }
        resolve(128 + (osConstants.signals[signal] ?? 0));
        return;
      }
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill(); 'exit' still follows
      if (error.code === 'ENOENT') {
        process.stderr.write(`wrapt-hooks run: command not found: ${command}. Check the spelling and that it is installed and on PATH${command.includes('/') ? '' : ' (for a project script use "npx wrapt-hooks run …" or "npm exec")'}.\n`);
        finish(127);
      } else if (error.code === 'EACCES') {
        process.stderr.write(`wrapt-hooks run: cannot execute ${command}: permission denied. Make it executable (chmod +x) or run it through its interpreter.\n`);
        finish(126);
      } else {
        process.stderr.write(`wrapt-hooks run: cannot start ${command}: ${describeCause(error)}.\n`);
        finish(1);
      }
    });
    child.once('exit', (code, signal) => finish(code ?? 1, signal ?? undefined));
  });
}

/** The environment of the command `run` starts: the preload in NODE_OPTIONS, traces in WRAPT_TRACE. */
export function runEnv(base: Env, traces: readonly string[] = []): Env {
  const env: Env = { ...base, NODE_OPTIONS: nodeOptionsWith(base['NODE_OPTIONS'], REGISTER) };
  const extra = traces.map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (extra.length > 0) {
    const existing = (base['WRAPT_TRACE'] ?? '').trim();
    env['WRAPT_TRACE'] = existing === '' ? extra.join(',') : `${existing},${extra.join(',')}`;
  }
  return env;
}

/** `existing` NODE_OPTIONS plus `--require <file>`, quoted the way Node's NODE_OPTIONS parser reads it. */
export function nodeOptionsWith(existing: string | undefined, file: string): string {
  const flag = `--require ${quoteNodeOption(file)}`;
  const before = (existing ?? '').trim();
  if (before === '') return flag;
  if (` ${before} `.includes(` ${flag} `)) return before;
  return `${before} ${flag}`;
}

/** NODE_OPTIONS splits on spaces; double quotes group, and inside them a backslash escapes. */
export function quoteNodeOption(value: string): string {
  if (/^[^\s"\\]+$/.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

// ---------------------------------------------------------------------------------------------
// doctor

/** The JSON report of `wrapt-hooks doctor --json` (format `version: 1`; fields are only ever added). */
export interface DoctorReport {
  version: 1;
  ok: boolean;
  wraptHooks: { version: string };
  node: { version: string; esmMode: EsmMode };
  cwd: string;
  config: { file: string | null; dir: string; strict: boolean };
  /** WRAPT_HOOKS_DISABLE: `"all"`, or the targets it names (empty: nothing disabled). */
  disabled: 'all' | string[];
  targets: TargetReport[];
  packages: PackageReport[];
  traces: TraceReport[];
  problems: ProblemReport[];
}

export interface Installed {
  /** The package's version; Node's version for builtins; null for application files. */
  version: string | null;
  /** The file the target resolves to (null for builtins, or a package whose entry cannot be required). */
  file: string | null;
}

export interface TargetReport {
  target: string;
  key: string;
  kind: TargetKind;
  disabled: boolean;
  installed: Installed | null;
  /** Why the target was not found, or a remark about it. */
  note?: string;
  patches: PatchReport[];
}

export interface PatchReport {
  spec: string;
  origin: string;
  /** The patch package that declared it; null for the config file. */
  package: string | null;
  versions: string | null;
  /** null when there is no range or nothing to check it against. */
  versionMatches: boolean | null;
  file: string | null;
  /** The export used: its name, "default", or "module.exports"; null when not found. */
  export: string | null;
  ok: boolean;
  problem?: string;
}

export interface PackageReport {
  name: string;
  origin: string;
  version: string | null;
  root: string | null;
  targets: string[];
  ok: boolean;
  problem?: string;
}

export interface TraceReport {
  spec: string;
  target: string;
  path: string;
  stack: boolean;
  origin: string;
  package: string | null;
  installed: Installed | null;
  /** Whether the function path resolves to a function on the target's exports; null when unchecked. */
  resolves: boolean | null;
  ok: boolean;
  problem?: string;
}

export interface ProblemReport {
  code: string;
  message: string;
  hint?: string;
}

function doctorCommand(argv: readonly string[]): number {
  const { values } = parseArgs({ args: [...argv], options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
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

  const disable = parseDisable(env['WRAPT_HOOKS_DISABLE'], cwd);
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
          problems.push({ code: 'WRAPT_HOOKS_TARGET_NOT_FOUND', message: `target "${patch.target}" (${patch.origin}): ${row.note ?? 'not found'}.`, hint: 'Fix the path (relative to the file that declares it) or remove the entry.' });
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
  if (mode === 'none') problems.push({ code: 'WRAPT_HOOKS_ESM_UNAVAILABLE', message: `Node.js ${process.versions.node} has neither module.registerHooks nor module.register: ES module targets cannot be patched.`, hint: 'Use Node.js 20.19 or newer.' });
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
    return first.cause === undefined ? 'no "wrapt-hooks" field in its package.json: it declares no patches' : `cannot read its package.json: ${describeCause(first.cause)}`;
  }
  const prefix = `${path.join(root, 'package.json')}: `;
  return found.map((problem) => (problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message)).join(' ');
}

/** WRAPT_HOOKS_DISABLE as the preload reads it (src/bootstrap.ts): "all", or target keys. */
function parseDisable(value: string | undefined, cwd: string): 'all' | Set<string> {
  const keys = new Set<string>();
  if (value === undefined || value.trim() === '' || value === '0' || value.toLowerCase() === 'false') return keys;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '1' || trimmed === 'all' || trimmed === 'true' || trimmed === '*') return 'all';
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const target = parseTarget(item.trim(), cwd);
    keys.add(typeof target === 'string' ? item.trim() : target.key);
  }
  return keys;
}

function targetRow(target: Target, appDir: string, disable: 'all' | Set<string>): TargetReport {
  const found = locate(target, appDir);
  const row: TargetReport = { target: target.written, key: target.key, kind: target.kind, disabled: disable === 'all' || disable.has(target.key), installed: found.installed, patches: [] };
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
  let file: string | null = null;
  try {
    file = req.resolve(target.written);
  } catch {
    file = subpath === '' ? null : findInPackage(root, subpath);
  }
  if (target.kind === 'deep' && file === null) {
    return { installed: null, note: `${name}${version === null ? '' : `@${version}`} has no file ${subpath} (at ${root}); its patches never fire with this version`, root };
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
  const row: WithProblem<PatchReport> = { spec: patch.spec, origin: patch.origin, package: pkg, versions: patch.versions ?? null, versionMatches: null, file: null, export: null, ok: false };
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
    row.problemReport = { code: loaded.error.code, message: loaded.error.message, hint: PATCH_HINTS[loaded.error.code] ?? 'Fix the patch specifier or the patch module.' };
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
    row.export = exported !== null && (typeof exported === 'object' || typeof exported === 'function') && (exported as { default?: unknown }).default === loaded.fn ? 'default' : 'module.exports';
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
      return (cause as { code?: unknown } | undefined)?.code === 'ERR_REQUIRE_ASYNC_MODULE' ? 'uses top-level await (a patch module must load synchronously)' : `threw while loading: ${describeCause(cause)}`;
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
  WRAPT_HOOKS_UNTRUSTED_FILE: 'Fix the file\'s owner or permissions as the message says.',
};

function checkTrace(trace: PlanTrace, pkg: string | null, appDir: string): WithProblem<TraceReport> {
  const row: WithProblem<TraceReport> = { spec: trace.spec, target: trace.target, path: trace.path, stack: trace.stack, origin: trace.origin, package: pkg, installed: null, resolves: null, ok: false };
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
  if (found.installed === null) return fail('WRAPT_HOOKS_TARGET_NOT_FOUND', `target "${trace.target}": ${found.note ?? 'not found'}`, 'Install the target or fix the part before "#".');
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
    return fail('WRAPT_HOOKS_TRACE_PATH', `"${trace.path}" is ${original === undefined ? 'not there' : `a ${typeof original}, not a function`} on the exports of "${trace.target}"`, pathHint(exports));
  }
  row.resolves = true;
  row.ok = true;
  return row;
}

function pathHint(exports: unknown): string {
  const names = exports !== null && (typeof exports === 'object' || typeof exports === 'function') ? Object.keys(exports).filter((name) => typeof (exports as Record<string, unknown>)[name] === 'function') : [];
  return names.length === 0 ? 'Fix the part after "#".' : `Fix the part after "#"; functions exported: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`;
}

/** Loads a target the way a patch would receive it: module.exports, or the namespace of an ES module. */
function loadTarget(target: Target, file: string | null): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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

// ---------------------------------------------------------------------------------------------
// doctor: human output

function useColor(env: Env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return process.stdout.isTTY === true && env['TERM'] !== 'dumb';
}

interface Paint {
  ok: string;
  bad: string;
  off: string;
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
}

function paint(color: boolean): Paint {
  const sgr = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  const green = sgr(32, 39);
  const red = sgr(31, 39);
  const dim = sgr(2, 22);
  return { ok: green('✓'), bad: red('✗'), off: dim('–'), bold: sgr(1, 22), dim, red };
}

/** Pads to `width` visible characters (what the eye aligns on), ignoring colour codes. */
function pad(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\u001b\[\d+m/g, '').length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}

function shortPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : file;
}

export function formatReport(report: DoctorReport, color: boolean): string {
  const p = paint(color);
  const cwd = report.cwd;
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push('', p.bold(title));
  };
  lines.push(`${p.bold('wrapt-hooks doctor')} ${p.dim(`(wrapt-hooks ${report.wraptHooks.version})`)}`, '');
  const modes: Record<EsmMode, string> = { sync: 'in-thread module.registerHooks', async: 'off-thread module.register loader', none: 'unavailable' };
  const header: [string, string][] = [
    ['node', `${report.node.version}, ES module hooks: ${report.node.esmMode} (${modes[report.node.esmMode]})`],
    ['config', report.config.file === null ? `none found from ${cwd}${report.targets.length + report.packages.length + report.traces.length === 0 ? ' (and no WRAPT_PATCHES or WRAPT_TRACE): the preload does nothing' : ''}` : shortPath(report.config.file, cwd)],
    ['strict', report.config.strict ? 'on' : 'off'],
    ['disabled', report.disabled === 'all' ? 'everything (WRAPT_HOOKS_DISABLE)' : report.disabled.length === 0 ? 'nothing' : `${report.disabled.join(', ')} (WRAPT_HOOKS_DISABLE)`],
  ];
  for (const [name, value] of header) lines.push(`  ${pad(name, 9)} ${value}`);

  if (report.targets.length > 0) {
    section('Targets');
    const targetWidth = Math.max(...report.targets.map((row) => row.target.length)) + 2;
    const specWidth = Math.max(...report.targets.flatMap((row) => row.patches.map((patch) => patch.spec.length))) + 2;
    for (const row of report.targets) {
      const bad = row.patches.some((patch) => !patch.ok) || (row.installed === null && row.kind === 'file');
      const mark = bad ? p.bad : row.installed === null || row.disabled ? p.off : p.ok;
      let where: string;
      if (row.installed === null) where = row.note ?? 'not found';
      else if (row.kind === 'builtin') where = `builtin, Node.js ${row.installed.version ?? ''}`;
      else if (row.kind === 'file') where = shortPath(row.installed.file ?? row.key, cwd);
      else where = `${row.installed.version ?? 'no version'}${row.installed.file === null ? '' : `  ${p.dim(shortPath(row.installed.file, cwd))}`}`;
      lines.push(`  ${mark} ${pad(row.target, targetWidth)}${where}${row.disabled ? p.dim('  disabled by WRAPT_HOOKS_DISABLE') : ''}`);
      for (const patch of row.patches) {
        const from = patch.package === null ? '' : p.dim(`  from ${patch.package}`);
        if (!patch.ok) {
          lines.push(`      ${p.bad} ${pad(patch.spec, specWidth)}${p.red(shortProblem(patch.problem ?? 'failed'))}${from}`);
          continue;
        }
        const skipped = patch.versionMatches === false;
        const mark2 = skipped ? p.off : p.ok;
        const file = patch.file === null ? '' : shortPath(patch.file, cwd);
        const exported = patch.export === 'default' ? 'default export' : patch.export === 'module.exports' ? 'module.exports' : `export ${patch.export ?? '?'}`;
        const range = patch.versions === null ? '' : skipped ? `, skipped: ${row.installed?.version ?? ''} is outside "${patch.versions}"` : patch.versionMatches === true ? `, versions "${patch.versions}" match` : `, versions "${patch.versions}"`;
        lines.push(`      ${mark2} ${pad(patch.spec, specWidth)}${file}, ${exported}${range}${from}`);
      }
    }
  }

  if (report.packages.length > 0) {
    section('Patch packages');
    const nameWidth = Math.max(...report.packages.map((row) => row.name.length)) + 2;
    const versionWidth = Math.max(...report.packages.map((row) => (row.version ?? '').length)) + 2;
    for (const row of report.packages) {
      if (!row.ok && row.root === null) {
        lines.push(`  ${p.bad} ${pad(row.name, nameWidth)}${p.red(row.problem ?? 'not found')}${p.dim(`  (${row.origin})`)}`);
        continue;
      }
      const targets = row.targets.length === 0 ? 'no patches' : `targets: ${row.targets.join(', ')}`;
      lines.push(`  ${row.ok ? p.ok : p.bad} ${pad(row.name, nameWidth)}${pad(row.version ?? '', versionWidth)}${row.ok ? targets : p.red(shortProblem(row.problem ?? 'invalid'))}  ${p.dim(shortPath(row.root ?? '', cwd))}`);
    }
  }

  if (report.traces.length > 0) {
    section('Traces');
    const specWidth = Math.max(...report.traces.map((row) => row.spec.length)) + 2;
    for (const row of report.traces) {
      const status = !row.ok ? p.red(shortProblem(row.problem ?? 'failed')) : row.resolves === true ? `function${row.installed?.version && row.installed.file !== null ? `, ${row.target}@${row.installed.version}` : ''}${row.stack ? ', with caller frame' : ''}` : p.dim(row.problem ?? 'not checked');
      lines.push(`  ${!row.ok ? p.bad : row.resolves === true ? p.ok : p.off} ${pad(row.spec, specWidth)}${status}`);
    }
  }

  section(report.problems.length === 0 ? 'No problems' : `Problems (${report.problems.length})`);
  if (report.problems.length === 0) lines.push(`  ${p.ok} ${report.targets.length + report.traces.length === 0 ? 'nothing to patch' : 'every patch module, export and trace path was found'}`);
  for (const problem of report.problems) {
    lines.push(`  ${p.bad} ${p.dim(problem.code)}`, `    ${problem.message}`);
    if (problem.hint !== undefined) lines.push(`    ${p.dim(`hint: ${problem.hint}`)}`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

/** The first sentence of a problem, for a one-line row (the full text is under Problems). */
function shortProblem(message: string): string {
  const first = message.split(/\. (?=[A-Z])/)[0] ?? message;
  return first.length > 140 ? `${first.slice(0, 139)}…` : first;
}
